"""Role definitions (built-in and custom) and role assignments, at any scope."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from cerulean.access import (
    BUILTIN_ROLES,
    ConditionParseError,
    InvalidAssignmentError,
    InvalidRoleDefinitionError,
    InvalidScopeError,
    RoleDefinition,
    RoleType,
)
from cerulean.access.roles import normalise_role_id
from cerulean.access.scopes import ROOT, parse_scope
from cerulean.arm.errors import ResourceConflictError
from cerulean.arm.models import StoredRoleDefinition
from cerulean.management.errors import BadRequestError, ConflictError, NotFoundError
from cerulean.management.gate import same, scope_text

if TYPE_CHECKING:
    from cerulean.arm.interfaces import ResourceStore
    from cerulean.arm.models import StoredRoleAssignment
    from cerulean.auth.administration import RegistryAdministration
    from cerulean.core.clock import Clock
    from cerulean.management.gate import Caller, Gate

__all__ = ["AssignmentRequest", "Roles"]

_ASSIGNMENTS: Final = "Microsoft.Authorization/roleAssignments"
_DEFINITIONS: Final = "Microsoft.Authorization/roleDefinitions"


@dataclass(frozen=True, slots=True)
class AssignmentRequest:
    """ARM's `RoleAssignmentProperties` as a PUT carries them."""

    role: str
    principal_id: str
    principal_type: str
    condition: str | None
    condition_version: str | None
    description: str


def _not_found(role_id: str) -> NotFoundError:
    return NotFoundError(
        f"The role definition '{role_id[:64]}' could not be found.", code="RoleDefinitionDoesNotExist"
    )


