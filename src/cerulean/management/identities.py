"""`Microsoft.ManagedIdentity/userAssignedIdentities`, registries' system-assigned identities, principals.

A user-assigned identity lives in the directory (its service principal holds role assignments); ARM
only adds the resource path. Its `location` is its resource group's and its tags are not kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.access.principals import Principal
from cerulean.identity.models import ManagedIdentityKind, ServicePrincipalKind
from cerulean.management.errors import BadRequestError, NotFoundError
from cerulean.management.gate import same
from cerulean.management.lookups import find_group, find_subscription

if TYPE_CHECKING:
    from cerulean.arm.interfaces import ResourceStore
    from cerulean.arm.models import RegistryResource
    from cerulean.identity import IdentityProvider
    from cerulean.identity.models import ManagedIdentity
    from cerulean.management.gate import Caller, Gate

__all__ = ["Identities", "UserAssignedIdentity", "identity_id"]

_TYPE: Final = "Microsoft.ManagedIdentity/userAssignedIdentities"
_NAME: Final = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$")


def identity_id(subscription: str, group: str, name: str) -> str:
    """A user-assigned identity's ARM id."""
    return f"/subscriptions/{subscription}/resourceGroups/{group}/providers/{_TYPE}/{name}"


@dataclass(frozen=True, slots=True)
class UserAssignedIdentity:
    """A user-assigned identity as ARM shows it."""

    resource_id: str
    name: str
    location: str
    identity: ManagedIdentity


class Identities:
    """User-assigned identities (ARM resources) and the directory lookups the management plane needs."""

    def __init__(self, gate: Gate, resources: ResourceStore, provider: IdentityProvider) -> None:
        self._gate = gate
        self._resources = resources
        self._provider = provider

    async def _all(self, tenant_id: str) -> list[ManagedIdentity]:
        found = []
        for sp in await self._provider.store.list_service_principals(tenant_id):
            if sp.kind is not ServicePrincipalKind.MANAGED_IDENTITY:
                continue
            identity = await self._provider.store.get_managed_identity(sp.id)
            if identity is not None and identity.kind is ManagedIdentityKind.USER_ASSIGNED:
                found.append(identity)
        return found

    async def put(
        self, caller: Caller, subscription: str, group: str, name: str
    ) -> tuple[UserAssignedIdentity, bool]:
        """Create a user-assigned identity (`userAssignedIdentities/write`); True if created."""
        resource_id = identity_id(subscription, group, name)
        self._gate.authorize(caller, f"{_TYPE}/write", resource_id)
        if not _NAME.fullmatch(name):
            raise BadRequestError(
                f"The identity name '{name[:60]}' is invalid: 3 to 128 letters, digits, '-' or '_', "
                "starting with a letter or digit.",
                code="InvalidResourceName",
                target="name",
            )
        stored, rg = await find_group(self._resources, subscription, group)
        resource_id = identity_id(stored.id, rg.name, name)
        existing = await self._provider.store.managed_identity_by_resource_id(resource_id)
        if existing is not None:
            return UserAssignedIdentity(existing.resource_id, existing.name, rg.location, existing), False
        identity = await self._provider.directory.create_managed_identity(
            stored.tenant_id, ManagedIdentityKind.USER_ASSIGNED, resource_id, name
        )
        self._gate.wrote()
        return UserAssignedIdentity(resource_id, name, rg.location, identity), True

    async def get(self, caller: Caller, subscription: str, group: str, name: str) -> UserAssignedIdentity:
        """One user-assigned identity (`userAssignedIdentities/read`)."""
        resource_id = identity_id(subscription, group, name)
        self._gate.authorize(caller, f"{_TYPE}/read", resource_id)
        _, rg = await find_group(self._resources, subscription, group)
        identity = await self._provider.store.managed_identity_by_resource_id(resource_id)
        if identity is None or identity.kind is not ManagedIdentityKind.USER_ASSIGNED:
            raise NotFoundError(
                f"The Resource '{_TYPE}/{name[:60]}' under resource group '{group[:90]}' was not found."
            )
        return UserAssignedIdentity(identity.resource_id, identity.name, rg.location, identity)

    async def of_subscription(
        self, caller: Caller, subscription: str, group: str | None
    ) -> list[UserAssignedIdentity]:
        """The user-assigned identities of a subscription or resource group the caller may read."""
        try:
            found = await find_subscription(self._resources, subscription)
        except NotFoundError:
            return []
        locations = {g.name.lower(): g.location for g in await self._resources.list_resource_groups(found.id)}
        result = []
        for identity in await self._all(found.tenant_id):
            parts = identity.resource_id.split("/")
            if len(parts) < 5 or not same(parts[2], found.id):  # noqa: PLR2004 - /subscriptions/{s}/resourceGroups/{g}
                continue
            if group is not None and not same(parts[4], group):
                continue
            if self._gate.allows(caller, f"{_TYPE}/read", identity.resource_id):
                location = locations.get(parts[4].lower(), "")
                result.append(UserAssignedIdentity(identity.resource_id, identity.name, location, identity))
        return sorted(result, key=lambda i: i.resource_id.lower())

    async def delete(self, caller: Caller, subscription: str, group: str, name: str) -> bool:
        """Delete a user-assigned identity and its service principal (`userAssignedIdentities/delete`)."""
        resource_id = identity_id(subscription, group, name)
        self._gate.authorize(caller, f"{_TYPE}/delete", resource_id)
        identity = await self._provider.store.managed_identity_by_resource_id(resource_id)
        if identity is None or identity.kind is not ManagedIdentityKind.USER_ASSIGNED:
            return False
        await self._provider.store.delete_managed_identity(identity.principal_id)
        self._gate.wrote()
        return True

    # -- for registries and explanations -------------------------------------------------------------

    async def user_assigned(self, resource_id: str) -> ManagedIdentity | None:
        """A user-assigned identity by ARM id."""
        identity = await self._provider.store.managed_identity_by_resource_id(resource_id)
        return identity if identity and identity.kind is ManagedIdentityKind.USER_ASSIGNED else None

    async def managed(self, principal_id: str) -> ManagedIdentity | None:
        """A managed identity by principal id."""
        return await self._provider.store.get_managed_identity(principal_id)

    async def create_system_assigned(self, registry: RegistryResource) -> str:
        """A new system-assigned identity for `registry`; its principal id."""
        subscription = await find_subscription(self._resources, registry.subscription_id)
        identity = await self._provider.directory.create_managed_identity(
            subscription.tenant_id, ManagedIdentityKind.SYSTEM_ASSIGNED, registry.resource_id, registry.name
        )
        return identity.principal_id

    async def delete_system_assigned(self, principal_id: str) -> None:
        """Remove a registry's system-assigned identity."""
        await self._provider.store.delete_managed_identity(principal_id)

    async def principal(self, object_id: str) -> Principal | None:
        """The engine's principal for a directory object id (user, group or service principal)."""
        store = self._provider.store
        groups = await store.groups_of(object_id)
        user = await store.get_user(object_id)
        if user is not None:
            return Principal.user(user.id, tenant_id=user.tenant_id, group_ids=groups)
        sp = await store.get_service_principal(object_id)
        if sp is not None:
            if sp.kind is ServicePrincipalKind.MANAGED_IDENTITY:
                return Principal.managed_identity(sp.id, tenant_id=sp.tenant_id, group_ids=groups)
            return Principal.service_principal(sp.id, tenant_id=sp.tenant_id, group_ids=groups)
        group = await store.get_group(object_id)
        if group is not None:
            return Principal.group(group.id, tenant_id=group.tenant_id)
        return None
