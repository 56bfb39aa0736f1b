"""The identity provider's HTTP surface (Entra's paths, on the TLS listener).

GET  /{tenant}/v2.0/.well-known/openid-configuration   (and /{tenant}/.well-known/... for `adfs`)
GET  /{tenant}/discovery/v2.0/keys                     the JWKS (also /{tenant}/discovery/keys)
POST /{tenant}/oauth2/v2.0/token                       every grant (also /{tenant}/oauth2/token)
POST /{tenant}/oauth2/v2.0/devicecode                  device authorization (also /oauth2/devicecode)
GET/POST /devicelogin                                  the device-code approval page
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

import structlog
from starlette.requests import Request

from cerulean.identity.errors import EntraError, InvalidRequestError
from cerulean.identity.grants import TokenRequest
from cerulean.server.bodies import json_response
from cerulean.server.errors import entra_error
from cerulean.server.idp.devicelogin import approval_page
from cerulean.server.idp.forms import read_form

if TYPE_CHECKING:
    from starlette.responses import Response
    from starlette.types import Receive, Scope, Send

    from cerulean.core.clock import Clock
    from cerulean.identity.provider import IdentityProvider

__all__ = ["IdentityEndpoints", "is_identity_path"]

_PATH: Final = re.compile(
    r"/(?P<tenant>[A-Za-z0-9._-]{1,256})/(?P<rest>v2\.0/\.well-known/openid-configuration|\.well-known/"
    r"openid-configuration|discovery/v2\.0/keys|discovery/keys|oauth2/v2\.0/token|oauth2/token|"
    r"oauth2/v2\.0/devicecode|oauth2/devicecode)"
)
_NO_STORE: Final = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_log = structlog.get_logger("cerulean.identity")


def is_identity_path(path: str) -> bool:
    """Whether a path belongs to the identity provider."""
    return path == "/devicelogin" or _PATH.fullmatch(path) is not None


class IdentityEndpoints:
    """Dispatches identity-provider paths; every refusal is an Entra error body."""

    def __init__(self, provider: IdentityProvider, clock: Clock) -> None:
        self._provider = provider
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request."""
        request = Request(scope, receive)
        correlation_id = scope.get("state", {}).get("correlation_id", "")
        try:
            response = await self._respond(request, correlation_id)
        except EntraError as error:
            response = entra_error(error, correlation_id, self._clock.now())
        except Exception:  # noqa: BLE001 - the last line of defence: an opaque error, logged in full
            _log.exception("identity endpoint failed", correlation_id=correlation_id, path=request.url.path)
            response = entra_error(
                InvalidRequestError(90100, "An internal error occurred. Please retry."),
                correlation_id,
                self._clock.now(),
            )
            response.status_code = 500
        await response(scope, receive, send)

    async def _respond(self, request: Request, correlation_id: str) -> Response:  # noqa: PLR0911 - one per path
        path, method = request.url.path, request.method
        if path == "/devicelogin":
            return await approval_page(request, self._provider.devices)
        match = _PATH.fullmatch(path)
        if match is None:
            return json_response({"error": "not_found"}, status=404)
        tenant_segment, rest = match["tenant"], match["rest"]
        if rest.endswith(("openid-configuration", "keys")):
            if method not in {"GET", "HEAD"}:
                return json_response({"error": "invalid_request"}, status=405, headers={"Allow": "GET, HEAD"})
            tenant = await self._provider.tenants.resolve(tenant_segment)
            if rest.endswith("keys"):
                return json_response(
                    self._provider.keys.jwks(), headers={"Cache-Control": "public, max-age=3600"}
                )
            return json_response(self._provider.openid_configuration(tenant, tenant_segment))
        if method != "POST":
            return json_response({"error": "invalid_request"}, status=405, headers={"Allow": "POST"})
        form = await read_form(request)
        if rest.endswith("devicecode"):
            issued = await self._provider.devices.start(tenant_segment, form)
            return json_response(issued.body(), headers=_NO_STORE)
        client = request.client.host if request.client else ""
        body = await self._provider.tokens.token(TokenRequest(tenant_segment, form, client, correlation_id))
        return json_response(body, headers=_NO_STORE)
