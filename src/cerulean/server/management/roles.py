"""`{scope}/providers/Microsoft.Authorization/roleDefinitions` and `/roleAssignments`, at every scope.

Registered before every other route, so that a registry's role routes are not taken for its children.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from cerulean.management import BadRequestError
from cerulean.management.gate import scope_text
from cerulean.management.roles import AssignmentRequest
from cerulean.server.management.bodies import RoleAssignmentBody, RoleDefinitionBody
from cerulean.server.management.deps import Authenticated, Filter, Manager
from cerulean.server.management.shapes import role_assignment_json, role_definition_json

__all__ = ["router"]

_ASSIGNMENTS: Final = "/providers/Microsoft.Authorization/roleAssignments"
_DEFINITIONS: Final = "/providers/Microsoft.Authorization/roleDefinitions"
_FILTER_PRINCIPAL: Final = re.compile(r"principalId\s+eq\s+'([^']*)'", re.IGNORECASE)
_FILTER_ASSIGNED: Final = re.compile(r"assignedTo\('([^']*)'\)", re.IGNORECASE)
_FILTER_AT_SCOPE: Final = re.compile(r"atScope\(\)", re.IGNORECASE)
_FILTER_ROLE_NAME: Final = re.compile(r"roleName\s+eq\s+'([^']*)'", re.IGNORECASE)
_FILTER_CUSTOM: Final = re.compile(r"type\s+eq\s+'CustomRole'", re.IGNORECASE)

router = APIRouter()


def _scope_of(request: Request) -> str:
    """The scope a role route is under: the path's `{scope}`, or the root."""
    return str(request.path_params.get("scope", "/"))


Scope = Annotated[str, Depends(_scope_of)]


def _unsupported(filter_: str) -> BadRequestError:
    return BadRequestError(f"The filter '{filter_[:200]}' is not supported.", code="UnsupportedFilter")


def _assignment_filter(filter_: str | None) -> tuple[bool, str | None]:
    if not filter_:
        return False, None
    principal = _FILTER_PRINCIPAL.search(filter_) or _FILTER_ASSIGNED.search(filter_)
    at_scope = _FILTER_AT_SCOPE.search(filter_) is not None
    if principal is None and not at_scope:
        raise _unsupported(filter_)
    return at_scope, principal.group(1) if principal else None


async def _list_assignments(
    manager: Manager, who: Authenticated, scope: str, filter_: str | None
) -> dict[str, Any]:
    at_scope, principal = _assignment_filter(filter_)
    found = await manager.roles.assignments(who, scope, at_scope_only=at_scope, principal_id=principal)
    return {"value": [role_assignment_json(a) for a in found]}


async def _put_assignment(
    manager: Manager, who: Authenticated, scope: str, name: str, body: RoleAssignmentBody
) -> JSONResponse:
    p = body.properties
    request = AssignmentRequest(
        p.role_definition_id, p.principal_id, p.principal_type or "User", p.condition, p.condition_version,
        p.description or "",
    )  # fmt: skip
    stored = await manager.roles.put_assignment(who, scope, name, request)
    return JSONResponse(role_assignment_json(stored), status_code=201)


async def _delete_assignment(manager: Manager, who: Authenticated, scope: str, name: str) -> Response:
    deleted = await manager.roles.delete_assignment(who, scope, name)
    return Response(status_code=204) if deleted is None else JSONResponse(role_assignment_json(deleted))


def _list_definitions(
    manager: Manager, who: Authenticated, scope: str, filter_: str | None
) -> dict[str, Any]:
    name = _FILTER_ROLE_NAME.search(filter_ or "")
    custom = _FILTER_CUSTOM.search(filter_ or "") is not None
    if filter_ and name is None and not custom:
        raise _unsupported(filter_)
    roles = manager.roles.definitions(
        who, scope, role_name=name.group(1) if name else None, custom_only=custom
    )
    return {"value": [role_definition_json(r, scope_text(scope)) for r in roles]}


