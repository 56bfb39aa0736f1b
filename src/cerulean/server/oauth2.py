"""ACR's token endpoints on the login server: ``POST /oauth2/exchange`` and ``POST``/``GET /oauth2/token``.

Fields come from the form body (POST) or the query string (GET, and the SDK's ``?api-version=``);
`scope` may repeat. Answers: ``{"refresh_token": …}`` / ``{"access_token": …}``; refusals in the OCI
error format Docker prints (``unauthorized: …``), with the status ACR uses (400, 401, 403).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl

import structlog
from starlette.requests import Request
from starlette.responses import Response

from cerulean.auth.errors import AuthError, InvalidTokenRequestError
from cerulean.auth.service import CallerInfo
from cerulean.server.bodies import json_response, read_bounded
from cerulean.server.bypass import admission_for
from cerulean.server.errors import internal_error, oci_error_body

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

    from cerulean.auth.service import RegistryAuth

__all__ = ["TokenEndpoints", "caller_info"]

_MAX_FORM_BYTES: Final = 64 * 1024
_NO_STORE: Final = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_log = structlog.get_logger("cerulean.oauth2")


def caller_info(request: Request) -> CallerInfo:
    """Address, user agent and correlation id of a request, for audit records (read once per request)."""
    scope = request.scope
    state = scope.setdefault("state", {})
    caller: CallerInfo | None = state.get("caller")
    if caller is None:
        client = scope.get("client")
        agent = ""
        for name, value in scope["headers"]:
            if name == b"user-agent":
                agent = value.decode("latin-1")[:512]
                break
        caller = CallerInfo(client[0] if client else "", agent, state.get("correlation_id", ""))
        state["caller"] = caller
    return caller


async def _fields(request: Request) -> list[tuple[str, str]]:
    pairs = parse_qsl(request.url.query, keep_blank_values=True, max_num_fields=128)
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        body = await read_bounded(request, _MAX_FORM_BYTES)
        if body is None:
            raise InvalidTokenRequestError("form too large", "the request body is too large")
        if body and content_type != "application/x-www-form-urlencoded":
            raise InvalidTokenRequestError(
                "wrong content type", "the request body must be application/x-www-form-urlencoded"
            )
        pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=128)
    return pairs


class TokenEndpoints:
    """The ASGI application for ``/oauth2/*``."""

    def __init__(self, auth: RegistryAuth) -> None:
        self._auth = auth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request."""
        request = Request(scope, receive)
        response = await self._respond(request)
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        path, method = request.url.path, request.method
        allowed = {"/oauth2/exchange": ("POST",), "/oauth2/token": ("GET", "POST")}.get(path)
        if allowed is None:
            return _error(404, "UNSUPPORTED", "no such endpoint")
        if method not in allowed:
            return _error(
                405, "UNSUPPORTED", f"{method} is not supported here", {"Allow": ", ".join(allowed)}
            )
        caller = caller_info(request)
        # A request the network rules refused, let on to see whether a trusted identity is calling.
        admission = admission_for(request.scope.get("state", {}))
        try:
            pairs = await _fields(request)
            form = {name: value for name, value in pairs if name != "scope"}
            if path == "/oauth2/exchange":
                token = await self._auth.exchange(form, caller, admission)
                return json_response({"refresh_token": token}, headers=_NO_STORE)
            scopes = [value for name, value in pairs if name == "scope"]
            authorization = request.headers.get("authorization", "")
            if method == "GET":
                # Docker's token request names no grant: Basic credentials, or none for anonymous pull.
                form.setdefault("grant_type", "password")
            token = await self._auth.token(form, scopes, authorization, caller, admission)
            return json_response({"access_token": token}, headers=_NO_STORE)
        except AuthError as error:
            return _error(error.status, error.code, error.message)
        except Exception:  # noqa: BLE001 - never a traceback to the client
            _log.exception("token endpoint failed", correlation_id=caller.correlation_id)
            return internal_error(caller.correlation_id)


def _error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    return Response(
        oci_error_body(code, message),
        status_code=status,
        media_type="application/json; charset=utf-8",
        headers={**_NO_STORE, **(headers or {})},
    )
