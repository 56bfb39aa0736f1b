"""Azure action strings, their wildcard patterns, and the ACR vocabulary.

An action is `{Company}.{Provider}/{resourceType}/.../{verb}`; a role's `actions`/`dataActions` hold
*patterns* in which `*` matches any run of characters, `/` included (`*/read`,
`Microsoft.ContainerRegistry/*`, `Microsoft.Authorization/*/Write`). ARM compares them without regard to
case (built-in roles mix `Delete` and `delete`), so every pattern is case-folded once, when compiled, and
every action once, when checked. Compiled patterns are cached by text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from cerulean.access.errors import InvalidActionError

__all__ = [
    "ABAC_DATA_ACTIONS",
    "ARTIFACTS_DELETE",
    "CATALOG_READ",
    "CONDITIONABLE_ACTION_PREFIXES",
    "LEGACY_DATA_PLANE_ACTIONS",
    "METADATA_READ",
    "METADATA_WRITE",
    "PULL_READ",
    "PUSH_WRITE",
    "QUARANTINED_ARTIFACTS_READ",
    "QUARANTINED_ARTIFACTS_WRITE",
    "QUARANTINE_READ",
    "QUARANTINE_WRITE",
    "REPO_CONTENT_DELETE",
    "REPO_CONTENT_READ",
    "REPO_CONTENT_WRITE",
    "REPO_METADATA_DELETE",
    "REPO_METADATA_READ",
    "REPO_METADATA_WRITE",
    "ROLE_ASSIGNMENTS_DELETE",
    "ROLE_ASSIGNMENTS_WRITE",
    "SIGN_WRITE",
    "TRUSTED_COLLECTIONS_WRITE",
    "ActionKind",
    "ActionPattern",
    "action_key",
    "classify",
    "compile_pattern",
    "is_condition_applicable",
]

_REGISTRIES: Final = "Microsoft.ContainerRegistry/registries"

# Legacy ("RBAC Registry Permissions") data-plane *actions* (reference §3.4).
PULL_READ: Final = f"{_REGISTRIES}/pull/read"
PUSH_WRITE: Final = f"{_REGISTRIES}/push/write"
ARTIFACTS_DELETE: Final = f"{_REGISTRIES}/artifacts/delete"
METADATA_READ: Final = f"{_REGISTRIES}/metadata/read"
METADATA_WRITE: Final = f"{_REGISTRIES}/metadata/write"
SIGN_WRITE: Final = f"{_REGISTRIES}/sign/write"
QUARANTINE_READ: Final = f"{_REGISTRIES}/quarantine/read"
QUARANTINE_WRITE: Final = f"{_REGISTRIES}/quarantine/write"

# Data actions (isDataAction=true).
REPO_CONTENT_READ: Final = f"{_REGISTRIES}/repositories/content/read"
REPO_CONTENT_WRITE: Final = f"{_REGISTRIES}/repositories/content/write"
REPO_CONTENT_DELETE: Final = f"{_REGISTRIES}/repositories/content/delete"
REPO_METADATA_READ: Final = f"{_REGISTRIES}/repositories/metadata/read"
REPO_METADATA_WRITE: Final = f"{_REGISTRIES}/repositories/metadata/write"
REPO_METADATA_DELETE: Final = f"{_REGISTRIES}/repositories/metadata/delete"
CATALOG_READ: Final = f"{_REGISTRIES}/catalog/read"
TRUSTED_COLLECTIONS_WRITE: Final = f"{_REGISTRIES}/trustedCollections/write"
QUARANTINED_ARTIFACTS_READ: Final = f"{_REGISTRIES}/quarantinedArtifacts/read"
QUARANTINED_ARTIFACTS_WRITE: Final = f"{_REGISTRIES}/quarantinedArtifacts/write"

ROLE_ASSIGNMENTS_WRITE: Final = "Microsoft.Authorization/roleAssignments/write"
ROLE_ASSIGNMENTS_DELETE: Final = "Microsoft.Authorization/roleAssignments/delete"

LEGACY_DATA_PLANE_ACTIONS: Final = frozenset(
    {
        PULL_READ,
        PUSH_WRITE,
        ARTIFACTS_DELETE,
        METADATA_READ,
        METADATA_WRITE,
        SIGN_WRITE,
        QUARANTINE_READ,
        QUARANTINE_WRITE,
    }
)

ABAC_DATA_ACTIONS: Final = frozenset(
    {
        REPO_CONTENT_READ,
        REPO_CONTENT_WRITE,
        REPO_CONTENT_DELETE,
        REPO_METADATA_READ,
        REPO_METADATA_WRITE,
        REPO_METADATA_DELETE,
        CATALOG_READ,
        TRUSTED_COLLECTIONS_WRITE,
        QUARANTINED_ARTIFACTS_READ,
        QUARANTINED_ARTIFACTS_WRITE,
    }
)

# Conditions are evaluated only for these actions (case-folded prefixes): ACR's repository data actions
# (reference §4.3) and Azure's delegated role-assignment management. For every other action a condition
# neither grants nor restricts — which is how the Catalog Lister "always" lists the whole catalog.
CONDITIONABLE_ACTION_PREFIXES: Final = (
    f"{_REGISTRIES}/repositories/".casefold(),
    ROLE_ASSIGNMENTS_WRITE.casefold(),
    ROLE_ASSIGNMENTS_DELETE.casefold(),
)

_DATA_ACTION_KEYS: Final = frozenset(a.casefold() for a in ABAC_DATA_ACTIONS)
_REPOSITORY_DATA_PREFIX: Final = f"{_REGISTRIES}/repositories/".casefold()
# Characters that appear in real operation names; anything else is a typo or an injection attempt.
_VALID_PATTERN: Final = re.compile(r"[A-Za-z0-9_.*/\-]+")


class ActionKind(StrEnum):
    """Whether an action lives in a role's `actions` or its `dataActions`."""

    ACTION = "action"
    DATA_ACTION = "dataAction"


