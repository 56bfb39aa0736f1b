"""Subscriptions, resource groups, registries and role assignments, as stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

__all__ = ["RegistryResource", "ResourceGroup", "StoredRoleAssignment", "Subscription"]


@dataclass(frozen=True, slots=True)
class Subscription:
    """A subscription: the top of the resource hierarchy below `/`, in one tenant."""

    id: str  # the subscription GUID
    tenant_id: str
    display_name: str
    created_at: dt.datetime

    @property
    def resource_id(self) -> str:
        """``/subscriptions/{id}``."""
        return f"/subscriptions/{self.id}"


@dataclass(frozen=True, slots=True)
class ResourceGroup:
    """A resource group in a subscription."""

    subscription_id: str
    name: str
    location: str
    created_at: dt.datetime

    @property
    def resource_id(self) -> str:
        """``/subscriptions/{s}/resourceGroups/{name}``."""
        return f"/subscriptions/{self.subscription_id}/resourceGroups/{self.name}"


@dataclass(frozen=True, slots=True)
class RegistryResource:
    """A container registry resource and the settings the access engine reads."""

    subscription_id: str
    resource_group: str
    name: str
    location: str
    sku: str
    login_server: str
    admin_user_enabled: bool
    anonymous_pull_enabled: bool
    permission_mode: str  # ARM's roleAssignmentMode
    created_at: dt.datetime
    # policies.azureADAuthenticationAsArmPolicy: /oauth2/exchange accepts ARM-audience Entra tokens.
    arm_audience_enabled: bool = True

    @property
    def resource_id(self) -> str:
        """The registry's ARM id."""
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.ContainerRegistry/registries/{self.name}"
        )


@dataclass(frozen=True, slots=True)
class StoredRoleAssignment:
    """A role assignment as ARM stores it (the access engine's `RoleAssignment` is built from it)."""

    id: str  # the assignment GUID (its `name`)
    scope: str
    role_definition_id: str
    principal_id: str
    principal_type: str
    condition: str | None
    condition_version: str | None
    description: str
    created_at: dt.datetime
