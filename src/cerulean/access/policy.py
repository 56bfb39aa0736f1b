"""An immutable snapshot of policy, indexed so that a decision costs the same at any size.

    principal id ──► scope key ──► assignments        (one dict lookup per (id, ancestor scope))
    member id ──► direct groups                       (transitive closure, memoised per caller)
    scope key ──► ancestor keys                       (memoised)
    (registry, token name) ──► token;  (registry, map name) ──► scope map

A decision touches only the caller's ids (itself plus its groups) times the handful of scopes above
the resource, never the whole assignment list. Conditions are compiled while the snapshot is built
(and cached by text across snapshots); an assignment whose condition does not parse, or whose role is
unknown, is kept and explained as granting nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.access.builtin_roles import BUILTIN_ROLES
from cerulean.access.conditions.compiler import CompiledCondition, compile_condition
from cerulean.access.conditions.errors import ConditionParseError
from cerulean.access.scopemaps import SYSTEM_SCOPE_MAPS, ScopeMap, Token
from cerulean.access.scopes import Scope, ScopeHierarchy

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from cerulean.access.assignments import RoleAssignment
    from cerulean.access.context import RegistryContext
    from cerulean.access.principals import Principal
    from cerulean.access.roles import RoleDefinition

__all__ = ["CompiledAssignment", "PolicySnapshot"]

_MEMO_LIMIT: Final = 65_536  # entries per memo before it is cleared (bounded memory, same answers)


@dataclass(frozen=True, slots=True)
class CompiledAssignment:
    """An assignment with its role resolved and its condition compiled."""

    assignment: RoleAssignment
    role: RoleDefinition | None
    condition: CompiledCondition | None
    condition_error: ConditionParseError | None
    assignable: bool


class PolicySnapshot:
    """Role definitions, assignments, group memberships, scope maps, tokens and registries.

    Build one per policy version and share it: it is never modified after construction (the memo
    tables only cache answers that the inputs already determine).
    """

    __slots__ = (
        "_ancestors",
        "_assignments",
        "_by_principal",
        "_closure",
        "_groups",
        "_registries",
        "_roles",
        "_scope_maps",
        "_tokens",
        "hierarchy",
        "version",
    )

    def __init__(
        self,
        *,
        roles: Iterable[RoleDefinition] = (),
        assignments: Iterable[RoleAssignment] = (),
        group_memberships: Mapping[str, Iterable[str]] | None = None,
        hierarchy: ScopeHierarchy | None = None,
        scope_maps: Iterable[tuple[Scope, ScopeMap]] = (),
        tokens: Iterable[Token] = (),
        registries: Iterable[RegistryContext] = (),
        version: int = 0,
        include_builtin_roles: bool = True,
    ) -> None:
        self.version = version
        self.hierarchy = hierarchy or ScopeHierarchy()
        self._roles: dict[str, RoleDefinition] = {}
        for role in (*BUILTIN_ROLES, *roles) if include_builtin_roles else tuple(roles):
            self._roles[role.id] = role
        self._ancestors: dict[str, tuple[str, ...]] = {}
        self._closure: dict[tuple[str, frozenset[str]], tuple[str, ...]] = {}
        self._groups: dict[str, frozenset[str]] = {
            member.strip().lower(): frozenset(g.strip().lower() for g in groups)
            for member, groups in (group_memberships or {}).items()
        }
        self._assignments: tuple[CompiledAssignment, ...] = tuple(self._compile(a) for a in assignments)
        index: dict[str, dict[str, list[CompiledAssignment]]] = {}
        for compiled in self._assignments:
            a = compiled.assignment
            index.setdefault(a.principal_id, {}).setdefault(a.scope.key, []).append(compiled)
        self._by_principal: dict[str, dict[str, tuple[CompiledAssignment, ...]]] = {
            pid: {scope: tuple(items) for scope, items in scopes.items()} for pid, scopes in index.items()
        }
        self._scope_maps = {(reg.key, m.name.casefold()): m for reg, m in scope_maps}
        self._tokens = {(t.registry_id.key, t.name.casefold()): t for t in tokens}
        self._registries = {r.resource_id.key: r for r in registries}

    def _compile(self, assignment: RoleAssignment) -> CompiledAssignment:
        role = self._roles.get(assignment.role_definition_id)
        condition: CompiledCondition | None = None
        error: ConditionParseError | None = None
        if assignment.condition is not None:
            try:
                condition = compile_condition(assignment.condition)
            except ConditionParseError as exc:
                error = exc
        assignable = role is not None and any(
            self.hierarchy.contains(scope, assignment.scope) for scope in role.assignable_scopes
        )
        return CompiledAssignment(assignment, role, condition, error, assignable)

    # -- lookups -------------------------------------------------------------------------------

    @property
    def assignments(self) -> tuple[CompiledAssignment, ...]:
        """Every assignment, in input order."""
        return self._assignments

    def role(self, role_id: str) -> RoleDefinition | None:
        """A role definition by lower-case GUID."""
        return self._roles.get(role_id)

    @property
    def roles(self) -> tuple[RoleDefinition, ...]:
        """Every role definition the snapshot knows."""
        return tuple(self._roles.values())

    def registry(self, scope: Scope) -> RegistryContext | None:
        """The registry `scope` is, or lies in, if the snapshot knows it."""
        registry = scope.registry
        return None if registry is None else self._registries.get(registry.key)

    def token(self, registry: Scope, name: str) -> Token | None:
        """A token of `registry` by name (case-insensitive)."""
        return self._tokens.get((registry.key, name.casefold()))

    def scope_map(self, registry: Scope, name: str) -> ScopeMap | None:
        """A scope map of `registry` by name; system maps exist in every registry."""
        system = SYSTEM_SCOPE_MAPS.get(name)
        if system is not None:
            return system
        return self._scope_maps.get((registry.key, name.casefold()))

    def ancestors(self, scope: Scope) -> tuple[str, ...]:
        """Keys of `scope` and every scope above it (memoised)."""
        found = self._ancestors.get(scope.key)
        if found is None:
            found = self.hierarchy.ancestors(scope)
            if len(self._ancestors) >= _MEMO_LIMIT:
                self._ancestors.clear()
            self._ancestors[scope.key] = found
        return found

    def principal_ids(self, principal: Principal) -> tuple[str, ...]:
        """The caller's object id followed by every group it belongs to, transitively."""
        if not principal.kind.is_entra:
            return ()
        memo_key = (principal.object_id, principal.group_ids)
        found = self._closure.get(memo_key)
        if found is None:
            found = self._transitive(principal.object_id, principal.group_ids)
            if len(self._closure) >= _MEMO_LIMIT:
                self._closure.clear()
            self._closure[memo_key] = found
        return found

    def _transitive(self, object_id: str, claimed: frozenset[str]) -> tuple[str, ...]:
        ordered = [object_id]
        seen = {object_id}
        pending = [*sorted(claimed), *sorted(self._groups.get(object_id, ()))]
        while pending:
            group = pending.pop(0)
            if group in seen:
                continue
            seen.add(group)
            ordered.append(group)
            pending.extend(sorted(self._groups.get(group, ())))
        return tuple(ordered)

    def applicable(self, ids: Iterable[str], scope: Scope) -> tuple[CompiledAssignment, ...]:
        """Assignments held by any of `ids` at `scope` or above (per id, nearest scope first)."""
        keys = self.ancestors(scope)
        found: list[CompiledAssignment] = []
        for pid in ids:
            scopes = self._by_principal.get(pid)
            if scopes is None:
                continue
            for key in keys:
                items = scopes.get(key)
                if items is not None:
                    found.extend(items)
        return tuple(found)
