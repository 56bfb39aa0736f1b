"""Private endpoint connections, on SQLite and on PostgreSQL: writes bump the policy version."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import AsyncIterator

import pytest

from cerulean.arm import RegistryResource, ResourceConflictError, ResourceGroup, Subscription
from cerulean.db import (
    Database,
    SqlCredentialStore,
    SqlDirectoryStore,
    SqlPrivateEndpointStore,
    SqlResourceStore,
    migrate,
)
from cerulean.identity.models import Tenant, new_id
from cerulean.network import ConnectionStatus, PrivateEndpointConnection

pytestmark = pytest.mark.anyio

T0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
PE = "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/privateEndpoints/"


@pytest.fixture
async def stores(
    database_url: str,
) -> AsyncIterator[tuple[SqlPrivateEndpointStore, SqlResourceStore, Database]]:
    database = Database(database_url)
    await migrate(database)
    try:
        tenant = Tenant(new_id(), "Contoso", "contoso.test", T0)
        await SqlDirectoryStore(database).add_tenant(tenant)
        resources = SqlResourceStore(database)
        subscription = new_id()
        await resources.add_subscription(Subscription(subscription, tenant.id, "dev", T0))
        await resources.add_resource_group(ResourceGroup(subscription, "rg", "local", T0))
        for name in ("Registry1", "registry2"):
            await resources.add_registry(
                RegistryResource(
                    subscription,
                    "rg",
                    name,
                    "local",
                    "Premium",
                    f"{name}.test",
                    False,
                    False,
                    "LegacyRegistryPermissions",
                    T0,
                )
            )
        yield SqlPrivateEndpointStore(database), resources, database
    finally:
        await database.dispose()


def connection(registry: str, name: str, status: ConnectionStatus = ConnectionStatus.PENDING):
    return PrivateEndpointConnection(registry, name, PE + name, status, "Awaiting approval", "None", T0)


async def test_put_list_replace_delete(stores):
    store, _, database = stores
    versions = SqlCredentialStore(database)
    before = await versions.policy_version()
    await store.put_private_endpoint_connection(connection("Registry1", "b"))
    await store.put_private_endpoint_connection(connection("Registry1", "a", ConnectionStatus.APPROVED))
    await store.put_private_endpoint_connection(connection("registry2", "c"))
    assert await versions.policy_version() == before + 3
    assert [c.name for c in await store.private_endpoint_connections("registry1")] == ["a", "b"]
    assert len(await store.private_endpoint_connections()) == 3
    found = (await store.private_endpoint_connections("REGISTRY1"))[0]
    assert found == connection("Registry1", "a", ConnectionStatus.APPROVED)
    assert found.created_at == T0

    approved = dataclasses.replace(
        connection("Registry1", "b"), status=ConnectionStatus.APPROVED, description="ok"
    )
    await store.put_private_endpoint_connection(approved)
    assert (await store.private_endpoint_connections("Registry1"))[1] == approved

    assert await store.delete_private_endpoint_connection("registry1", "B")
    assert not await store.delete_private_endpoint_connection("registry1", "B")
    assert [c.name for c in await store.private_endpoint_connections("Registry1")] == ["a"]


async def test_connections_need_their_registry_and_go_with_it(stores):
    store, resources, _ = stores
    with pytest.raises(ResourceConflictError):
        await store.put_private_endpoint_connection(connection("nosuchregistry", "x"))
    await store.put_private_endpoint_connection(connection("registry2", "x"))
    assert await resources.delete_registry("registry2")
    assert await store.private_endpoint_connections("registry2") == []