def action_key(action: str) -> str:
    """The comparison key of an action: ARM matches actions case-insensitively."""
    return action.casefold()


def classify(action: str) -> ActionKind:
    """Whether `action` is a data action (known ACR data action or any repository action)."""
    key = action_key(action)
    if key in _DATA_ACTION_KEYS or key.startswith(_REPOSITORY_DATA_PREFIX):
        return ActionKind.DATA_ACTION
    return ActionKind.ACTION


def is_condition_applicable(action: str) -> bool:
    """Whether a role-assignment condition is evaluated when `action` is checked."""
    return action_key(action).startswith(CONDITIONABLE_ACTION_PREFIXES)


@dataclass(frozen=True, slots=True)
class ActionPattern:
    """One entry of `actions`/`notActions`/`dataActions`/`notDataActions`, compiled for matching."""

    text: str
    _key: str = field(repr=False, compare=False)
    _regex: re.Pattern[str] | None = field(repr=False, compare=False)

    def matches(self, action: str) -> bool:
        """Whether `action` (any case) is covered by this pattern."""
        return self.matches_key(action_key(action))

    def matches_key(self, key: str) -> bool:
        """Like `matches`, for an action already passed through `action_key`."""
        if self._regex is None:
            return key == self._key
        return self._regex.fullmatch(key) is not None

    @property
    def has_wildcard(self) -> bool:
        """Whether the pattern contains `*`."""
        return self._regex is not None


@functools.lru_cache(maxsize=4096)
def compile_pattern(text: str) -> ActionPattern:
    """Compile an action pattern once; raise `InvalidActionError` if it is malformed."""
    stripped = text.strip()
    if not stripped or _VALID_PATTERN.fullmatch(stripped) is None:
        raise InvalidActionError(f"invalid action pattern {text[:120]!r}")
    key = action_key(stripped)
    if "*" not in key:
        return ActionPattern(stripped, key, None)
    regex = re.compile(".*".join(re.escape(part) for part in key.split("*")), re.DOTALL)
    return ActionPattern(stripped, key, regex)
