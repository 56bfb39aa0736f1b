"""Role definitions: permission blocks, effective rights, assignable scopes.

A role's effective management rights are `actions - notActions` and its data rights
`dataActions - notDataActions`, computed **per permission block**: `notActions` only subtract from the
`actions` of the same block, and are not denies (another block or another assignment can still grant
the operation). `*` in `actions` never reaches `dataActions` — the reason Owner, Contributor and Reader
have no data access once a registry checks data actions (ABAC mode).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from cerulean.access.actions import ActionKind, ActionPattern, action_key, compile_pattern
from cerulean.access.errors import (
    InvalidActionError,
    InvalidRoleDefinitionError,
    InvalidScopeError,
)
from cerulean.access.scopes import ROOT, Scope, parse_scope

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = [
    "Permission",
    "RoleDefinition",
    "RoleType",
    "normalise_role_id",
]

_GUID: Final = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ROLE_ID_PATH: Final = re.compile(r".*/providers/Microsoft\.Authorization/roleDefinitions/", re.IGNORECASE)


class RoleType(StrEnum):
    """ARM's `properties.type` of a role definition."""

    BUILT_IN = "BuiltInRole"
    CUSTOM = "CustomRole"


def normalise_role_id(role_definition_id: str) -> str:
    """The lower-case GUID of a role, from a bare GUID or a `.../roleDefinitions/{guid}` id."""
    guid = _ROLE_ID_PATH.sub("", role_definition_id.strip())
    if _GUID.fullmatch(guid) is None:
        raise InvalidRoleDefinitionError(f"invalid role definition id {role_definition_id[:120]!r}")
    return guid.lower()


def _patterns(values: Iterable[str]) -> tuple[ActionPattern, ...]:
    return tuple(compile_pattern(v) for v in values)


@dataclass(frozen=True, slots=True)
class Permission:
    """One `permissions[]` block of a role definition."""

    actions: tuple[ActionPattern, ...] = ()
    not_actions: tuple[ActionPattern, ...] = ()
    data_actions: tuple[ActionPattern, ...] = ()
    not_data_actions: tuple[ActionPattern, ...] = ()

    @classmethod
    def of(
        cls,
        actions: Iterable[str] = (),
        not_actions: Iterable[str] = (),
        data_actions: Iterable[str] = (),
        not_data_actions: Iterable[str] = (),
    ) -> Permission:
        """Build a block from action strings."""
        return cls(
            _patterns(actions),
            _patterns(not_actions),
            _patterns(data_actions),
            _patterns(not_data_actions),
        )

    def permits(self, key: str, kind: ActionKind) -> bool:
        """Whether this block alone grants the (case-folded) action `key` of the given kind."""
        if kind is ActionKind.ACTION:
            allow, deny = self.actions, self.not_actions
        else:
            allow, deny = self.data_actions, self.not_data_actions
        return any(p.matches_key(key) for p in allow) and not any(p.matches_key(key) for p in deny)

    def to_json(self) -> dict[str, list[str]]:
        """ARM's JSON shape of the block."""
        return {
            "actions": [p.text for p in self.actions],
            "notActions": [p.text for p in self.not_actions],
            "dataActions": [p.text for p in self.data_actions],
            "notDataActions": [p.text for p in self.not_data_actions],
        }


@dataclass(frozen=True, slots=True)
class RoleDefinition:
    """A built-in or custom role; `id` is the lower-case GUID."""

    id: str
    name: str
    description: str
    permissions: tuple[Permission, ...]
    role_type: RoleType = RoleType.CUSTOM
    assignable_scopes: tuple[Scope, ...] = (ROOT,)
    _memo: dict[tuple[str, ActionKind], bool] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", normalise_role_id(self.id))
        if not self.name.strip():
            raise InvalidRoleDefinitionError("a role definition needs a name")
        if not self.assignable_scopes:
            raise InvalidRoleDefinitionError(f"role {self.name!r} has no assignable scope")

    def grants(self, action: str, kind: ActionKind) -> bool:
        """Whether any permission block grants `action` (any case) of the given kind."""
        return self.grants_key(action_key(action), kind)

    def grants_key(self, key: str, kind: ActionKind) -> bool:
        """Like `grants`, for an action already passed through `action_key`."""
        memo_key = (key, kind)
        cached = self._memo.get(memo_key)
        if cached is None:
            cached = any(block.permits(key, kind) for block in self.permissions)
            self._memo[memo_key] = cached
        return cached

    @property
    def has_data_actions(self) -> bool:
        """Whether any block lists a data action."""
        return any(block.data_actions for block in self.permissions)

    @classmethod
    def from_arm(cls, document: Mapping[str, Any]) -> RoleDefinition:
        """Parse ARM's role definition JSON (nested `properties`) or the CLI's flattened form."""
        try:
            props: Mapping[str, Any] = document.get("properties", document)
            raw_id = str(document.get("name") or document.get("id") or props.get("id", ""))
            blocks = tuple(
                Permission.of(
                    p.get("actions", ()),
                    p.get("notActions", ()),
                    p.get("dataActions", ()),
                    p.get("notDataActions", ()),
                )
                for p in props.get("permissions", ())
            )
            scopes = tuple(parse_scope(s) for s in props.get("assignableScopes", ("/",)))
            role_type = RoleType(props.get("type") or props.get("roleType") or RoleType.CUSTOM)
            return cls(
                id=raw_id,
                name=str(props.get("roleName", "")),
                description=str(props.get("description", "")),
                permissions=blocks,
                role_type=role_type,
                assignable_scopes=scopes,
            )
        except (AttributeError, TypeError, ValueError, InvalidScopeError, InvalidActionError) as exc:
            raise InvalidRoleDefinitionError(f"malformed role definition: {exc}") from exc

    def to_arm(self) -> dict[str, Any]:
        """ARM's JSON shape (`/providers/Microsoft.Authorization/roleDefinitions/{guid}`)."""
        return {
            "id": f"/providers/Microsoft.Authorization/roleDefinitions/{self.id}",
            "name": self.id,
            "type": "Microsoft.Authorization/roleDefinitions",
            "properties": {
                "roleName": self.name,
                "type": str(self.role_type),
                "description": self.description,
                "assignableScopes": [s.text for s in self.assignable_scopes],
                "permissions": [p.to_json() for p in self.permissions],
            },
        }
