"""Scope maps and repository-scoped tokens (reference §2).

A scope-map action is `repositories/<repository>/<action>` (or `gateway/<connected-registry>/<action>`
for connected-registry sync tokens). `<repository>` is an exact name, `prefix/*` (every repository
below `prefix/`, at any depth — not `prefix` itself), or `*` (every repository). Entries are additive:
a repository gets the union of the actions of every entry that covers it. Entries may name
repositories that do not exist yet. There is no catalog action: tokens never list the catalog.

Repository names are lower-case (OCI grammar), but ACR's own documentation writes entries such as
`sample/teamA/*`; entries are therefore matched without regard to case (choice: the reference is
silent) and validated against the OCI grammar once lower-cased. The five system scope maps exist in
every registry and cannot be shadowed by a user-defined map of the same name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from cerulean.access.context import Sku
from cerulean.access.errors import InvalidScopeMapError, ScopeMapLimitError
from cerulean.access.scopes import Scope, parse_scope
from cerulean.core.names import is_valid_name

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "SKU_LIMITS",
    "SYSTEM_SCOPE_MAPS",
    "GatewayAction",
    "RepositoryAction",
    "ScopeMap",
    "ScopeMapEntry",
    "SkuLimits",
    "Token",
    "TokenStatus",
    "check_counts",
    "parse_scope_map_action",
]


class RepositoryAction(StrEnum):
    """The five repository actions of a scope map."""

    CONTENT_READ = "content/read"
    CONTENT_WRITE = "content/write"
    CONTENT_DELETE = "content/delete"
    METADATA_READ = "metadata/read"
    METADATA_WRITE = "metadata/write"


class GatewayAction(StrEnum):
    """Connected-registry synchronisation actions."""

    CONFIG_READ = "config/read"
    CONFIG_WRITE = "config/write"
    MESSAGE_READ = "message/read"
    MESSAGE_WRITE = "message/write"


@dataclass(frozen=True, slots=True)
class ScopeMapEntry:
    """One parsed scope-map action. `target` is a repository pattern or a connected-registry name."""

    text: str
    family: str  # "repositories" or "gateway"
    target: str
    action: RepositoryAction | GatewayAction

    @property
    def is_wildcard(self) -> bool:
        """Whether the repository part is `*` or ends in `/*`."""
        return self.target == "*" or self.target.endswith("/*")

    def covers(self, repository: str) -> bool:
        """Whether this repository entry applies to `repository`."""
        if self.family != "repositories":
            return False
        if self.target == "*":
            return True
        if self.target.endswith("/*"):
            return repository.lower().startswith(self.target[:-1])
        return repository.lower() == self.target


_REPOSITORY_ACTIONS: Final = {a.value: a for a in RepositoryAction}
_GATEWAY_ACTIONS: Final = {a.value: a for a in GatewayAction}


def parse_scope_map_action(text: str) -> ScopeMapEntry:
    """Parse and validate one scope-map action; raise `InvalidScopeMapError` naming the problem."""
    family, slash, rest = text.partition("/")
    if not slash or family not in {"repositories", "gateway"}:
        raise InvalidScopeMapError(f"{text[:200]!r}: an action starts with 'repositories/' or 'gateway/'")
    target, _, verb = rest.rpartition("/")
    target, _, noun = target.rpartition("/")
    action_text = f"{noun}/{verb}"
    if family == "gateway":
        gateway_action = _GATEWAY_ACTIONS.get(action_text)
        if gateway_action is None or not target or "*" in target or "/" in target:
            raise InvalidScopeMapError(
                f"{text[:200]!r}: expected gateway/<connected-registry>/"
                "{config/read|config/write|message/read|message/write}"
            )
        return ScopeMapEntry(text, family, target, gateway_action)
    repository_action = _REPOSITORY_ACTIONS.get(action_text)
    if repository_action is None:
        raise InvalidScopeMapError(
            f"{text[:200]!r}: the action must be one of " + ", ".join(a.value for a in RepositoryAction)
        )
    _check_repository_pattern(text, target)
    return ScopeMapEntry(text, family, target.lower(), repository_action)


def _check_repository_pattern(text: str, target: str) -> None:
    if target == "*":
        return
    stem = target.removesuffix("/*")
    if "*" in stem:
        raise InvalidScopeMapError(
            f"{text[:200]!r}: a wildcard may only be the whole repository ('*') or a final '/*'"
        )
    if not is_valid_name(stem.lower()):
        raise InvalidScopeMapError(f"{text[:200]!r}: {stem[:120]!r} is not a valid repository name")


@dataclass(frozen=True, slots=True)
class ScopeMap:
    """A named list of scope-map actions, compiled for lookup by repository."""

    name: str
    actions: tuple[str, ...]
    description: str = ""
    system: bool = False
    entries: tuple[ScopeMapEntry, ...] = field(init=False, repr=False, compare=False)
    _exact: dict[str, frozenset[RepositoryAction]] = field(init=False, repr=False, compare=False)
    _patterns: tuple[ScopeMapEntry, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        entries = tuple(parse_scope_map_action(a) for a in self.actions)
        exact: dict[str, set[RepositoryAction]] = {}
        for entry in entries:
            if entry.family == "repositories" and not entry.is_wildcard:
                assert isinstance(entry.action, RepositoryAction)
                exact.setdefault(entry.target, set()).add(entry.action)
        object.__setattr__(self, "entries", entries)
        object.__setattr__(self, "_exact", {k: frozenset(v) for k, v in exact.items()})
        object.__setattr__(
            self,
            "_patterns",
            tuple(e for e in entries if e.family == "repositories" and e.is_wildcard),
        )

    def allowed(self, repository: str) -> frozenset[RepositoryAction]:
        """Every action any entry grants on `repository` (the union: entries are additive)."""
        found = set(self._exact.get(repository.lower(), ()))
        for entry in self._patterns:
            if entry.covers(repository):
                assert isinstance(entry.action, RepositoryAction)
                found.add(entry.action)
        return frozenset(found)

    def allowed_everywhere(self) -> frozenset[RepositoryAction]:
        """Actions granted on every repository (by a root `*` entry)."""
        return frozenset(
            e.action for e in self._patterns if e.target == "*" and isinstance(e.action, RepositoryAction)
        )

    def granting_entries(self, repository: str, action: RepositoryAction) -> tuple[str, ...]:
        """The scope-map actions that grant `action` on `repository` (for explanations)."""
        return tuple(e.text for e in self.entries if e.action is action and e.covers(repository))


def _system(name: str, description: str, *actions: RepositoryAction) -> ScopeMap:
    return ScopeMap(name, tuple(f"repositories/*/{a}" for a in actions), description, system=True)


_A = RepositoryAction
SYSTEM_SCOPE_MAPS: Final = {
    m.name: m
    for m in (
        _system(
            "_repositories_admin",
            "Can perform all read, write and delete operations on the registry",
            _A.METADATA_READ,
            _A.METADATA_WRITE,
            _A.CONTENT_READ,
            _A.CONTENT_WRITE,
            _A.CONTENT_DELETE,
        ),
        _system("_repositories_pull", "Can pull any repository of the registry", _A.CONTENT_READ),
        _system(
            "_repositories_pull_metadata_read",
            "Can perform all read operations on the registry",
            _A.CONTENT_READ,
            _A.METADATA_READ,
        ),
        _system(
            "_repositories_push",
            "Can push to any repository of the registry",
            _A.CONTENT_READ,
            _A.CONTENT_WRITE,
        ),
        _system(
            "_repositories_push_metadata_write",
            "Can perform all read and write operations on the registry",
            _A.METADATA_READ,
            _A.METADATA_WRITE,
            _A.CONTENT_READ,
            _A.CONTENT_WRITE,
        ),
    )
}


class TokenStatus(StrEnum):
    """A token's `status`."""

    ENABLED = "enabled"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class Token:
    """A repository-scoped token: its registry, name, scope map id and status."""

    registry_id: Scope
    name: str
    scope_map_id: Scope
    status: TokenStatus = TokenStatus.ENABLED

    @classmethod
    def of(cls, registry_id: str, name: str, scope_map_id: str, *, enabled: bool = True) -> Token:
        """Build from ARM strings."""
        return cls(
            parse_scope(registry_id),
            name,
            parse_scope(scope_map_id),
            TokenStatus.ENABLED if enabled else TokenStatus.DISABLED,
        )

    @property
    def scope_map_name(self) -> str:
        """The last segment of `scopeMapId`."""
        return self.scope_map_id.name

    @property
    def scope_map_in_registry(self) -> bool:
        """Whether `scopeMapId` names a scope map of the token's own registry."""
        parent = self.scope_map_id.parent
        segments = self.scope_map_id.segments
        return (
            parent is not None
            and parent.key == self.registry_id.key
            and len(segments) >= 2  # noqa: PLR2004 - .../scopeMaps/{name}
            and segments[-2].casefold() == "scopemaps"
        )


