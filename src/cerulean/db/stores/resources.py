"""ARM's objects: subscriptions, resource groups, registries, custom roles, role assignments."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, or_, select, update

from cerulean.arm.models import (
    RegistryPolicies,
    RegistryResource,
    ResourceGroup,
    StoredRoleAssignment,
    StoredRoleDefinition,
    Subscription,
    Tags,
)
from cerulean.db.stores.base import StoreBase
from cerulean.db.stores.policy import policy_write
from cerulean.db.tables import (
    AdminPasswordRow,
    RegistryResourceRow,
    RepositoryRow,
    ResourceGroupRow,
    RoleAssignmentRow,
    RoleDefinitionRow,
    ScopeMapRow,
    SubscriptionRow,
    TokenPasswordRow,
    TokenRow,
    UploadRow,
)

if TYPE_CHECKING:
    from sqlalchemy import Row

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
                    tags=_tags_json(group.tags),
                    created_at=group.created_at,
                )
            )

    async def update_resource_group(self, group: ResourceGroup) -> None:
        """Replace a resource group's tags."""
        async with policy_write(self._db) as conn:
            await conn.execute(
                update(ResourceGroupRow)
                .where(
                    ResourceGroupRow.subscription_id == group.subscription_id,
                    ResourceGroupRow.name == group.name,
                )
                .values(tags=_tags_json(group.tags))
            )

    async def delete_resource_group(self, subscription_id: str, name: str) -> bool:
        """Delete an empty resource group (`ResourceConflictError` while registries are in it)."""
        async with policy_write(self._db) as conn:
            result = await conn.execute(
                delete(ResourceGroupRow).where(
                    ResourceGroupRow.subscription_id == subscription_id, ResourceGroupRow.name == name
                )
            )
            return bool(result.rowcount)

    async def list_resource_groups(self, subscription_id: str) -> list[ResourceGroup]:
        """A subscription's resource groups, by name."""
        query = (
            select(ResourceGroupRow)
            .where(ResourceGroupRow.subscription_id == subscription_id)
            .order_by(ResourceGroupRow.name)
        )
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [
            ResourceGroup(r.subscription_id, r.name, r.location, r.created_at, _tags(r.tags)) for r in rows
        ]

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
                    created_at=r.created_at,
                    **_registry_settings(r),
                )
            )

    async def update_registry(self, registry: RegistryResource) -> None:
        """Replace a registry's settings."""
        r = registry
        async with policy_write(self._db) as conn:
            await conn.execute(
                update(RegistryResourceRow)
                .where(RegistryResourceRow.name == r.name)
                .values(**_registry_settings(r))
            )

    async def delete_registry(self, name: str) -> bool:
        """Delete a registry with its credentials, content and the role assignments at or below its scope."""
        key = name.lower()
        async with policy_write(self._db) as conn:
            row = (
                await conn.execute(
                    select(RegistryResourceRow).where(func.lower(RegistryResourceRow.name) == key)
                )
            ).first()
            if row is None:
                return False
            registry_id = _registry_of(row).resource_id.lower()
            await conn.execute(
                delete(RoleAssignmentRow).where(
                    or_(
                        func.lower(RoleAssignmentRow.scope) == registry_id,
                        func.lower(RoleAssignmentRow.scope).startswith(registry_id + "/", autoescape=True),
                    )
                )
            )
            for table in (TokenPasswordRow, TokenRow, ScopeMapRow, AdminPasswordRow):
                await conn.execute(delete(table).where(func.lower(table.registry_name) == key))
            # Its content too (manifests, tags and blob links go with their repository); blob bytes stay
            # until garbage collection, as for any deleted repository.
            await conn.execute(delete(RepositoryRow).where(RepositoryRow.registry_name == key))
            await conn.execute(delete(UploadRow).where(UploadRow.registry_name == key))
            await conn.execute(delete(RegistryResourceRow).where(RegistryResourceRow.name == row.name))
            return True

    async def list_registries(self) -> list[RegistryResource]:
        """Every registry, by name."""
        async with self._db.read() as conn:
            rows = (await conn.execute(select(RegistryResourceRow).order_by(RegistryResourceRow.name))).all()
        return [_registry_of(r) for r in rows]

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

    async def put_role_definition(self, definition: StoredRoleDefinition, role_name: str) -> None:
        """Create or replace a custom role definition (role names are unique)."""
        async with policy_write(self._db) as conn:
            await conn.execute(delete(RoleDefinitionRow).where(RoleDefinitionRow.id == definition.id))
            await conn.execute(
                insert(RoleDefinitionRow).values(
                    id=definition.id,
                    role_name=role_name,
                    document=definition.document,
                    created_at=definition.created_at,
                )
            )

    async def list_role_definitions(self) -> list[StoredRoleDefinition]:
        """Every custom role definition, oldest first."""
        query = select(RoleDefinitionRow).order_by(RoleDefinitionRow.created_at, RoleDefinitionRow.id)
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [StoredRoleDefinition(r.id, r.document, r.created_at) for r in rows]

    async def delete_role_definition(self, definition_id: str) -> bool:
        """Delete a custom role definition; False if there was none."""
        async with policy_write(self._db) as conn:
            result = await conn.execute(
                delete(RoleDefinitionRow).where(RoleDefinitionRow.id == definition_id.lower())
            )
            return bool(result.rowcount)


