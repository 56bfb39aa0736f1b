"""ARM objects written straight into a database, for store and start-up tests."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import insert

from cerulean.arm import RegistryResource, ResourceGroup, Subscription
from cerulean.db import Database, SqlResourceStore
from cerulean.db.tables import TenantRow

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


async def add_registries(database: Database, *names: str) -> None:
    """A tenant, subscription and resource group holding registries `names`, created a minute apart."""
    tenant = str(uuid.uuid4())
    async with database.write() as conn:
        await conn.execute(
            insert(TenantRow).values(id=tenant, display_name="t", default_domain="t.local", created_at=T0)
        )
    resources = SqlResourceStore(database)
    subscription = Subscription(str(uuid.uuid4()), tenant, "s", T0)
    await resources.add_subscription(subscription)
    await resources.add_resource_group(ResourceGroup(subscription.id, "rg", "local", T0))
    for minutes, name in enumerate(names):
        await resources.add_registry(
            RegistryResource(
                subscription.id, "rg", name, "local", "Premium", f"{name}.localhost",
                admin_user_enabled=False, anonymous_pull_enabled=False,
                permission_mode="LegacyRegistryPermissions", created_at=T0 + dt.timedelta(minutes=minutes),
            )
        )  # fmt: skip
