"""The managed identity endpoint's listener: plain HTTP on loopback, as on Azure.

    GET /msi/token?api-version=2019-08-01&resource=...    App Service form: `X-IDENTITY-HEADER: <secret>`
    GET /metadata/identity/oauth2/token?resource=...      IMDS form: `Metadata: true`, secret in
                                                           `X-IDENTITY-HEADER` too (each workload has its own)

A workload's `IDENTITY_ENDPOINT` is ``http://<listener>/msi/token`` and `IDENTITY_HEADER` its endpoint
secret. IMDS itself authenticates nothing but the `Metadata` header; Cerulean serves many workloads on
one listener, so the IMDS form also needs the secret (for `AZURE_POD_IDENTITY_AUTHORITY_HOST` setups the
pod-identity proxy adds it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog
from starlette.requests import Request

from cerulean.identity.errors import EntraError
from cerulean.identity.managed import ManagedIdentityError
from cerulean.server.bodies import json_response

if TYPE_CHECKING:
    from starlette.responses import Response
    from starlette.types import Receive, Scope, Send

    from cerulean.identity.managed import ManagedIdentityEndpoint

__all__ = ["ManagedIdentityApp"]

_log = structlog.get_logger("cerulean.identity")


def _json(body: object, status: int = 200) -> Response:
    return json_response(body, status=status, headers={"Cache-Control": "no-store"})


class ManagedIdentityApp:
    """The ASGI app of the managed identity listener."""

    def __init__(self, endpoint: ManagedIdentityEndpoint) -> None:
        self._endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request."""
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        try:
            response = await self._respond(request)
        except (ManagedIdentityError, EntraError) as error:
            response = _error(error.status, error.error, error.description)
        except Exception:  # noqa: BLE001 - the last line of defence
            _log.exception("managed identity endpoint failed", path=request.url.path)
            response = _json({"error": "server_error", "error_description": "internal error"}, 500)
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        path = request.url.path
        imds = path == "/metadata/identity/oauth2/token"
        if path != "/msi/token" and not imds:
            return _json({"error": "not_found", "error_description": "no such endpoint"}, 404)
        if request.method != "GET":
            return _json({"error": "invalid_request", "error_description": "use GET"}, 405)
        if imds and request.headers.get("metadata", "").lower() != "true":
            raise ManagedIdentityError(400, "invalid_request", "Required metadata header not specified")
        secret = request.headers.get("x-identity-header", "")
        if not secret:
            raise ManagedIdentityError(
                400, "invalid_request", "Required header X-IDENTITY-HEADER not specified"
            )
        client = request.client.host if request.client else ""
        token = await self._endpoint.token(secret, dict(request.query_params), client)
        body: dict[str, object] = {
            "access_token": token.access_token,
            "expires_on": str(token.expires_on),
            "resource": token.resource,
            "token_type": "Bearer",
            "client_id": token.client_id,
        }
        if imds:
            body.update(expires_in=str(token.expires_in), ext_expires_in=str(token.expires_in))
        return _json(body)


def _error(status: int, error: str, description: str) -> Response:
    """An error both ways: IMDS clients read OAuth2's fields, App Service clients `statusCode`/`message`."""
    return _json(
        {"error": error, "error_description": description, "statusCode": status, "message": description},
        status,
    )
