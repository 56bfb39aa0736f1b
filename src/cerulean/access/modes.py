"""The registry's role assignment permissions mode and the rules each mode applies (reference §4).

    mode (ARM `roleAssignmentMode`)   portal name                                     data plane checks
    LegacyRegistryPermissions         "RBAC Registry Permissions"                     role *actions*
    AbacRepositoryPermissions         "RBAC Registry + ABAC Repository Permissions"   role *dataActions*

Everything §4.4 lists follows from that one switch plus three rules, each a `ModeRule` value so an
explanation can name the rule that excluded a role:

* in ABAC mode `AcrPull`/`AcrPush`/`AcrDelete` (registry actions) and Owner/Contributor/Reader (whose `*`
  never matches a data action) grant no data access; the Repository roles do;
* in legacy mode the Repository roles and the Catalog Lister (data actions only) grant nothing;
* catalog listing in ABAC mode needs `catalog/read` and is never conditioned;
* Docker Content Trust signing is not available in ABAC mode.

`rbac` as the CLI spelling of the legacy mode is accepted (reference: likely, unconfirmed).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Final

from cerulean.access.actions import ActionKind
from cerulean.access.errors import InvalidModeError

__all__ = ["ModeRule", "ModeRuleInfo", "PermissionMode", "parse_mode"]


class PermissionMode(StrEnum):
    """ARM's `properties.roleAssignmentMode`."""

    LEGACY = "LegacyRegistryPermissions"
    ABAC = "AbacRepositoryPermissions"

    @property
    def display_name(self) -> str:
        """The portal's name for the mode."""
        return _DISPLAY[self]

    @property
    def cli_name(self) -> str:
        """The `az acr create --role-assignment-mode` value."""
        return "rbac" if self is PermissionMode.LEGACY else "rbac-abac"

    @property
    def data_plane_kind(self) -> ActionKind:
        """Which half of a role definition the data plane checks in this mode."""
        return ActionKind.ACTION if self is PermissionMode.LEGACY else ActionKind.DATA_ACTION


_DISPLAY: Final = {
    PermissionMode.LEGACY: "RBAC Registry Permissions",
    PermissionMode.ABAC: "RBAC Registry + ABAC Repository Permissions",
}

_ALIASES: Final = {
    "legacyregistrypermissions": PermissionMode.LEGACY,
    "rbac": PermissionMode.LEGACY,
    "rbac registry permissions": PermissionMode.LEGACY,
    "abacrepositorypermissions": PermissionMode.ABAC,
    "rbac-abac": PermissionMode.ABAC,
    "rbac registry + abac repository permissions": PermissionMode.ABAC,
}


def parse_mode(value: str) -> PermissionMode:
    """Parse the ARM value, the CLI value or the portal name, in any case."""
    try:
        return _ALIASES[value.strip().casefold()]
    except KeyError:
        raise InvalidModeError(
            f"unknown roleAssignmentMode {value[:80]!r}; expected "
            "'LegacyRegistryPermissions' or 'AbacRepositoryPermissions'"
        ) from None


@dataclass(frozen=True, slots=True)
class ModeRuleInfo:
    """The identifier and wording of a mode rule."""

    code: str
    text: str


class ModeRule(Enum):
    """A rule of one permission mode that can exclude a role from a data-plane decision."""

    LEGACY_CHECKS_ACTIONS = ModeRuleInfo(
        "legacy-checks-actions",
        "RBAC Registry Permissions mode authorizes data-plane requests with registry actions "
        "(pull/read, push/write, artifacts/delete, metadata/read, metadata/write); repository "
        "dataActions — the Container Registry Repository roles and the Catalog Lister — grant nothing.",
    )
    ABAC_CHECKS_DATA_ACTIONS = ModeRuleInfo(
        "abac-checks-data-actions",
        "RBAC Registry + ABAC Repository Permissions mode authorizes data-plane requests with "
        "repository dataActions only: AcrPull, AcrPush and AcrDelete are not honoured, and Owner, "
        "Contributor and Reader have no data-plane access (a wildcard in actions never grants a "
        "dataAction).",
    )
    ABAC_CATALOG_NEEDS_LISTER = ModeRuleInfo(
        "abac-catalog-needs-lister",
        "In RBAC Registry + ABAC Repository Permissions mode listing the catalog needs "
        "Microsoft.ContainerRegistry/registries/catalog/read (Container Registry Repository Catalog "
        "Lister); it cannot be restricted by a condition and reveals every repository name.",
    )
    ABAC_NO_CONTENT_TRUST = ModeRuleInfo(
        "abac-no-content-trust",
        "Docker Content Trust signing is not supported in RBAC Registry + ABAC Repository "
        "Permissions mode; sign with Notation and Container Registry Repository Writer instead.",
    )
    CONDITIONS_REPOSITORY_ONLY = ModeRuleInfo(
        "conditions-repository-only",
        "A condition restricts only repository data actions (and role-assignment writes); for any "
        "other action it is not evaluated, so it neither grants nor restricts.",
    )

    @property
    def code(self) -> str:
        """A stable identifier for JSON output and documentation."""
        return self.value.code

    @property
    def text(self) -> str:
        """The rule in words."""
        return self.value.text
