"""The store ARM resources live in (implemented by `cerulean.db`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from cerulean.arm.models import (
        RegistryResource,
        ResourceGroup,
        StoredRoleAssignment,
        StoredRoleDefinition,
        Subscription,
    )

__all__ = ["ResourceStore"]


class ResourceStore(Protocol):
    """Subscriptions, resource groups, registries, custom role definitions and role assignments."""

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

    async def update_resource_group(self, group: ResourceGroup) -> None:
        """Replace a resource group's tags."""
        ...

    async def delete_resource_group(self, subscription_id: str, name: str) -> bool:
        """Delete an empty resource group; False if there was none."""
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

    async def delete_registry(self, name: str) -> bool:
        """Delete a registry with its credentials, content and role assignments; False if there is none."""
        ...

    async def put_role_definition(self, definition: StoredRoleDefinition, role_name: str) -> None:
        """Create or replace a custom role definition."""
        ...

    async def list_role_definitions(self) -> list[StoredRoleDefinition]:
        """Every custom role definition."""
        ...

    async def delete_role_definition(self, definition_id: str) -> bool:
        """Delete a custom role definition; False if there was none."""
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