class Roles:
    """`{scope}/providers/Microsoft.Authorization/roleDefinitions` and `/roleAssignments`."""

    def __init__(
        self, gate: Gate, resources: ResourceStore, administration: RegistryAdministration, clock: Clock
    ) -> None:
        self._gate = gate
        self._resources = resources
        self._administration = administration
        self._clock = clock

    # -- role definitions -----------------------------------------------------------------------------

    def definitions(
        self, caller: Caller, scope: str, *, role_name: str | None, custom_only: bool
    ) -> list[RoleDefinition]:
        """Role definitions usable at `scope`: built-in ones and custom ones assignable there."""
        target = parse_scope(scope_text(scope))
        self._gate.authorize(caller, f"{_DEFINITIONS}/read", target.text)
        hierarchy = caller.view.snapshot.hierarchy
        found = []
        for role in caller.view.snapshot.roles:
            if role.role_type is RoleType.CUSTOM and not any(
                hierarchy.contains(s, target) or hierarchy.contains(target, s) for s in role.assignable_scopes
            ):
                continue
            if custom_only and role.role_type is not RoleType.CUSTOM:
                continue
            if role_name is None or same(role.name, role_name):
                found.append(role)
        return found

    def definition(self, caller: Caller, scope: str, role_id: str) -> RoleDefinition:
        """One role definition by GUID."""
        self._gate.authorize(caller, f"{_DEFINITIONS}/read", scope_text(scope))
        try:
            role = caller.view.snapshot.role(normalise_role_id(role_id))
        except InvalidRoleDefinitionError:
            role = None
        if role is None:
            raise _not_found(role_id)
        return role

    async def put_definition(
        self, caller: Caller, scope: str, role_id: str, document: dict[str, Any]
    ) -> RoleDefinition:
        """Create or update a custom role (`roleDefinitions/write` at every assignable scope)."""
        scope = scope_text(scope)
        try:
            guid = normalise_role_id(role_id)
        except InvalidRoleDefinitionError:
            raise BadRequestError(
                f"The role definition id '{role_id[:64]}' is not a GUID.", code="InvalidRoleDefinitionId"
            ) from None
        if any(r.id == guid for r in BUILTIN_ROLES):
            raise BadRequestError(
                "Built-in role definitions cannot be changed.", code="RoleDefinitionIsBuiltIn"
            )
        properties = dict(document.get("properties") or {})
        properties.setdefault("assignableScopes", [scope])
        properties["type"] = RoleType.CUSTOM.value
        try:
            role = RoleDefinition.from_arm({"name": guid, "properties": properties})
        except InvalidRoleDefinitionError as error:
            raise BadRequestError(str(error), code="InvalidRoleDefinition", target="properties") from None
        if any(s.key == ROOT.key for s in role.assignable_scopes):
            raise BadRequestError(
                "The root scope '/' can only be an assignable scope of built-in roles.",
                code="InvalidAssignableScope",
                target="properties.assignableScopes",
            )
        for assignable in role.assignable_scopes:
            self._gate.authorize(caller, f"{_DEFINITIONS}/write", assignable.text)
        taken = next(
            (r for r in caller.view.snapshot.roles if same(r.name, role.name) and r.id != guid), None
        )
        if taken is not None:
            raise ConflictError(
                f"A role definition named '{role.name}' exists already ({taken.id}).",
                code="RoleDefinitionWithSameNameExists",
            )
        stored = StoredRoleDefinition(guid, json.dumps(role.to_arm()), self._clock.now())
        try:
            await self._resources.put_role_definition(stored, role.name)
        except ResourceConflictError:
            raise ConflictError(
                f"A role definition named '{role.name}' exists already.",
                code="RoleDefinitionWithSameNameExists",
            ) from None
        self._gate.wrote()
        return role

    async def delete_definition(self, caller: Caller, scope: str, role_id: str) -> RoleDefinition | None:
        """Delete a custom role (`roleDefinitions/delete`); None if there was none. Refused while assigned."""
        scope = scope_text(scope)
        self._gate.authorize(caller, f"{_DEFINITIONS}/delete", scope)
        try:
            guid = normalise_role_id(role_id)
        except InvalidRoleDefinitionError:
            return None
        role = caller.view.snapshot.role(guid)
        if role is None:
            return None
        if role.role_type is not RoleType.CUSTOM:
            raise BadRequestError(
                "Built-in role definitions cannot be deleted.", code="RoleDefinitionIsBuiltIn"
            )
        if any(same(a.role_definition_id, guid) for a in await self._resources.list_role_assignments()):
            raise ConflictError(
                f"The role definition '{role.name}' is in use by role assignments; delete them first.",
                code="RoleDefinitionHasAssignments",
            )
        await self._resources.delete_role_definition(guid)
        self._gate.wrote()
        return role

    # -- role assignments -----------------------------------------------------------------------------

    async def put_assignment(
        self, caller: Caller, scope: str, name: str, request: AssignmentRequest
    ) -> StoredRoleAssignment:
        """Create a role assignment (`roleAssignments/write` at its scope), checked as ARM checks it."""
        scope = scope_text(scope)
        self._gate.authorize(caller, f"{_ASSIGNMENTS}/write", scope)
        try:
            role = caller.view.snapshot.role(normalise_role_id(request.role))
        except InvalidRoleDefinitionError:
            role = None
        if role is None:
            raise BadRequestError(
                f"The role definition '{request.role[:200]}' does not exist.",
                code="RoleDefinitionDoesNotExist",
                target="properties.roleDefinitionId",
            )
        condition = request.condition
        if condition is not None and request.condition_version not in {None, "2.0"}:
            raise BadRequestError(
                f"The condition version '{request.condition_version}' is not supported; use '2.0'.",
                code="InvalidConditionVersion",
                target="properties.conditionVersion",
            )
        try:
            stored = self._administration.checked_role_assignment(
                name.lower(), request.principal_id, role, scope,
                principal_type=request.principal_type or "User", condition=condition,
                description=request.description,
            )  # fmt: skip
        except ConditionParseError as error:
            raise BadRequestError(
                f"The condition is invalid: {error}", code="InvalidCondition", target="properties.condition"
            ) from None
        except (InvalidAssignmentError, InvalidScopeError, ValueError) as error:  # ValueError: a bad GUID
            raise BadRequestError(str(error), code="InvalidRoleAssignmentRequest") from None
        existing = await self._assignment(name)
        if existing is not None:
            if same(existing.scope, scope) and same(existing.role_definition_id, role.id):
                return existing
            raise ConflictError("The role assignment already exists.", code="RoleAssignmentExists")
        for other in await self._resources.list_role_assignments():
            if (
                same(other.scope, scope)
                and same(other.role_definition_id, role.id)
                and same(other.principal_id, stored.principal_id)
                and other.condition == condition
            ):
                raise ConflictError("The role assignment already exists.", code="RoleAssignmentExists")
        await self._resources.add_role_assignment(stored)
        self._gate.wrote()
        return stored

    async def _assignment(self, name: str) -> StoredRoleAssignment | None:
        return next((a for a in await self._resources.list_role_assignments() if same(a.id, name)), None)

    async def assignment(self, caller: Caller, scope: str, name: str) -> StoredRoleAssignment:
        """One role assignment (`roleAssignments/read`)."""
        scope = scope_text(scope)
        self._gate.authorize(caller, f"{_ASSIGNMENTS}/read", scope)
        found = await self._assignment(name)
        if found is None or not same(found.scope, scope):
            raise NotFoundError(
                f"The role assignment '{name[:64]}' is not found.", code="RoleAssignmentNotFound"
            )
        return found

    async def assignments(
        self, caller: Caller, scope: str, *, at_scope_only: bool, principal_id: str | None
    ) -> list[StoredRoleAssignment]:
        """Assignments that apply at `scope` (at it and above, and below unless `at_scope_only`)."""
        target = parse_scope(scope_text(scope))
        self._gate.authorize(caller, f"{_ASSIGNMENTS}/read", target.text)
        hierarchy = caller.view.snapshot.hierarchy
        found = []
        for stored in await self._resources.list_role_assignments():
            where = parse_scope(stored.scope)
            above = hierarchy.contains(where, target)
            below = hierarchy.contains(target, where)
            if not (above or (below and not at_scope_only)):
                continue
            if principal_id is not None and not same(stored.principal_id, principal_id):
                continue
            found.append(stored)
        return found

    async def delete_assignment(self, caller: Caller, scope: str, name: str) -> StoredRoleAssignment | None:
        """Delete one (`roleAssignments/delete`); None if there was none (ARM answers 204)."""
        scope = scope_text(scope)
        self._gate.authorize(caller, f"{_ASSIGNMENTS}/delete", scope)
        found = await self._assignment(name)
        if found is None or not same(found.scope, scope):
            return None
        await self._resources.delete_role_assignment(found.id)
        self._gate.wrote()
        return found
