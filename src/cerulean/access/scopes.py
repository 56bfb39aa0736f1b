"""ARM scopes and the hierarchy an assignment is inherited through.

    /                                                         root
    └── /providers/Microsoft.Management/managementGroups/{g}  management groups (nested, with parents)
        └── /subscriptions/{s}                                subscription
            └── /subscriptions/{s}/resourceGroups/{rg}        resource group
                └── .../providers/Microsoft.ContainerRegistry/registries/{r}    resource
                    └── .../registries/{r}/scopeMaps/{m}      child resources

An assignment applies at its scope and everything below it. Ids are compared without regard to case
(ARM ids are case-insensitive) and a trailing `/` is ignored. Repositories are never scopes: ACR
restricts repositories with conditions, so the deepest scope a data-plane decision looks at is the
registry itself. A subscription that the hierarchy does not place in a management group sits directly
under `/` (choice: Azure would put it under the tenant root group, which we model as `/`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from cerulean.access.errors import InvalidScopeError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "ROOT",
    "Scope",
    "ScopeHierarchy",
    "ScopeKind",
    "parse_scope",
]

_MG_PREFIX: Final = ("providers", "microsoft.management", "managementgroups")
_REGISTRY_TYPE: Final = ("microsoft.containerregistry", "registries")
_SEGMENT: Final = re.compile(r"[^\s/]+")
_MAX_SCOPE_LENGTH: Final = 2048
_CACHE_SIZE: Final = 16_384
_PAIR: Final = 2  # a resource id ends in (type, name) pairs
_MAX_MG_DEPTH: Final = 16  # Azure allows 6 levels under the root; anything deeper is a cycle.


class ScopeKind(StrEnum):
    """The level of a scope in the ARM hierarchy."""

    ROOT = "root"
    MANAGEMENT_GROUP = "managementGroup"
    SUBSCRIPTION = "subscription"
    RESOURCE_GROUP = "resourceGroup"
    RESOURCE = "resource"


@dataclass(frozen=True, slots=True)
class Scope:
    """A parsed, normalised scope; equal when the ids are equal without regard to case."""

    text: str = field(compare=False)
    key: str
    kind: ScopeKind = field(compare=False)
    segments: tuple[str, ...] = field(compare=False, repr=False)

    def __str__(self) -> str:
        return self.text

    @property
    def parent(self) -> Scope | None:
        """The scope directly above, ignoring management groups (see `ScopeHierarchy`)."""
        segs = self.segments
        if self.kind is ScopeKind.ROOT:
            return None
        if self.kind in {ScopeKind.MANAGEMENT_GROUP, ScopeKind.SUBSCRIPTION}:
            return ROOT
        if self.kind is ScopeKind.RESOURCE_GROUP:
            return _make(segs[:2])
        parent = segs[:-2]
        if len(parent) >= _PAIR and parent[-2].casefold() == "providers":
            parent = parent[:-2]
        return _make(parent)

    @property
    def subscription_id(self) -> str | None:
        """The subscription this scope lies in, if any."""
        if self.kind in {ScopeKind.ROOT, ScopeKind.MANAGEMENT_GROUP}:
            return None
        return self.segments[1]

    @property
    def management_group_id(self) -> str | None:
        """The management group id, for a management-group scope."""
        return self.segments[3] if self.kind is ScopeKind.MANAGEMENT_GROUP else None

    @property
    def registry(self) -> Scope | None:
        """The container registry this scope is, or lies within."""
        return _registry_of(self.segments)

    @property
    def is_registry(self) -> bool:
        """Whether this scope is exactly a container registry resource."""
        registry = self.registry
        return registry is not None and registry.key == self.key

    @property
    def name(self) -> str:
        """The last segment (registry name, group id, ...); empty for the root."""
        return self.segments[-1] if self.segments else ""


def _make(segments: tuple[str, ...]) -> Scope:
    return parse_scope("/" + "/".join(segments))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _registry_of(segments: tuple[str, ...]) -> Scope | None:
    lowered = tuple(s.casefold() for s in segments)
    for i in range(len(lowered) - 3):
        if lowered[i] == "providers" and lowered[i + 1 : i + 3] == _REGISTRY_TYPE:
            return _make(segments[: i + 4])
    return None


ROOT: Final = Scope("/", "/", ScopeKind.ROOT, ())


@functools.lru_cache(maxsize=_CACHE_SIZE)
def parse_scope(text: str) -> Scope:
    """Parse a scope id (cached: scopes are values); raise `InvalidScopeError` if ARM would not."""
    if len(text) > _MAX_SCOPE_LENGTH:
        raise InvalidScopeError("scope is longer than 2048 characters")
    stripped = text.strip()
    if stripped == "/":
        return ROOT
    if not stripped.startswith("/"):
        raise InvalidScopeError(f"scope {text[:120]!r} must start with '/'")
    segments = tuple(stripped.rstrip("/").split("/")[1:])
    if not segments or any(_SEGMENT.fullmatch(s) is None for s in segments):
        raise InvalidScopeError(f"scope {text[:120]!r} has an empty or invalid segment")
    kind = _kind(segments, text)
    normalised = "/" + "/".join(segments)
    return Scope(normalised, normalised.casefold(), kind, segments)


def _kind(segments: tuple[str, ...], text: str) -> ScopeKind:
    lowered = tuple(s.casefold() for s in segments)
    if lowered[:3] == _MG_PREFIX and len(lowered) == 4:  # noqa: PLR2004 - /providers/.../managementGroups/{id}
        return ScopeKind.MANAGEMENT_GROUP
    if lowered[0] != "subscriptions" or len(lowered) < 2:  # noqa: PLR2004 - /subscriptions/{id}
        raise InvalidScopeError(f"scope {text[:120]!r} is not a management group or subscription scope")
    if len(lowered) == 2:  # noqa: PLR2004 - /subscriptions/{id}
        return ScopeKind.SUBSCRIPTION
    rest = lowered[2:]
    if rest[0] == "resourcegroups":
        if len(rest) == 2:  # noqa: PLR2004 - resourceGroups/{rg}
            return ScopeKind.RESOURCE_GROUP
        rest = rest[2:]
    if not rest:
        raise InvalidScopeError(f"scope {text[:120]!r} is not a valid resource id")
    _check_provider_path(rest, text)
    return ScopeKind.RESOURCE


def _check_provider_path(rest: tuple[str, ...], text: str) -> None:
    """`providers/{ns}/{type}/{name}[/{type}/{name}...]`, possibly with nested extension providers."""
    i = 0
    while i < len(rest):
        if rest[i] != "providers" or len(rest) - i < 4:  # noqa: PLR2004 - providers/ns/type/name
            raise InvalidScopeError(f"scope {text[:120]!r} is not a valid resource id")
        i += 4
        while i + 1 < len(rest) and rest[i] != "providers":
            i += 2
        if i == len(rest) - 1:
            raise InvalidScopeError(f"scope {text[:120]!r} has a resource type without a name")


@dataclass(frozen=True, slots=True)
class ScopeHierarchy:
    """Where management groups and subscriptions sit; everything else follows from the id itself.

    `management_group_parents` maps a group id to its parent group id (`None` for a top-level group);
    `subscription_groups` maps a subscription id to the group that holds it. Ids are case-insensitive.
    """

    management_group_parents: Mapping[str, str | None] = field(default_factory=dict)
    subscription_groups: Mapping[str, str] = field(default_factory=dict)
    _mg_parent: dict[str, str | None] = field(init=False, repr=False, compare=False)
    _sub_group: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "_mg_parent",
            {k.casefold(): (v.casefold() if v else None) for k, v in self.management_group_parents.items()},
        )
        object.__setattr__(
            self,
            "_sub_group",
            {k.casefold(): v.casefold() for k, v in self.subscription_groups.items()},
        )

    def ancestors(self, scope: Scope) -> tuple[str, ...]:
        """Keys of `scope` and every scope above it, nearest first, ending with `/`."""
        keys: list[str] = []
        current: Scope | None = scope
        while current is not None and current.kind not in {
            ScopeKind.SUBSCRIPTION,
            ScopeKind.MANAGEMENT_GROUP,
            ScopeKind.ROOT,
        }:
            keys.append(current.key)
            current = current.parent
        group: str | None = None
        if current is not None and current.kind is ScopeKind.SUBSCRIPTION:
            keys.append(current.key)
            group = self._sub_group.get(current.segments[1].casefold())
        elif current is not None and current.kind is ScopeKind.MANAGEMENT_GROUP:
            group = current.segments[3].casefold()
        seen: set[str] = set()
        while group is not None and group not in seen and len(seen) < _MAX_MG_DEPTH:
            seen.add(group)
            keys.append(f"/providers/microsoft.management/managementgroups/{group}")
            group = self._mg_parent.get(group)
        keys.append(ROOT.key)
        return tuple(keys)

    def contains(self, outer: Scope, inner: Scope) -> bool:
        """Whether an assignment at `outer` applies to `inner`."""
        return outer.key in self.ancestors(inner)
