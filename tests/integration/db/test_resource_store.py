"""The ARM resource store, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from cerulean.arm import (
    RegistryResource,
    ResourceConflictError,
    ResourceGroup,
    StoredRoleAssignment,
    Subscription,
)
from cerulean.db import Database, SqlDirectoryStore, SqlResourceStore, migrate
from cerulean.identity.models import Tenant, new_id

pytestmark = pytest.mark.anyio

T0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
TENANT = Tenant(new_id(), "Contoso", "contoso.test", T0)


@pytest.fixture
async def resources(database_url: str) -> AsyncIterator[SqlResourceStore]:
    database = Database(database_url)
    await migrate(database)
    try:
        # Subscriptions belong to a tenant (a foreign key), so the directory holds one first.
        await SqlDirectoryStore(database).add_tenant(TENANT)
        yield SqlResourceStore(database)
    finally:
        await database.dispose()


def registry(subscription_id: str, name: str, group: str = "rg") -> RegistryResource:
    return RegistryResource(
        subscription_id,
        group,
        name,
        "local",
        "Premium",
        f"{name}.127.0.0.1.nip.io:5000",
        admin_user_enabled=name.startswith("a"),
        anonymous_pull_enabled=True,
        permission_mode="AbacRepositoryPermissions",
        created_at=T0,
    )


def assignment(created_at: dt.datetime, condition: str | None = None) -> StoredRoleAssignment:
    return StoredRoleAssignment(
        new_id(),
        "/subscriptions/s",
        "7f951dda-4ed3-4680-a7ca-43fe172d538d",
        new_id(),
        "User",
        condition,
        None if condition is None else "2.0",
        "",
        created_at,
    )


async def test_subscriptions_oldest_first(resources: SqlResourceStore) -> None:
    assert await resources.list_subscriptions() == []
    later = Subscription(new_id(), TENANT.id, "Later", T0 + dt.timedelta(days=1))
    first = Subscription(new_id(), TENANT.id, "First", T0)
    await resources.add_subscription(later)
    await resources.add_subscription(first)
    assert await resources.list_subscriptions() == [first, later]
    assert first.resource_id == f"/subscriptions/{first.id}"


async def test_resource_groups_by_name_per_subscription(resources: SqlResourceStore) -> None:
    one, two = (Subscription(new_id(), TENANT.id, name, T0) for name in ("one", "two"))
    for subscription in (one, two):
        await resources.add_subscription(subscription)
    groups = [ResourceGroup(one.id, name, "local", T0) for name in ("web", "data")]
    for group in groups:
        await resources.add_resource_group(group)
    await resources.add_resource_group(ResourceGroup(two.id, "web", "local", T0))  # same name, other sub
    assert await resources.list_resource_groups(one.id) == sorted(groups, key=lambda g: g.name)
    assert [g.name for g in await resources.list_resource_groups(two.id)] == ["web"]
    assert await resources.list_resource_groups(new_id()) == []


async def test_registries_by_name(resources: SqlResourceStore) -> None:
    subscription = Subscription(new_id(), TENANT.id, "Main", T0)
    await resources.add_subscription(subscription)
    await resources.add_resource_group(ResourceGroup(subscription.id, "rg", "local", T0))
    stored = [registry(subscription.id, name) for name in ("zeta", "alpha")]
    for r in stored:
        await resources.add_registry(r)
    listed = await resources.list_registries()
    assert listed == sorted(stored, key=lambda r: r.name)
    assert (listed[0].admin_user_enabled, listed[1].admin_user_enabled) == (True, False)
    assert listed[0].resource_id == (
        f"/subscriptions/{subscription.id}/resourceGroups/rg"
        "/providers/Microsoft.ContainerRegistry/registries/alpha"
    )


async def test_role_assignments_keep_their_conditions(resources: SqlResourceStore) -> None:
    assert await resources.list_role_assignments() == []
    condition = (
        "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}))"
        " OR (@Resource[Microsoft.ContainerRegistry/registries/repositories:name] StringStartsWith 'team/'))"
    )
    later = assignment(T0 + dt.timedelta(minutes=1), condition)
    first = assignment(T0)
    await resources.add_role_assignment(later)
    await resources.add_role_assignment(first)
    assert await resources.list_role_assignments() == [first, later]


async def test_duplicates_and_orphans_are_conflicts(resources: SqlResourceStore) -> None:
    subscription = Subscription(new_id(), TENANT.id, "Main", T0)
    await resources.add_subscription(subscription)
    with pytest.raises(ResourceConflictError):
        await resources.add_subscription(subscription)
    with pytest.raises(ResourceConflictError):
        await resources.add_resource_group(ResourceGroup(new_id(), "no-such-subscription", "local", T0))
    await resources.add_resource_group(ResourceGroup(subscription.id, "rg", "local", T0))
    with pytest.raises(ResourceConflictError):
        await resources.add_registry(registry(subscription.id, "orphan", group="missing"))
    await resources.add_registry(registry(subscription.id, "taken"))
    with pytest.raises(ResourceConflictError) as raised:
        await resources.add_registry(registry(subscription.id, "taken"))
    assert raised.value.__cause__ is not None
    assert [r.name for r in await resources.list_registries()] == ["taken"]