def _tags_json(tags: Tags) -> str:
    return json.dumps(dict(tags))


def _tags(text: str) -> Tags:
    return tuple((str(k), str(v)) for k, v in json.loads(text or "{}").items())


def _registry_settings(r: RegistryResource) -> dict[str, Any]:
    """The columns a registry update may change."""
    return {
        "sku": r.sku,
        "login_server": r.login_server,
        "admin_user_enabled": r.admin_user_enabled,
        "anonymous_pull_enabled": r.anonymous_pull_enabled,
        "permission_mode": r.permission_mode,
        "arm_audience_enabled": r.arm_audience_enabled,
        "tags": _tags_json(r.tags),
        "public_network_access": r.public_network_access,
        "network_default_action": r.network_default_action,
        "ip_rules": json.dumps(list(r.ip_rules)),
        "bypass_azure_services": r.bypass_azure_services,
        "bypass_for_tasks": r.bypass_for_tasks,
        "data_endpoint_enabled": r.data_endpoint_enabled,
        "system_identity_id": r.system_identity_id,
        "user_assigned_identities": json.dumps(list(r.user_assigned_identities)),
        **_policy_columns(r.policies),
    }


def _policy_columns(p: RegistryPolicies) -> dict[str, Any]:
    return {
        "quarantine_enabled": p.quarantine_enabled,
        "trust_enabled": p.trust_enabled,
        "retention_enabled": p.retention_enabled,
        "retention_days": p.retention_days,
        "retention_updated_at": p.retention_updated_at,
        "export_enabled": p.export_enabled,
        "soft_delete_enabled": p.soft_delete_enabled,
        "soft_delete_days": p.soft_delete_days,
        "soft_delete_updated_at": p.soft_delete_updated_at,
    }


def _policies_of(r: Row[Any]) -> RegistryPolicies:
    return RegistryPolicies(
        quarantine_enabled=bool(r.quarantine_enabled),
        trust_enabled=bool(r.trust_enabled),
        retention_enabled=bool(r.retention_enabled),
        retention_days=int(r.retention_days),
        retention_updated_at=r.retention_updated_at,
        export_enabled=bool(r.export_enabled),
        soft_delete_enabled=bool(r.soft_delete_enabled),
        soft_delete_days=int(r.soft_delete_days),
        soft_delete_updated_at=r.soft_delete_updated_at,
    )


def _registry_of(r: Row[Any]) -> RegistryResource:
    return RegistryResource(
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
        arm_audience_enabled=bool(r.arm_audience_enabled),
        tags=_tags(r.tags),
        public_network_access=bool(r.public_network_access),
        network_default_action=r.network_default_action,
        ip_rules=tuple(json.loads(r.ip_rules or "[]")),
        bypass_azure_services=bool(r.bypass_azure_services),
        bypass_for_tasks=bool(r.bypass_for_tasks),
        data_endpoint_enabled=bool(r.data_endpoint_enabled),
        system_identity_id=r.system_identity_id,
        user_assigned_identities=tuple(json.loads(r.user_assigned_identities or "[]")),
        policies=_policies_of(r),
    )
