"""Finding ARM resources by path, with ARM's 404s: subscriptions, resource groups, registries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from cerulean.management.errors import NotFoundError
from cerulean.management.gate import same

if TYPE_CHECKING:
    from cerulean.arm.interfaces import ResourceStore
    from cerulean.arm.models import RegistryResource, ResourceGroup, Subscription

__all__ = ["find_group", "find_registry", "find_subscription", "registry_id"]

_REGISTRIES: Final = "Microsoft.ContainerRegistry/registries"


def registry_id(subscription: str, group: str, name: str) -> str:
    """A registry's ARM id."""
    return f"/subscriptions/{subscription}/resourceGroups/{group}/providers/{_REGISTRIES}/{name}"


async def find_subscription(resources: ResourceStore, subscription_id: str) -> Subscription:
    """A subscription by id, or 404 ``SubscriptionNotFound``."""
    for subscription in await resources.list_subscriptions():
        if same(subscription.id, subscription_id):
            return subscription
    raise NotFoundError(
        f"The subscription '{subscription_id[:60]}' could not be found.", code="SubscriptionNotFound"
    )


async def find_group(
    resources: ResourceStore, subscription_id: str, name: str
) -> tuple[Subscription, ResourceGroup]:
    """A resource group and its subscription as stored, or 404 (subscription or group not found)."""
    subscription = await find_subscription(resources, subscription_id)
    for group in await resources.list_resource_groups(subscription.id):
        if same(group.name, name):
            return subscription, group
    raise NotFoundError(f"Resource group '{name[:90]}' could not be found.", code="ResourceGroupNotFound")


async def find_registry(
    resources: ResourceStore, subscription: str, group: str, name: str
) -> RegistryResource:
    """The registry at that path, or 404 ``ResourceNotFound`` as ARM words it."""
    for registry in await resources.list_registries():
        if (
            same(registry.subscription_id, subscription)
            and same(registry.resource_group, group)
            and same(registry.name, name)
        ):
            return registry
    raise NotFoundError(
        f"The Resource '{_REGISTRIES}/{name[:60]}' under resource group '{group[:90]}' was not found. "
        "For more details please go to https://aka.ms/ARMResourceNotFoundFix"
    )
