"""The store ARM resources live in (implemented by `cerulean.db`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from cerulean.arm.models import RegistryResource, ResourceGroup, StoredRoleAssignment, Subscription

__all__ = ["ResourceStore"]


class ResourceStore(Protocol):
    """Subscriptions, resource groups, registries and role assignments."""

    async def add_subscription(self, subscription: Subscription) -> None:
        """Create a subscription."""
        ...

    async def list_subscriptions(self) -> list[Subscription]:
        """Every subscription, oldest first."""
        ...

    async def add_resource_group(self, group: ResourceGroup) -> None:
        """Create a resource group."""
        ...

    async def list_resource_groups(self, subscription_id: str) -> list[ResourceGroup]:
        """A subscription's resource groups, by name."""
        ...

    async def add_registry(self, registry: RegistryResource) -> None:
        """Create a registry resource."""
        ...

    async def list_registries(self) -> list[RegistryResource]:
        """Every registry, by name."""
        ...

    async def update_registry(self, registry: RegistryResource) -> None:
        """Replace a registry's settings (looked up by name)."""
        ...

    async def add_role_assignment(self, assignment: StoredRoleAssignment) -> None:
        """Store a role assignment (already checked by `cerulean.access.check_assignment`)."""
        ...

    async def list_role_assignments(self) -> list[StoredRoleAssignment]:
        """Every role assignment."""
        ...

    async def delete_role_assignment(self, assignment_id: str) -> bool:
        """Delete a role assignment; False if there was none."""
        ...