async def _put_definition(
    manager: Manager, who: Authenticated, scope: str, role_id: str, body: RoleDefinitionBody
) -> JSONResponse:
    role = await manager.roles.put_definition(who, scope, role_id, body.document())
    return JSONResponse(role_definition_json(role, scope_text(scope)), status_code=201)


async def _delete_definition(manager: Manager, who: Authenticated, scope: str, role_id: str) -> Response:
    role = await manager.roles.delete_definition(who, scope, role_id)
    return (
        Response(status_code=204)
        if role is None
        else JSONResponse(role_definition_json(role, scope_text(scope)))
    )


# The root scope has no path prefix, so each route is declared twice: under "/{scope:path}" and at "/"
# (the scope comes from the path through `Scope`; `_extra` documents it in the OpenAPI document).
for _prefix in ("/{scope:path}", ""):
    _suffix = "" if _prefix else "_root"
    _extra = (
        {"parameters": [{"name": "scope", "in": "path", "required": True, "schema": {"type": "string"}}]}
        if _prefix
        else None
    )

    @router.get(_prefix + _ASSIGNMENTS, name=f"roleAssignments_list{_suffix}", openapi_extra=_extra)
    async def role_assignments(
        manager: Manager, who: Authenticated, scope: Scope, filter_: Filter = None
    ) -> dict[str, Any]:
        return await _list_assignments(manager, who, scope, filter_)

    @router.get(
        _prefix + _ASSIGNMENTS + "/{name}", name=f"roleAssignments_get{_suffix}", openapi_extra=_extra
    )
    async def role_assignment(
        manager: Manager, who: Authenticated, name: str, scope: Scope
    ) -> dict[str, Any]:
        return role_assignment_json(await manager.roles.assignment(who, scope, name))

    @router.put(
        _prefix + _ASSIGNMENTS + "/{name}", name=f"roleAssignments_create{_suffix}", openapi_extra=_extra
    )
    async def create_role_assignment(
        manager: Manager, who: Authenticated, name: str, body: RoleAssignmentBody, scope: Scope
    ) -> JSONResponse:
        return await _put_assignment(manager, who, scope, name, body)

    @router.delete(
        _prefix + _ASSIGNMENTS + "/{name}", name=f"roleAssignments_delete{_suffix}", openapi_extra=_extra
    )
    async def remove_role_assignment(
        manager: Manager, who: Authenticated, name: str, scope: Scope
    ) -> Response:
        return await _delete_assignment(manager, who, scope, name)

    @router.get(_prefix + _DEFINITIONS, name=f"roleDefinitions_list{_suffix}", openapi_extra=_extra)
    async def role_definitions(
        manager: Manager, who: Authenticated, scope: Scope, filter_: Filter = None
    ) -> dict[str, Any]:
        return _list_definitions(manager, who, scope, filter_)

    @router.get(
        _prefix + _DEFINITIONS + "/{role_id}", name=f"roleDefinitions_get{_suffix}", openapi_extra=_extra
    )
    async def role_definition(
        manager: Manager, who: Authenticated, role_id: str, scope: Scope
    ) -> dict[str, Any]:
        return role_definition_json(manager.roles.definition(who, scope, role_id), scope_text(scope))

    @router.put(
        _prefix + _DEFINITIONS + "/{role_id}",
        name=f"roleDefinitions_createOrUpdate{_suffix}",
        openapi_extra=_extra,
    )
    async def create_role_definition(
        manager: Manager, who: Authenticated, role_id: str, body: RoleDefinitionBody, scope: Scope
    ) -> JSONResponse:
        return await _put_definition(manager, who, scope, role_id, body)

    @router.delete(
        _prefix + _DEFINITIONS + "/{role_id}", name=f"roleDefinitions_delete{_suffix}", openapi_extra=_extra
    )
    async def remove_role_definition(
        manager: Manager, who: Authenticated, role_id: str, scope: Scope
    ) -> Response:
        return await _delete_definition(manager, who, scope, role_id)
