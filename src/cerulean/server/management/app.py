"""The management API on FastAPI: ARM's paths, bodies and errors over `cerulean.management`.

Every route authenticates the bearer token and lets `ResourceManager` authorize; this module parses
(pydantic models: unknown properties ignored as ARM does, a wrong type is a 400 naming the field) and
renders ARM's JSON. Any `api-version` is accepted (and not read: one shape serves them all). Writes
complete synchronously (200/201 with ``provisioningState: Succeeded``), so no client polls. Role
routes match at every scope, including under a registry, and are registered before the registry's own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, Final

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr
from starlette.exceptions import HTTPException as StarletteHTTPException

from cerulean.management import ArmError, BadRequestError, Caller, ResourceManager
from cerulean.management.service import RegistryChanges, scope_text
from cerulean.server.management.private_endpoints import private_endpoint_router
from cerulean.server.management.shapes import registry_json, role_assignment_json, role_definition_json

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["build_management_app", "is_management_path"]

_PREFIXES: Final = ("/subscriptions", "/providers/", "/tenants")
_GROUP: Final = "/subscriptions/{subscription}/resourceGroups/{group}"
_REGISTRY: Final = _GROUP + "/providers/Microsoft.ContainerRegistry/registries/{name}"
_ASSIGNMENTS: Final = "/providers/Microsoft.Authorization/roleAssignments"
_DEFINITIONS: Final = "/providers/Microsoft.Authorization/roleDefinitions"


def is_management_path(path: str) -> bool:
    """Whether a path belongs to the management API."""
    return path.startswith(_PREFIXES) or path == "/metadata/endpoints"


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")  # ARM ignores properties it does not know


class _Sku(_Body):
    name: StrictStr


class _Status(_Body):
    status: StrictStr | None = None


class _Policies(_Body):
    azure_ad_authentication_as_arm_policy: _Status | None = Field(
        None, alias="azureADAuthenticationAsArmPolicy"
    )


class _RegistryProperties(_Body):
    admin_user_enabled: StrictBool | None = Field(None, alias="adminUserEnabled")
    anonymous_pull_enabled: StrictBool | None = Field(None, alias="anonymousPullEnabled")
    role_assignment_mode: StrictStr | None = Field(None, alias="roleAssignmentMode")
    policies: _Policies | None = None


class RegistryBody(_Body):
    """A registry PUT (`Registry`) or PATCH (`RegistryUpdateParameters`)."""

    location: StrictStr | None = None
    sku: _Sku | None = None
    properties: _RegistryProperties | None = None


class RegenerateCredentialBody(_Body):
    """`RegenerateCredentialParameters`."""

    name: StrictStr


class _AssignmentProperties(_Body):
    role_definition_id: StrictStr = Field(alias="roleDefinitionId")
    principal_id: StrictStr = Field(alias="principalId")
    principal_type: StrictStr | None = Field(None, alias="principalType")
    condition: StrictStr | None = None
    condition_version: StrictStr | None = Field(None, alias="conditionVersion")
    description: StrictStr | None = None


class RoleAssignmentBody(_Body):
    """`RoleAssignmentCreateParameters`."""

    properties: _AssignmentProperties


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


_FILTER_PRINCIPAL: Final = re.compile(r"principalId\s+eq\s+'([^']*)'", re.IGNORECASE)
_FILTER_ASSIGNED: Final = re.compile(r"assignedTo\('([^']*)'\)", re.IGNORECASE)
_FILTER_AT_SCOPE: Final = re.compile(r"atScope\(\)", re.IGNORECASE)
_FILTER_ROLE_NAME: Final = re.compile(r"roleName\s+eq\s+'([^']*)'", re.IGNORECASE)


async def _caller(request: Request, authorization: Annotated[str, Header()] = "") -> Caller:
    manager: ResourceManager = request.app.state.manager
    return await manager.authenticate(authorization)


# Module level: FastAPI resolves these annotations by name (this module uses postponed evaluation).
Authenticated = Annotated[Caller, Depends(_caller)]
Filter = Annotated[str | None, Query(alias="$filter")]


def build_management_app(manager: ResourceManager, *, authority: str) -> FastAPI:  # noqa: C901, PLR0915 - the route table
    """The ARM app; `authority` is this server's base URL (for the 401 challenge)."""
    app = FastAPI(
        title="Cerulean management API",
        description="Azure Resource Manager's shapes for container registries and role-based access.",
        version="2025-11-01",
        openapi_url="/providers/Cerulean/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.manager = manager

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
            missing = ArmError("The requested path is not a known resource type.", code="InvalidResourceType")
            return JSONResponse(
                {"error": {"code": missing.code, "message": missing.message}}, status_code=404
            )
        code = "MethodNotAllowed" if error.status_code == 405 else "BadRequest"  # noqa: PLR2004
        return JSONResponse(
            {"error": {"code": code, "message": str(error.detail)}}, status_code=error.status_code
        )

    # -- role definitions and assignments, at any scope (before the registry routes) -----------------

    def assignment_filter(filter_: str | None) -> tuple[bool, str | None]:
        if not filter_:
            return False, None
        principal = _FILTER_PRINCIPAL.search(filter_) or _FILTER_ASSIGNED.search(filter_)
        at_scope = _FILTER_AT_SCOPE.search(filter_) is not None
        if principal is None and not at_scope:
            raise BadRequestError(f"The filter '{filter_[:200]}' is not supported.", code="UnsupportedFilter")
        return at_scope, principal.group(1) if principal else None

    async def list_assignments(who: Caller, scope: str, filter_: str | None) -> dict[str, Any]:
        at_scope, principal = assignment_filter(filter_)
        found = await manager.role_assignments(who, scope, at_scope_only=at_scope, principal_id=principal)
        return {"value": [role_assignment_json(a) for a in found]}

    async def put_assignment(who: Caller, scope: str, name: str, body: RoleAssignmentBody) -> JSONResponse:
        p = body.properties
        stored = await manager.put_role_assignment(
            who, scope, name, p.role_definition_id, p.principal_id, p.principal_type or "User",
            p.condition, p.condition_version, p.description or "",
        )  # fmt: skip
        return JSONResponse(role_assignment_json(stored), status_code=201)

    async def delete_assignment(who: Caller, scope: str, name: str) -> Response:
        deleted = await manager.delete_role_assignment(who, scope, name)
        if deleted is None:
            return Response(status_code=204)
        return JSONResponse(role_assignment_json(deleted))

    def list_definitions(who: Caller, scope: str, filter_: str | None) -> dict[str, Any]:
        match = _FILTER_ROLE_NAME.search(filter_ or "")
        if filter_ and match is None:
            raise BadRequestError(f"The filter '{filter_[:200]}' is not supported.", code="UnsupportedFilter")
        roles = manager.role_definitions(who, scope, match.group(1) if match else None)
        return {"value": [role_definition_json(r, scope_text(scope)) for r in roles]}

    for prefix in ("/{scope:path}", ""):

        @app.get(prefix + _ASSIGNMENTS, name=f"roleAssignments_list{prefix or '_root'}")
        async def role_assignments(
            who: Authenticated, filter_: Filter = None, scope: str = "/"
        ) -> dict[str, Any]:
            return await list_assignments(who, scope, filter_)

        @app.get(prefix + _ASSIGNMENTS + "/{name}", name=f"roleAssignments_get{prefix or '_root'}")
        async def role_assignment(who: Authenticated, name: str, scope: str = "/") -> dict[str, Any]:
            return role_assignment_json(await manager.role_assignment(who, scope, name))

        @app.put(prefix + _ASSIGNMENTS + "/{name}", name=f"roleAssignments_create{prefix or '_root'}")
        async def create_role_assignment(
            who: Authenticated,
            name: str,
            body: RoleAssignmentBody,
            scope: str = "/",
        ) -> JSONResponse:
            return await put_assignment(who, scope, name, body)

        @app.delete(prefix + _ASSIGNMENTS + "/{name}", name=f"roleAssignments_delete{prefix or '_root'}")
        async def remove_role_assignment(who: Authenticated, name: str, scope: str = "/") -> Response:
            return await delete_assignment(who, scope, name)

        @app.get(prefix + _DEFINITIONS, name=f"roleDefinitions_list{prefix or '_root'}")
        async def role_definitions(
            who: Authenticated, filter_: Filter = None, scope: str = "/"
        ) -> dict[str, Any]:
            return list_definitions(who, scope, filter_)

        @app.get(prefix + _DEFINITIONS + "/{role_id}", name=f"roleDefinitions_get{prefix or '_root'}")
        async def role_definition(who: Authenticated, role_id: str, scope: str = "/") -> dict[str, Any]:
            return role_definition_json(manager.role_definition(who, scope, role_id), scope_text(scope))

    # -- registries -----------------------------------------------------------------------------------

    def changes_of(body: RegistryBody) -> RegistryChanges:
        props = body.properties or _RegistryProperties()
        arm_policy = props.policies.azure_ad_authentication_as_arm_policy if props.policies else None
        arm_enabled = None
        if arm_policy is not None and arm_policy.status is not None:
            if arm_policy.status.lower() not in {"enabled", "disabled"}:
                raise BadRequestError(
                    "The policy status must be 'enabled' or 'disabled'.",
                    target="properties.policies.azureADAuthenticationAsArmPolicy.status",
                )
            arm_enabled = arm_policy.status.lower() == "enabled"
        return RegistryChanges(
            sku=body.sku.name if body.sku else None,
            admin_user_enabled=props.admin_user_enabled,
            anonymous_pull_enabled=props.anonymous_pull_enabled,
            role_assignment_mode=props.role_assignment_mode,
            arm_audience_enabled=arm_enabled,
        )

    @app.get(_REGISTRY, name="registries_get")
    async def get_registry(who: Authenticated, subscription: str, group: str, name: str) -> dict[str, Any]:
        return registry_json(await manager.registry(who, subscription, group, name))

    @app.put(_REGISTRY, name="registries_create")
    async def put_registry(
        who: Authenticated,
        subscription: str,
        group: str,
        name: str,
        body: RegistryBody,
    ) -> dict[str, Any]:
        return registry_json(await manager.update_registry(who, subscription, group, name, changes_of(body)))

    @app.patch(_REGISTRY, name="registries_update")
    async def patch_registry(
        who: Authenticated,
        subscription: str,
        group: str,
        name: str,
        body: RegistryBody,
    ) -> dict[str, Any]:
        return registry_json(await manager.update_registry(who, subscription, group, name, changes_of(body)))

    def credentials_json(username: str, passwords: list[tuple[str, str]]) -> dict[str, Any]:
        return {"username": username, "passwords": [{"name": n, "value": v} for n, v in passwords]}

    @app.post(_REGISTRY + "/listCredentials", name="registries_listCredentials")
    async def list_credentials(
        who: Authenticated, subscription: str, group: str, name: str
    ) -> dict[str, Any]:
        return credentials_json(*await manager.list_credentials(who, subscription, group, name))

    @app.post(_REGISTRY + "/regenerateCredential", name="registries_regenerateCredential")
    async def regenerate_credential(
        who: Authenticated,
        subscription: str,
        group: str,
        name: str,
        body: RegenerateCredentialBody,
    ) -> dict[str, Any]:
        return credentials_json(
            *await manager.regenerate_credential(who, subscription, group, name, body.name)
        )

    @app.get(
        "/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.ContainerRegistry/registries",
        name="registries_listByResourceGroup",
    )
    async def registries_in_group(who: Authenticated, subscription: str, group: str) -> dict[str, Any]:
        return {"value": [registry_json(r) for r in await manager.registries(who, subscription, group)]}

    @app.get(
        "/subscriptions/{subscription}/providers/Microsoft.ContainerRegistry/registries",
        name="registries_list",
    )
    async def registries(who: Authenticated, subscription: str) -> dict[str, Any]:
        return {"value": [registry_json(r) for r in await manager.registries(who, subscription, None)]}

    app.include_router(private_endpoint_router())  # registries/{r}/privateEndpointConnections (network)
    return app