@dataclass(frozen=True, slots=True)
class SkuLimits:
    """Fixed per-SKU limits for non-Entra tokens (reference §2.6)."""

    tokens: int
    scope_maps: int
    actions_per_scope_map: int = 500


SKU_LIMITS: Final = {
    Sku.BASIC: SkuLimits(tokens=100, scope_maps=100),
    Sku.STANDARD: SkuLimits(tokens=500, scope_maps=500),
    Sku.PREMIUM: SkuLimits(tokens=50_000, scope_maps=50_000),
}


def check_counts(
    sku: Sku,
    *,
    tokens: int = 0,
    scope_maps: int = 0,
    scope_map_actions: Iterable[str] = (),
) -> None:
    """Raise `ScopeMapLimitError` if a registry would exceed its SKU's limits.

    `scope_maps` counts user-defined maps only (the system maps are the service's). Every action
    counts against the 500 repositories-per-map limit, so one limit covers both rows of the table.
    """
    limits = SKU_LIMITS[sku]
    actions = list(scope_map_actions)
    if len(actions) > limits.actions_per_scope_map:
        raise ScopeMapLimitError(
            f"a scope map may hold at most {limits.actions_per_scope_map} actions; got {len(actions)}"
        )
    if tokens > limits.tokens:
        raise ScopeMapLimitError(f"the {sku} SKU allows {limits.tokens} tokens; got {tokens}")
    if scope_maps > limits.scope_maps:
        raise ScopeMapLimitError(f"the {sku} SKU allows {limits.scope_maps} scope maps; got {scope_maps}")
