"""The data-plane ASGI application: match the path, check access, call the handler, render errors.

The order inside one request: path → route table (404/405) → repository name grammar (400
NAME_INVALID, before any file or row is touched) → access gate → handler. Typed registry errors become
OCI error bodies; anything else is logged with the correlation id and answered with an opaque 500.
"""

from __future__ import annotations

import functools
import time
from typing import TYPE_CHECKING, Final

import structlog
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from cerulean.audit import AUDIT_VERSION, AuditCategory, AuditEvent
from cerulean.core.names import is_valid_name
from cerulean.registry.errors import NameInvalidError, RegistryError, UnsupportedError
from cerulean.server.dataplane.access import RequiredAccess, ScopeNeed
from cerulean.server.dataplane.context import RequestContext
from cerulean.server.dataplane.paths import Endpoint, match_path
from cerulean.server.dataplane.routes import ROUTES
from cerulean.server.errors import EndpointUnknownError, internal_error, oci_error
from cerulean.server.oauth2 import caller_info

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

    from cerulean.access import Principal
    from cerulean.audit import AuditRecorder
    from cerulean.core.clock import Clock
    from cerulean.registry.service import RegistryService
    from cerulean.server.dataplane.access import AccessGate
    from cerulean.server.dataplane.paths import PathMatch
    from cerulean.server.dataplane.routes import Route

__all__ = ["DataPlane", "audited_operation"]

_METHODS_BY_ENDPOINT: Final = {
    endpoint: sorted(method for (e, method) in ROUTES if e is endpoint) for endpoint in Endpoint
}

_log = structlog.get_logger("cerulean.dataplane")

# Repository operations recorded in the audit log (ACR's ContainerRegistryRepositoryEvents), by route.
_AUDITED: Final = {
    "manifest.pull": "Pull",
    "manifest.push": "Push",
    "manifest.delete": "Delete",
    "acr.repository.delete": "Delete",
    "acr.tag.delete": "Untag",
}


_FIRST_ERROR_STATUS: Final = 400


def audited_operation(path: str, method: str) -> tuple[str, str]:
    """The audit operation and repository of a data-plane request (for records made before routing)."""
    match = match_path(path)
    if match is None:
        return "unknown", ""
    route = ROUTES.get((match.endpoint, method))
    if route is None:
        return "unknown", match.name
    return _AUDITED.get(route.operation, route.operation), match.name


def _is_digest(reference: str) -> bool:
    return ":" in reference


class DataPlane:
    """``/v2/`` and ``/acr/v1/``."""

    def __init__(
        self,
        registry: RegistryService,
        gate: AccessGate,
        login_server: str,
        *,
        audit: AuditRecorder | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._registry = registry
        self._gate = gate
        self._login_server = login_server
        self._audit = audit
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one HTTP request."""
        request = Request(scope, receive)
        response = await self._respond(request)
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        started = time.monotonic()
        try:
            match, route = _route(request)
        except RegistryError as exc:
            return oci_error(exc)
        principal: Principal | None = None
        try:
            principal = await self._gate.authorize(request, _needs(route, match, request))
            response = await route.handler(RequestContext(request, match, self._registry, self._login_server))
        except RegistryError as exc:
            response = oci_error(exc)
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is listening; nothing was recorded
        except Exception:  # noqa: BLE001 - the last line of defence: an opaque 500, logged in full
            correlation_id = request.scope.get("state", {}).get("correlation_id", "")
            _log.exception("unhandled error", correlation_id=correlation_id, path=request.url.path)
            response = internal_error(correlation_id)
        operation = _AUDITED.get(route.operation)
        if operation is None and "network_refusal" in request.scope.get("state", {}):
            operation = route.operation  # every network refusal is recorded, whatever the route
        if operation is not None and self._audit is not None:
            self._audit.record_nowait(self._event(request, match, operation, principal, response, started))
        return response

    def _event(  # noqa: PLR0917 - one call site, everything it records
        self,
        request: Request,
        match: PathMatch,
        operation: str,
        principal: Principal | None,
        response: Response,
        started: float,
    ) -> AuditEvent:
        """The repository event of one request (built on every pull: kept to plain lookups)."""
        assert self._clock is not None  # set with the recorder in build_app
        state = request.scope.get("state", {})
        if principal is None:
            principal = state.get("principal")
        caller = caller_info(request)
        reference = match.argument
        by_digest = _is_digest(reference)
        if operation == "Delete" and not by_digest and match.endpoint is Endpoint.MANIFEST:
            operation = "Untag"
        status = response.status_code
        digest, media_type, size = reference if by_digest else "", "", 0
        if status < _FIRST_ERROR_STATUS:
            result, reason = "Succeeded", ""
            audited: tuple[str, str, int] | None = getattr(response, "audited", None)
            if audited is not None:  # a manifest response says what it served without header parsing
                digest, media_type, size = audited
            else:
                digest, media_type, size = _served(response, digest)
        else:
            result, reason = "Failed", state.get("auth_refusal", "")[:512]
        # Positional, in AuditEvent's field order: keyword arguments cost twice as much on every pull.
        return AuditEvent(
            AUDIT_VERSION,
            self._clock.now(),
            AuditCategory.REPOSITORY,
            operation,
            self._login_server,
            principal.object_id if principal else "",
            principal.kind if principal else "",  # a StrEnum: `.value` costs a descriptor call
            principal.tenant_id if principal else "",
            caller.ip,
            caller.user_agent,
            caller.correlation_id,
            result,
            _STATUS_TEXT.get(status) or str(status),
            reason,
            match.name,
            "" if by_digest else reference[:128],
            digest,
            media_type,
            size,
            "",
            int((time.monotonic() - started) * 1000),
        )


_STATUS_TEXT: Final = {status: str(status) for status in (200, 201, 202, 204, 307, 401, 403, 404)}


def _served(response: Response, digest: str) -> tuple[str, str, int]:
    """Digest, media type and size a successful response's headers name."""
    media_type, size = "", 0
    for name, value in response.raw_headers:
        if name == b"docker-content-digest":
            digest = value.decode()[:160]
        elif name == b"content-type":
            media_type = value.decode()[:256]
        elif name == b"content-length":
            size = int(value or 0)
    return digest, media_type, size


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


_UNTAG: Final = frozenset({"untag"})


def _needs(route: Route, match: PathMatch, request: Request) -> tuple[ScopeNeed, ...]:
    access = route.access
    if access is None:
        return ()
    name = "catalog" if access.resource_type == "registry" else match.name
    # DELETE of a tag removes the tag only: the untag operation, asked for as `delete`.
    untag = (
        match.endpoint is Endpoint.MANIFEST and request.method == "DELETE" and not _is_digest(match.argument)
    )
    needs = _need(access, name, untag=untag)
    source = request.query_params.get("from") if match.endpoint is Endpoint.UPLOADS else None
    if source and "mount" in request.query_params and is_valid_name(source):
        return (*needs, ScopeNeed("repository", source, frozenset({"pull"}), None, ("pull",)))
    return needs


@functools.lru_cache(maxsize=4096)
def _need(access: RequiredAccess, name: str, *, untag: bool) -> tuple[ScopeNeed]:
    """Built once per route and repository: every request asks again (the hot path)."""
    actions = _UNTAG if untag else access.actions
    return (ScopeNeed(access.resource_type, name, actions, access.alternative, access.challenge),)
