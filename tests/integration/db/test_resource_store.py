"""The ARM resource store, on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator

import pytest

from cerulean.arm import (
    RegistryPolicies,
    RegistryResource,
    ResourceConflictError,
    ResourceGroup,
    StoredRoleAssignment,
    StoredRoleDefinition,
    Subscription,
)
from cerulean.auth.models import StoredScopeMap, StoredToken, TokenState
from cerulean.db import Database, SqlCredentialStore, SqlDirectoryStore, SqlResourceStore, migrate
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


async def test_registry_settings_round_trip(resources: SqlResourceStore) -> None:
    subscription = Subscription(new_id(), TENANT.id, "Main", T0)
    await resources.add_subscription(subscription)
    await resources.add_resource_group(ResourceGroup(subscription.id, "rg", "local", T0, (("env", "prod"),)))
    assert (await resources.list_resource_groups(subscription.id))[0].tags == (("env", "prod"),)
    stored = dataclasses.replace(
        registry(subscription.id, "alpha"),
        tags=(("team", "a"), ("cost", "1")),
        public_network_access=False,
        network_default_action="Deny",
        ip_rules=("10.0.0.0/8", "192.0.2.7"),
        bypass_azure_services=False,
        bypass_for_tasks=True,
        data_endpoint_enabled=True,
        system_identity_id=new_id(),
        user_assigned_identities=("/subscriptions/s/resourceGroups/rg/providers/x/y/id1",),
    )
    await resources.add_registry(stored)
    assert await resources.list_registries() == [stored]
    changed = dataclasses.replace(stored, ip_rules=(), network_default_action="Allow", tags=())
    await resources.update_registry(changed)
    assert await resources.list_registries() == [changed]


async def test_registry_policies_round_trip(resources: SqlResourceStore) -> None:
    subscription = Subscription(new_id(), TENANT.id, "Main", T0)
    await resources.add_subscription(subscription)
    await resources.add_resource_group(ResourceGroup(subscription.id, "rg", "local", T0))
    stored = registry(subscription.id, "alpha")
    await resources.add_registry(stored)
    assert (await resources.list_registries())[0].policies == RegistryPolicies()  # ACR's defaults
    later = T0 + dt.timedelta(hours=1)
    changed = dataclasses.replace(
        stored,
        policies=RegistryPolicies(
            quarantine_enabled=True, trust_enabled=True, retention_enabled=True, retention_days=30,
            retention_updated_at=later, export_enabled=False, soft_delete_enabled=True, soft_delete_days=90,
            soft_delete_updated_at=later,
        ),
    )  # fmt: skip
    await resources.update_registry(changed)
    assert await resources.list_registries() == [changed]


async def test_deleting_a_registry_takes_its_credentials_and_assignments(
    resources: SqlResourceStore, database_url: str
) -> None:
    subscription = Subscription(new_id(), TENANT.id, "Main", T0)
    await resources.add_subscription(subscription)
    await resources.add_resource_group(ResourceGroup(subscription.id, "rg", "local", T0))
    gone, kept = registry(subscription.id, "alpha"), registry(subscription.id, "alphabet")
    for r in (gone, kept):
        await resources.add_registry(r)
    at, below, sibling = (
        dataclasses.replace(assignment(T0), scope=gone.resource_id.upper()),
        dataclasses.replace(assignment(T0), scope=gone.resource_id + "/repositories/app"),
        dataclasses.replace(assignment(T0), scope=kept.resource_id),
    )
    for a in (at, below, sibling):
        await resources.add_role_assignment(a)
    database = Database(database_url)
    credentials = SqlCredentialStore(database)
    try:
        for name in ("alpha", "alphabet"):
            await credentials.put_scope_map(
                StoredScopeMap(name, "map", "", ("repositories/*/content/read",), T0)
            )
            await credentials.put_token(StoredToken(name, "tok", "map", TokenState.ENABLED, T0))
        assert await resources.delete_registry("ALPHA") is True
        assert await resources.delete_registry("alpha") is False
        assert [r.name for r in await resources.list_registries()] == ["alphabet"]
        assert await resources.list_role_assignments() == [sibling]
        assert [(m.registry, m.name) for m in await credentials.scope_maps()] == [("alphabet", "map")]
        assert [(t.registry, t.name) for t in await credentials.tokens()] == [("alphabet", "tok")]
    finally:
        await database.dispose()


async def test_a_resource_group_with_registries_is_not_deleted(resources: SqlResourceStore) -> None:
    subscription = Subscription(new_id(), TENANT.id, "Main", T0)
    await resources.add_subscription(subscription)
    await resources.add_resource_group(ResourceGroup(subscription.id, "rg", "local", T0))
    await resources.add_resource_group(ResourceGroup(subscription.id, "empty", "local", T0))
    await resources.add_registry(registry(subscription.id, "alpha"))
    with pytest.raises(ResourceConflictError):
        await resources.delete_resource_group(subscription.id, "rg")
    assert await resources.delete_resource_group(subscription.id, "empty") is True
    assert await resources.delete_resource_group(subscription.id, "empty") is False
    assert [g.name for g in await resources.list_resource_groups(subscription.id)] == ["rg"]


async def test_custom_role_definitions(resources: SqlResourceStore) -> None:
    role_id = new_id()
    first = StoredRoleDefinition(role_id, '{"properties": {"roleName": "Pusher"}}', T0)
    await resources.put_role_definition(first, "Pusher")
    replaced = dataclasses.replace(first, document='{"properties": {"roleName": "Pusher 2"}}')
    await resources.put_role_definition(replaced, "Pusher 2")
    assert await resources.list_role_definitions() == [replaced]
    with pytest.raises(ResourceConflictError):  # role names are unique
        await resources.put_role_definition(StoredRoleDefinition(new_id(), "{}", T0), "Pusher 2")
    assert await resources.delete_role_definition(role_id.upper()) is True
    assert await resources.delete_role_definition(role_id) is False
    assert await resources.list_role_definitions() == []
