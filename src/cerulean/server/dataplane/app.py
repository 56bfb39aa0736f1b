"""The data-plane ASGI application: match the path, check access, call the handler, render errors.

The order inside one request: path → route table (404/405) → repository name grammar (400
NAME_INVALID, before any file or row is touched) → access gate → handler. Typed registry errors become
OCI error bodies; anything else is logged with the correlation id and answered with an opaque 500.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import structlog
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from cerulean.core.names import is_valid_name
from cerulean.registry.errors import NameInvalidError, RegistryError, UnsupportedError
from cerulean.server.dataplane.access import ScopeNeed
from cerulean.server.dataplane.context import RequestContext
from cerulean.server.dataplane.paths import Endpoint, match_path
from cerulean.server.dataplane.routes import ROUTES
from cerulean.server.errors import EndpointUnknownError, internal_error, oci_error

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

    from cerulean.registry.service import RegistryService
    from cerulean.server.dataplane.access import AccessGate
    from cerulean.server.dataplane.paths import PathMatch
    from cerulean.server.dataplane.routes import Route

__all__ = ["DataPlane"]

_METHODS_BY_ENDPOINT: Final = {
    endpoint: sorted(method for (e, method) in ROUTES if e is endpoint) for endpoint in Endpoint
}

_log = structlog.get_logger("cerulean.dataplane")


class DataPlane:
    """``/v2/`` and ``/acr/v1/``."""

    def __init__(self, registry: RegistryService, gate: AccessGate, login_server: str) -> None:
        self._registry = registry
        self._gate = gate
        self._login_server = login_server

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request."""
        request = Request(scope, receive)
        response = await self._respond(request)
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        try:
            match, route = _route(request)
            await self._gate.authorize(request, _needs(route, match, request))
            return await route.handler(RequestContext(request, match, self._registry, self._login_server))
        except RegistryError as exc:
            return oci_error(exc)
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is listening; nothing was recorded
        except Exception:  # noqa: BLE001 - the last line of defence: an opaque 500, logged in full
            correlation_id = request.scope.get("state", {}).get("correlation_id", "")
            _log.exception("unhandled error", correlation_id=correlation_id, path=request.url.path)
            return internal_error(correlation_id)


def _route(request: Request) -> tuple[PathMatch, Route]:
    """The endpoint and route of a request, or the OCI error that refuses it (404, 405, 400)."""
    match = match_path(request.scope["path"])
    if match is None:
        raise EndpointUnknownError
    method = request.scope["method"]
    route = ROUTES.get((match.endpoint, method))
    if route is None:
        allowed = ", ".join(_METHODS_BY_ENDPOINT[match.endpoint])
        raise UnsupportedError(f"{method} is not supported here", headers={"Allow": allowed})
    request.scope.setdefault("state", {})["operation"] = route.operation
    if match.name and not is_valid_name(match.name):
        raise NameInvalidError(detail={"name": match.name[:256]})
    return match, route


def _needs(route: Route, match: PathMatch, request: Request) -> tuple[ScopeNeed, ...]:
    access = route.access
    if access is None:
        return ()
    name = "catalog" if access.resource_type == "registry" else match.name
    need = ScopeNeed(access.resource_type, name, access.actions, access.alternative, access.challenge)
    source = request.query_params.get("from") if match.endpoint is Endpoint.UPLOADS else None
    if source and "mount" in request.query_params and is_valid_name(source):
        pull = frozenset({"pull"})
        return need, ScopeNeed("repository", source, pull, None, ("pull",))
    return (need,)
