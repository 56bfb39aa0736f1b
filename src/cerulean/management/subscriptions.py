"""Subscriptions, tenants, resource groups and the generic resource listing (`Microsoft.Resources`).

A subscription is listed to a caller who holds any role assignment reaching into it (at it, above it
or on something in it), as Azure lists them; a tenant to a caller whose home it is or who sees one of
its subscriptions. Deleting a resource group deletes what is in it, as ARM does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.access.scopes import parse_scope
from cerulean.arm.errors import ResourceConflictError
from cerulean.arm.models import ResourceGroup
from cerulean.management.errors import BadRequestError, ConflictError, NotFoundError
from cerulean.management.gate import same
from cerulean.management.lookups import find_group, find_subscription

if TYPE_CHECKING:
    from cerulean.arm.interfaces import ResourceStore
    from cerulean.arm.models import Subscription, Tags
    from cerulean.core.clock import Clock
    from cerulean.identity import IdentityProvider
    from cerulean.identity.models import Tenant
    from cerulean.management.gate import Caller, Gate
    from cerulean.management.identities import Identities
    from cerulean.management.registries import Registries

__all__ = ["GenericResource", "Subscriptions"]

_GROUPS: Final = "Microsoft.Resources/subscriptions/resourceGroups"
_GROUP_NAME: Final = re.compile(r"^[-\w._()]{1,90}$")
_REGISTRY_TYPE: Final = "Microsoft.ContainerRegistry/registries"
_IDENTITY_TYPE: Final = "Microsoft.ManagedIdentity/userAssignedIdentities"


@dataclass(frozen=True, slots=True)
class GenericResource:
    """One row of `/subscriptions/{s}/resources`."""

    id: str
    name: str
    type: str
    location: str
    tags: Tags


class Subscriptions:
    """What lies above the resources: subscriptions, tenants, resource groups."""

    def __init__(  # noqa: PLR0917 - the services a resource group touches
        self,
        gate: Gate,
        resources: ResourceStore,
        provider: IdentityProvider,
        registries: Registries,
        identities: Identities,
        clock: Clock,
    ) -> None:
        self._gate = gate
        self._resources = resources
        self._provider = provider
        self._registries = registries
        self._identities = identities
        self._clock = clock

    def _reaches(self, caller: Caller, subscription: Subscription) -> bool:
        snapshot = caller.view.snapshot
        target = parse_scope(subscription.resource_id)
        ids = set(snapshot.principal_ids(caller.principal))
        for compiled in snapshot.assignments:
            assignment = compiled.assignment
            if assignment.principal_id not in ids:
                continue
            if snapshot.hierarchy.contains(assignment.scope, target) or snapshot.hierarchy.contains(
                target, assignment.scope
            ):
                return True
        return False

    async def subscriptions(self, caller: Caller) -> list[Subscription]:
        """The subscriptions the caller has any role assignment reaching into."""
        return [s for s in await self._resources.list_subscriptions() if self._reaches(caller, s)]

    async def subscription(self, caller: Caller, subscription_id: str) -> Subscription:
        """One subscription, if the caller sees it (else 404, as ARM answers)."""
        for found in await self.subscriptions(caller):
            if same(found.id, subscription_id):
                return found
        raise NotFoundError(
            f"The subscription '{subscription_id[:60]}' could not be found.", code="SubscriptionNotFound"
        )

    async def tenants(self, caller: Caller) -> list[Tenant]:
        """The caller's home tenant and the tenants of the subscriptions it sees."""
        wanted = {caller.principal.tenant_id.lower()}
        wanted |= {s.tenant_id.lower() for s in await self.subscriptions(caller)}
        return [t for t in await self._provider.store.list_tenants() if t.id.lower() in wanted]

    # -- resource groups ----------------------------------------------------------------------------

    async def _group(self, subscription: Subscription, name: str) -> ResourceGroup | None:
        return next(
            (g for g in await self._resources.list_resource_groups(subscription.id) if same(g.name, name)),
            None,
        )

    async def group(self, caller: Caller, subscription_id: str, name: str) -> ResourceGroup:
        """One resource group (`resourceGroups/read`)."""
        self._gate.authorize(
            caller, f"{_GROUPS}/read", f"/subscriptions/{subscription_id}/resourceGroups/{name}"
        )
        _, found = await find_group(self._resources, subscription_id, name)
        return found

    async def groups(self, caller: Caller, subscription_id: str) -> list[ResourceGroup]:
        """The resource groups of a subscription the caller may read."""
        subscription = await find_subscription(self._resources, subscription_id)
        return [
            g
            for g in await self._resources.list_resource_groups(subscription.id)
            if self._gate.allows(caller, f"{_GROUPS}/read", g.resource_id)
        ]

    async def put_group(
        self, caller: Caller, subscription_id: str, name: str, location: str | None, tags: Tags | None
    ) -> tuple[ResourceGroup, bool]:
        """Create a resource group or replace its tags (`resourceGroups/write`); True if created."""
        self._gate.authorize(
            caller, f"{_GROUPS}/write", f"/subscriptions/{subscription_id}/resourceGroups/{name}"
        )
        if not _GROUP_NAME.fullmatch(name) or name.endswith("."):
            raise BadRequestError(
                f"The resource group name '{name[:90]}' is invalid: 1 to 90 letters, digits, '-', '_', '.', "
                "'(' or ')', not ending in '.'.",
                code="InvalidResourceGroupName",
                target="name",
            )
        subscription = await find_subscription(self._resources, subscription_id)
        existing = await self._group(subscription, name)
        if existing is not None:
            if location and not same(location, existing.location):
                raise ConflictError(
                    f"Invalid resource group location '{location[:40]}'. "
                    f"The resource group '{existing.name}' "
                    f"already exists in location '{existing.location}'.",
                    code="InvalidResourceGroupLocation",
                )
            if tags is None:
                return existing, False
            updated = ResourceGroup(existing.subscription_id, existing.name, existing.location,
                                    existing.created_at, tags)  # fmt: skip
            await self._resources.update_resource_group(updated)
            return updated, False
        if not location:
            raise BadRequestError("The 'location' of a new resource group is required.",
                                  code="LocationRequired", target="location")  # fmt: skip
        group = ResourceGroup(subscription.id, name, location, self._clock.now(), tags or ())
        try:
            await self._resources.add_resource_group(group)
        except ResourceConflictError:
            raise ConflictError(f"The resource group '{name}' exists already.", code="Conflict") from None
        return group, True

    async def delete_group(self, caller: Caller, subscription_id: str, name: str) -> bool:
        """Delete a resource group and every resource in it (`resourceGroups/delete`)."""
        self._gate.authorize(
            caller, f"{_GROUPS}/delete", f"/subscriptions/{subscription_id}/resourceGroups/{name}"
        )
        subscription = await find_subscription(self._resources, subscription_id)
        group = await self._group(subscription, name)
        if group is None:
            return False
        for registry in await self._resources.list_registries():
            if same(registry.subscription_id, subscription.id) and same(registry.resource_group, group.name):
                await self._registries.remove(registry)
        for identity in await self._identities.of_subscription(caller, subscription.id, group.name):
            await self._identities.delete(caller, subscription.id, group.name, identity.name)
        try:
            deleted = await self._resources.delete_resource_group(subscription.id, group.name)
        except ResourceConflictError:
            raise ConflictError(f"The resource group '{name}' is not empty.", code="Conflict") from None
        self._gate.wrote()
        return deleted

    # -- every resource -------------------------------------------------------------------------------

    async def resources(
        self, caller: Caller, subscription_id: str, resource_type: str | None, group: str | None = None
    ) -> list[GenericResource]:
        """Registries and user-assigned identities the caller may read, optionally of one type."""
        subscription = await find_subscription(self._resources, subscription_id)
        found: list[GenericResource] = []
        if resource_type is None or same(resource_type, _REGISTRY_TYPE):
            found.extend(
                GenericResource(r.resource_id, r.name, _REGISTRY_TYPE, r.location, r.tags)
                for r in await self._registries.of_subscription(caller, subscription.id, group)
            )
        if resource_type is None or same(resource_type, _IDENTITY_TYPE):
            found.extend(
                GenericResource(i.resource_id, i.name, _IDENTITY_TYPE, i.location, ())
                for i in await self._identities.of_subscription(caller, subscription.id, group)
            )
        return found
