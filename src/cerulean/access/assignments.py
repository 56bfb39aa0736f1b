"""Role assignments: who holds which role at which scope, optionally narrowed by a condition.

`conditionVersion` must be `2.0` (the only value ARM accepts; it is implied when a condition is given
without one). `check_assignment` applies the rules the management plane must enforce before storing an
assignment; the engine itself never trusts that they were applied and fails closed instead (an
unparseable condition grants nothing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from cerulean.access.actions import is_condition_applicable
from cerulean.access.conditions.compiler import compile_condition
from cerulean.access.errors import InvalidAssignmentError, InvalidScopeError
from cerulean.access.roles import RoleDefinition, normalise_role_id
from cerulean.access.scopes import Scope, ScopeHierarchy, parse_scope

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["CONDITION_VERSION", "RoleAssignment", "check_assignment"]

CONDITION_VERSION: Final = "2.0"
_GUID: Final = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_PRINCIPAL_TYPES: Final = frozenset({"User", "Group", "ServicePrincipal", "ForeignGroup", "Device"})


@dataclass(frozen=True, slots=True)
class RoleAssignment:
    """One role assignment. `principal_id` and `role_definition_id` are lower-case GUIDs."""

    id: str
    scope: Scope
    role_definition_id: str
    principal_id: str
    principal_type: str = "User"
    condition: str | None = None
    condition_version: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "role_definition_id", normalise_role_id(self.role_definition_id))
        principal = self.principal_id.strip().lower()
        if _GUID.fullmatch(principal) is None:
            raise InvalidAssignmentError(f"principalId {self.principal_id[:80]!r} is not a GUID")
        object.__setattr__(self, "principal_id", principal)
        if self.principal_type not in _PRINCIPAL_TYPES:
            raise InvalidAssignmentError(f"unknown principalType {self.principal_type[:40]!r}")
        condition = self.condition if self.condition and self.condition.strip() else None
        object.__setattr__(self, "condition", condition)
        if condition is None:
            object.__setattr__(self, "condition_version", None)
        elif self.condition_version in {None, CONDITION_VERSION}:
            object.__setattr__(self, "condition_version", CONDITION_VERSION)
        else:
            raise InvalidAssignmentError(
                f"conditionVersion {self.condition_version!r} is not supported; use '2.0'"
            )

    @classmethod
    def of(
        cls,
        id: str,  # noqa: A002 - ARM's name for it
        scope: str,
        role: str | RoleDefinition,
        principal_id: str,
        *,
        principal_type: str = "User",
        condition: str | None = None,
        condition_version: str | None = None,
        description: str = "",
    ) -> RoleAssignment:
        """Build from ARM strings; `role` may be a definition, a GUID or a definition id."""
        return cls(
            id=id,
            scope=parse_scope(scope),
            role_definition_id=role.id if isinstance(role, RoleDefinition) else role,
            principal_id=principal_id,
            principal_type=principal_type,
            condition=condition,
            condition_version=condition_version,
            description=description,
        )

    @classmethod
    def from_arm(cls, document: Mapping[str, Any]) -> RoleAssignment:
        """Parse ARM's role assignment JSON (`properties.scope` or the id's scope)."""
        try:
            props: Mapping[str, Any] = document.get("properties", document)
            arm_id = str(document.get("id", ""))
            scope = props.get("scope") or arm_id.split("/providers/Microsoft.Authorization/", maxsplit=1)[0]
            return cls.of(
                arm_id or str(document.get("name", "")),
                scope or "/",
                str(props["roleDefinitionId"]),
                str(props["principalId"]),
                principal_type=str(props.get("principalType") or "User"),
                condition=props.get("condition"),
                condition_version=props.get("conditionVersion"),
                description=str(props.get("description") or ""),
            )
        except (KeyError, AttributeError, TypeError, InvalidScopeError) as exc:
            raise InvalidAssignmentError(f"malformed role assignment: {exc}") from exc


def check_assignment(
    assignment: RoleAssignment, role: RoleDefinition, hierarchy: ScopeHierarchy | None = None
) -> None:
    """Raise `InvalidAssignmentError` (or `ConditionParseError`) if ARM would refuse the assignment.

    The role must be assignable at the scope; a condition must parse and the role must have at
    least one action a condition can restrict (repository data actions, role-assignment writes).
    """
    tree = hierarchy or ScopeHierarchy()
    if not any(tree.contains(s, assignment.scope) for s in role.assignable_scopes):
        raise InvalidAssignmentError(f"role {role.name!r} is not assignable at {assignment.scope.text!r}")
    if assignment.condition is None:
        return
    compile_condition(assignment.condition)  # raises ConditionParseError with position
    patterns = [p.text for block in role.permissions for p in (*block.actions, *block.data_actions)]
    if not any(is_condition_applicable(p) for p in patterns):
        raise InvalidAssignmentError(
            f"role {role.name!r} has no action a condition can restrict; conditions apply to "
            "repository data actions (Container Registry Repository Reader/Writer/Contributor)"
        )
