"""The management API on FastAPI: ARM's paths, bodies and errors over `cerulean.management`.

Every route authenticates the bearer token and lets `ResourceManager` authorize; the route modules
parse (pydantic: unknown properties ignored as ARM does, a wrong type is a 400 naming the field) and
render ARM's JSON. Any `api-version` is accepted (and not read: one shape serves them all). Writes
complete synchronously (200/201 with ``provisioningState: Succeeded``), so no client polls. ARM's
path segments are case-insensitive: the known type names are put in their canonical case first. Role
routes match at every scope, including under a registry, and are registered before the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from cerulean.management import ArmError, BadRequestError, ResourceManager
from cerulean.server.management import private_endpoints, registries, roles, subscriptions

if TYPE_CHECKING:
    from collections.abc import Sequence

    from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["build_management_app", "is_management_path"]

_log = structlog.get_logger("cerulean.management")
_PREFIXES: Final = ("/subscriptions", "/providers/", "/tenants")
_REGISTRY_PREFIXES: Final = ("/v2/", "/acr/", "/oauth2/")
_ROLE_ROUTES: Final = "/providers/microsoft.authorization/"
_CANONICAL: Final = {
    name.lower(): name
    for name in (
        "subscriptions", "resourceGroups", "providers", "resources", "registries", "scopeMaps", "tokens",
        "roleAssignments", "roleDefinitions", "userAssignedIdentities", "listCredentials",
        "regenerateCredential", "generateCredentials", "listUsages", "checkNameAvailability",
        "explainAccess", "privateEndpointConnections", "replications",
    )
}  # fmt: skip
_NAMESPACES: Final = {
    name.lower(): name
    for name in (
        "Microsoft.ContainerRegistry", "Microsoft.Authorization", "Microsoft.ManagedIdentity", "Cerulean",
    )
}  # fmt: skip


def is_management_path(path: str) -> bool:
    """Whether a path belongs to the management API (role routes hang under any scope)."""
    path = _single_leading_slash(path)
    lowered = path.lower()
    if lowered.startswith(_PREFIXES) or path == "/metadata/endpoints":
        return True
    return not lowered.startswith(_REGISTRY_PREFIXES) and _ROLE_ROUTES in lowered


def _single_leading_slash(path: str) -> str:
    """`//metadata/endpoints`: what az asks for when the ARM URL it was given ends in a slash."""
    return "/" + path.lstrip("/") if path.startswith("//") else path


def canonical_path(path: str) -> str:
    """`path` with ARM's type segments (not the names between them) in their canonical case."""
    segments = _single_leading_slash(path).split("/")
    out = [segments[0]]
    expect_type = True
    after_providers = False
    for segment in segments[1:]:
        if after_providers:
            out.append(_NAMESPACES.get(segment.lower(), segment))
            after_providers = False
            expect_type = True
            continue
        if expect_type:
            canonical = _CANONICAL.get(segment.lower(), segment)
            out.append(canonical)
            after_providers = canonical == "providers"
            expect_type = False
        else:
            out.append(segment)
            expect_type = True
    return "/".join(out)


class _CanonicalPaths:
    """ARM matches type segments in any case; FastAPI's routes are case-sensitive."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = canonical_path(scope["path"])
            if path != scope["path"]:
                scope = {**scope, "path": path, "raw_path": path.encode()}
        await self._app(scope, receive, send)


def _arm_error(error: ArmError, authority: str) -> JSONResponse:
    body: dict[str, Any] = {"code": error.code, "message": error.message}
    if error.target:
        body["target"] = error.target
    headers = {}
    if error.status == 401:  # noqa: PLR2004 - ARM's challenge goes with 401 only
        headers["WWW-Authenticate"] = (
            f'Bearer authorization_uri="{authority}/common", error="invalid_token", '
            f'error_description="{error.message}"'
        )
    return JSONResponse({"error": body}, status_code=error.status, headers=headers)


def _validation_message(errors: Sequence[Any]) -> tuple[str, str]:
    first = errors[0] if errors else {}
    location = [str(part) for part in first.get("loc", ()) if part != "body"]
    target = ".".join(location)
    return (
        target,
        f"The request content was invalid and could not be deserialized: '{target}': {first.get('msg', '')}",
    )


def build_management_app(manager: ResourceManager, *, authority: str, acr_suffix: str) -> ASGIApp:
    """The ARM app.

    `authority` is this server's base URL (for the 401 challenge and the cloud metadata); `acr_suffix` is
    what `<registry name><suffix>` makes a login server of (the metadata's `suffixes.acrLoginServer`).
    """
    app = FastAPI(
        title="Cerulean management API",
        description="Azure Resource Manager's shapes for container registries and role-based access.",
        version="2025-11-01",
        openapi_url="/providers/Cerulean/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.manager = manager
    app.state.cloud_metadata = subscriptions.cloud_metadata(authority, acr_suffix)

    @app.exception_handler(ArmError)
    async def arm_error(_request: Request, error: ArmError) -> JSONResponse:
        return _arm_error(error, authority)

    @app.exception_handler(RequestValidationError)
    async def invalid_body(_request: Request, error: RequestValidationError) -> JSONResponse:
        target, message = _validation_message(error.errors())
        return _arm_error(BadRequestError(message, target=target or None), authority)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 404:  # noqa: PLR2004 - no route: ARM names the path it does not know
            return JSONResponse(
                {"error": {"code": "InvalidResourceType",
                           "message": "The requested path is not a known resource type."}},
                status_code=404,
            )  # fmt: skip
        code = "MethodNotAllowed" if error.status_code == 405 else "BadRequest"  # noqa: PLR2004
        return JSONResponse(
            {"error": {"code": code, "message": str(error.detail)}}, status_code=error.status_code
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        _log.exception("management request failed", path=request.url.path[:300], error=type(error).__name__)
        return JSONResponse(
            {
                "error": {
                    "code": "InternalServerError",
                    "message": "The server could not complete the request.",
                }
            },
            status_code=500,
        )

    app.include_router(roles.router)  # first: role routes under a registry are not its children
    app.include_router(subscriptions.router)
    app.include_router(registries.router)
    app.include_router(private_endpoints.router)  # registries/{r}/privateEndpointConnections (network)
    return _CanonicalPaths(app)
