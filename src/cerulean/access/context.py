"""The registry a data-plane question is about: its id, permission mode, SKU and local-auth switches.

Anonymous pull is honoured only on Standard and Premium, the SKUs that offer it (reference §8); ARM
refuses to enable it on Basic, so a Basic registry carrying the flag is treated as not having it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from cerulean.access.errors import InvalidModeError, InvalidScopeError
from cerulean.access.modes import PermissionMode, parse_mode
from cerulean.access.scopes import Scope, parse_scope

__all__ = ["RegistryContext", "Resource", "Sku", "parse_sku"]


class Sku(StrEnum):
    """A registry's `sku.name`."""

    BASIC = "Basic"
    STANDARD = "Standard"
    PREMIUM = "Premium"

    @property
    def offers_anonymous_pull(self) -> bool:
        """Whether the SKU supports `anonymousPullEnabled`."""
        return self is not Sku.BASIC


def parse_sku(value: str) -> Sku:
    """Parse a SKU name in any case."""
    for sku in Sku:
        if sku.value.casefold() == value.strip().casefold():
            return sku
    raise InvalidModeError(f"unknown SKU {value[:40]!r}; expected Basic, Standard or Premium")


@dataclass(frozen=True, slots=True)
class RegistryContext:
    """The settings of one registry that the access engine needs."""

    resource_id: Scope
    mode: PermissionMode = PermissionMode.LEGACY
    sku: Sku = Sku.STANDARD
    admin_user_enabled: bool = False
    anonymous_pull_enabled: bool = False
    tenant_id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.resource_id.is_registry:
            raise InvalidScopeError(f"{self.resource_id.text!r} is not a container registry id")
        object.__setattr__(self, "tenant_id", self.tenant_id.strip().lower())

    @classmethod
    def of(
        cls,
        resource_id: str,
        *,
        mode: str | PermissionMode = PermissionMode.LEGACY,
        sku: str | Sku = Sku.STANDARD,
        admin_user_enabled: bool = False,
        anonymous_pull_enabled: bool = False,
        tenant_id: str = "",
    ) -> RegistryContext:
        """Build from ARM values (`roleAssignmentMode`, `sku.name`, ...)."""
        return cls(
            resource_id=parse_scope(resource_id),
            mode=mode if isinstance(mode, PermissionMode) else parse_mode(mode),
            sku=sku if isinstance(sku, Sku) else parse_sku(sku),
            admin_user_enabled=admin_user_enabled,
            anonymous_pull_enabled=anonymous_pull_enabled,
            tenant_id=tenant_id,
        )

    @property
    def name(self) -> str:
        """The registry name (last segment of its id)."""
        return self.resource_id.name

    @property
    def anonymous_pull(self) -> bool:
        """Whether anonymous pull is both enabled and offered by the SKU."""
        return self.anonymous_pull_enabled and self.sku.offers_anonymous_pull


@dataclass(frozen=True, slots=True)
class Resource:
    """What a question is about: an ARM scope, optionally one repository of a registry."""

    scope: Scope
    repository: str | None = None

    @classmethod
    def of(cls, scope: str, repository: str | None = None) -> Resource:
        """Build from an ARM id and an optional repository name."""
        return cls(parse_scope(scope), repository)

    def describe(self) -> str:
        """A short human description."""
        if self.repository is None:
            return self.scope.text
        return f"repository {self.repository!r} in {self.scope.text}"
