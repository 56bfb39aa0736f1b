"""ARM's objects: subscriptions, resource groups, registries, role assignments."""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from cerulean.arm.models import RegistryResource, ResourceGroup, StoredRoleAssignment, Subscription
from cerulean.db.stores.base import StoreBase
from cerulean.db.stores.policy import policy_write
from cerulean.db.tables import RegistryResourceRow, ResourceGroupRow, RoleAssignmentRow, SubscriptionRow

__all__ = ["SqlResourceStore"]


class SqlResourceStore(StoreBase):
    """`ResourceStore` on SQLAlchemy Core."""

    async def add_subscription(self, subscription: Subscription) -> None:
        """Create a subscription."""
        async with policy_write(self._db) as conn:
            await conn.execute(
                insert(SubscriptionRow).values(
                    id=subscription.id,
                    tenant_id=subscription.tenant_id,
                    display_name=subscription.display_name,
                    created_at=subscription.created_at,
                )
            )

    async def list_subscriptions(self) -> list[Subscription]:
        """Every subscription, oldest first."""
        query = select(SubscriptionRow).order_by(SubscriptionRow.created_at, SubscriptionRow.id)
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [Subscription(r.id, r.tenant_id, r.display_name, r.created_at) for r in rows]

    async def add_resource_group(self, group: ResourceGroup) -> None:
        """Create a resource group."""
        async with policy_write(self._db) as conn:
            await conn.execute(
                insert(ResourceGroupRow).values(
                    subscription_id=group.subscription_id,
                    name=group.name,
                    location=group.location,
                    created_at=group.created_at,
                )
            )

    async def list_resource_groups(self, subscription_id: str) -> list[ResourceGroup]:
        """A subscription's resource groups, by name."""
        query = (
            select(ResourceGroupRow)
            .where(ResourceGroupRow.subscription_id == subscription_id)
            .order_by(ResourceGroupRow.name)
        )
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [ResourceGroup(r.subscription_id, r.name, r.location, r.created_at) for r in rows]

    async def add_registry(self, registry: RegistryResource) -> None:
        """Create a registry resource."""
        r = registry
        async with policy_write(self._db) as conn:
            await conn.execute(
                insert(RegistryResourceRow).values(
                    name=r.name,
                    subscription_id=r.subscription_id,
                    resource_group=r.resource_group,
                    location=r.location,
                    sku=r.sku,
                    login_server=r.login_server,
                    admin_user_enabled=r.admin_user_enabled,
                    anonymous_pull_enabled=r.anonymous_pull_enabled,
                    permission_mode=r.permission_mode,
                    arm_audience_enabled=r.arm_audience_enabled,
                    created_at=r.created_at,
                )
            )

    async def update_registry(self, registry: RegistryResource) -> None:
        """Replace a registry's settings."""
        r = registry
        async with policy_write(self._db) as conn:
            await conn.execute(
                update(RegistryResourceRow)
                .where(RegistryResourceRow.name == r.name)
                .values(
                    sku=r.sku,
                    login_server=r.login_server,
                    admin_user_enabled=r.admin_user_enabled,
                    anonymous_pull_enabled=r.anonymous_pull_enabled,
                    permission_mode=r.permission_mode,
                    arm_audience_enabled=r.arm_audience_enabled,
                )
            )

    async def list_registries(self) -> list[RegistryResource]:
        """Every registry, by name."""
        async with self._db.read() as conn:
            rows = (await conn.execute(select(RegistryResourceRow).order_by(RegistryResourceRow.name))).all()
        return [
            RegistryResource(
                r.subscription_id,
                r.resource_group,
                r.name,
                r.location,
                r.sku,
                r.login_server,
                bool(r.admin_user_enabled),
                bool(r.anonymous_pull_enabled),
                r.permission_mode,
                r.created_at,
                bool(r.arm_audience_enabled),
            )
            for r in rows
        ]

    async def add_role_assignment(self, assignment: StoredRoleAssignment) -> None:
        """Store a role assignment."""
        a = assignment
        async with policy_write(self._db) as conn:
            await conn.execute(
                insert(RoleAssignmentRow).values(
                    id=a.id,
                    scope=a.scope,
                    role_definition_id=a.role_definition_id,
                    principal_id=a.principal_id,
                    principal_type=a.principal_type,
                    condition=a.condition,
                    condition_version=a.condition_version,
                    description=a.description,
                    created_at=a.created_at,
                )
            )

    async def list_role_assignments(self) -> list[StoredRoleAssignment]:
        """Every role assignment."""
        query = select(RoleAssignmentRow).order_by(RoleAssignmentRow.created_at, RoleAssignmentRow.id)
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [
            StoredRoleAssignment(
                r.id,
                r.scope,
                r.role_definition_id,
                r.principal_id,
                r.principal_type,
                r.condition,
                r.condition_version,
                r.description,
                r.created_at,
            )
            for r in rows
        ]

    async def delete_role_assignment(self, assignment_id: str) -> bool:
        """Delete a role assignment."""
        async with policy_write(self._db) as conn:
            result = await conn.execute(
                delete(RoleAssignmentRow).where(RoleAssignmentRow.id == assignment_id.lower())
            )
            return bool(result.rowcount)
