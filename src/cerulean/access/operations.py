"""What each registry operation needs, in each permission mode and from each kind of caller (§3.6).

    operation          OAuth scope      RBAC Registry (actions)     ABAC (dataActions)          token
    pull               pull             pull/read                   repositories/content/read   content/read
    push               push             push/write                  repositories/content/write  content/write
    delete             delete           artifacts/delete            repositories/content/delete content/delete
    untag              delete           push/write or               repositories/metadata/write metadata/write
                                        artifacts/delete
    read_metadata,     metadata_read    pull/read or metadata/read  repositories/metadata/read  metadata/read
      list_tags
    list_referrers     pull             pull/read                   repositories/content/read   content/read
    write_metadata,    metadata_write   metadata/write              repositories/metadata/write metadata/write
      lock
    catalog            registry:catalog pull/read                   catalog/read                -
    sign               -                sign/write                  (not supported)             -
    read_quarantined   -                quarantine/read             quarantinedArtifacts/read   -
    write_quarantine   -                quarantine/write            quarantinedArtifacts/write  -

Choices where the reference is silent: `metadata_write` needs `metadata/write` in RBAC Registry mode
(Owner/Contributor through `*`), because it gates locking, which AcrPush "does not grant"; untag follows
§3.6 (AcrPush and AcrDelete may untag, and in ABAC mode whoever holds `metadata/write`) while the Azure
CLI asks for it with the `delete` scope, so the token service must map an untag request onto this
operation rather than onto `delete`; the ABAC data action of each OAuth action mirrors the
token's scope-map action (`content/delete` for `delete`). The admin account gets the five repository
actions and the catalog while `adminUserEnabled`; the anonymous caller only `pull`; nobody but the
Entra roles above signs or touches quarantined content.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from enum import StrEnum
from typing import Final

from cerulean.access import actions as a
from cerulean.access.actions import ActionKind
from cerulean.access.modes import ModeRule, PermissionMode
from cerulean.access.scopemaps import RepositoryAction

__all__ = [
    "OAUTH_ACTIONS",
    "REPOSITORY_OAUTH_ACTIONS",
    "DataNeed",
    "Operation",
    "Requirement",
    "need_for",
    "parse_oauth_action",
]


class Operation(StrEnum):
    """A data-plane operation of the registry."""

    PULL = "pull"
    PUSH = "push"
    DELETE = "delete"
    UNTAG = "untag"
    READ_METADATA = "read_metadata"
    LIST_TAGS = "list_tags"
    LIST_REFERRERS = "list_referrers"
    WRITE_METADATA = "write_metadata"
    LOCK = "lock"
    CATALOG = "catalog"
    SIGN = "sign"
    READ_QUARANTINED = "read_quarantined"
    WRITE_QUARANTINE = "write_quarantine"


@dataclass(frozen=True, slots=True)
class Requirement:
    """Any one of `any_of`, found in the role half named by `kind`, satisfies the need."""

    any_of: tuple[str, ...]
    kind: ActionKind
    rule: ModeRule | None = None  # the mode rule to cite when a role lacks it
    keys: tuple[str, ...] = field(init=False, repr=False, compare=False)
    text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", tuple(x.casefold() for x in self.any_of))
        object.__setattr__(self, "text", " or ".join(self.any_of))


@dataclass(frozen=True, slots=True)
class DataNeed:
    """What one operation requires from each kind of caller."""

    name: str
    legacy: Requirement | ModeRule  # a ModeRule: not available in that mode, for that reason
    abac: Requirement | ModeRule
    token_action: RepositoryAction | None
    _: KW_ONLY
    admin: bool
    anonymous: bool
    repository_scoped: bool = True

    def requirement(self, mode: PermissionMode) -> Requirement | ModeRule:
        """The requirement in `mode`, or the rule that makes the operation unavailable."""
        return self.legacy if mode is PermissionMode.LEGACY else self.abac


def _legacy(*actions: str) -> Requirement:
    return Requirement(actions, ActionKind.ACTION, ModeRule.LEGACY_CHECKS_ACTIONS)


def _abac(*actions: str, rule: ModeRule = ModeRule.ABAC_CHECKS_DATA_ACTIONS) -> Requirement:
    return Requirement(actions, ActionKind.DATA_ACTION, rule)


_PULL: Final = DataNeed(
    "pull",
    _legacy(a.PULL_READ),
    _abac(a.REPO_CONTENT_READ),
    RepositoryAction.CONTENT_READ,
    admin=True,
    anonymous=True,
)
_PUSH: Final = DataNeed(
    "push",
    _legacy(a.PUSH_WRITE),
    _abac(a.REPO_CONTENT_WRITE),
    RepositoryAction.CONTENT_WRITE,
    admin=True,
    anonymous=False,
)
_DELETE: Final = DataNeed(
    "delete",
    _legacy(a.ARTIFACTS_DELETE),
    _abac(a.REPO_CONTENT_DELETE),
    RepositoryAction.CONTENT_DELETE,
    admin=True,
    anonymous=False,
)
_UNTAG: Final = DataNeed(
    "untag",
    _legacy(a.PUSH_WRITE, a.ARTIFACTS_DELETE),
    _abac(a.REPO_METADATA_WRITE),
    RepositoryAction.METADATA_WRITE,
    admin=True,
    anonymous=False,
)
_METADATA_READ: Final = DataNeed(
    "metadata_read",
    _legacy(a.PULL_READ, a.METADATA_READ),
    _abac(a.REPO_METADATA_READ),
    RepositoryAction.METADATA_READ,
    admin=True,
    anonymous=False,
)
_METADATA_WRITE: Final = DataNeed(
    "metadata_write",
    _legacy(a.METADATA_WRITE),
    _abac(a.REPO_METADATA_WRITE),
    RepositoryAction.METADATA_WRITE,
    admin=True,
    anonymous=False,
)
_CATALOG: Final = DataNeed(
    "catalog",
    _legacy(a.PULL_READ),
    _abac(a.CATALOG_READ, rule=ModeRule.ABAC_CATALOG_NEEDS_LISTER),
    None,
    admin=True,
    anonymous=False,
    repository_scoped=False,
)
_SIGN: Final = DataNeed(
    "sign", _legacy(a.SIGN_WRITE), ModeRule.ABAC_NO_CONTENT_TRUST, None, admin=False, anonymous=False
)
_READ_QUARANTINED: Final = DataNeed(
    "read_quarantined",
    _legacy(a.QUARANTINE_READ),
    _abac(a.QUARANTINED_ARTIFACTS_READ),
    None,
    admin=False,
    anonymous=False,
)
_WRITE_QUARANTINE: Final = DataNeed(
    "write_quarantine",
    _legacy(a.QUARANTINE_WRITE),
    _abac(a.QUARANTINED_ARTIFACTS_WRITE),
    None,
    admin=False,
    anonymous=False,
)

_NEEDS: Final = {
    Operation.PULL: _PULL,
    Operation.PUSH: _PUSH,
    Operation.DELETE: _DELETE,
    Operation.UNTAG: _UNTAG,
    Operation.READ_METADATA: _METADATA_READ,
    Operation.LIST_TAGS: _METADATA_READ,
    Operation.LIST_REFERRERS: _PULL,
    Operation.WRITE_METADATA: _METADATA_WRITE,
    Operation.LOCK: _METADATA_WRITE,
    Operation.CATALOG: _CATALOG,
    Operation.SIGN: _SIGN,
    Operation.READ_QUARANTINED: _READ_QUARANTINED,
    Operation.WRITE_QUARANTINE: _WRITE_QUARANTINE,
}


def need_for(operation: Operation) -> DataNeed:
    """What `operation` requires."""
    return _NEEDS[operation]


# OAuth scope actions for `repository:<name>:<actions>`, both spellings clients send (reference §1.2).
OAUTH_ACTIONS: Final = {
    "pull": Operation.PULL,
    "push": Operation.PUSH,
    "delete": Operation.DELETE,
    "metadata_read": Operation.READ_METADATA,
    "metadataRead": Operation.READ_METADATA,
    "metadata_write": Operation.WRITE_METADATA,
    "metadataWrite": Operation.WRITE_METADATA,
}
REPOSITORY_OAUTH_ACTIONS: Final = (
    Operation.PULL,
    Operation.PUSH,
    Operation.DELETE,
    Operation.READ_METADATA,
    Operation.WRITE_METADATA,
)


def parse_oauth_action(action: str) -> Operation | None:
    """The operation an OAuth repository scope action stands for (`*` is handled by `grant`)."""
    return OAUTH_ACTIONS.get(action)
