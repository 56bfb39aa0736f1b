"""The directory's store: tenants, users, groups, applications, credentials, managed identities, workloads."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update

from cerulean.db.stores.directory_rows import DirectoryRows
from cerulean.db.stores.policy import bump_policy_version
from cerulean.db.tables import (
    DirectoryRoleRow,
    GroupMemberRow,
    GroupRow,
    TenantRow,
    UserRow,
)
from cerulean.identity.models import (
    DirectoryRole,
    Group,
    Tenant,
    User,
)

__all__ = ["DirectoryObjectStore"]


def _tenant(row: Any) -> Tenant:  # noqa: ANN401 - a result row
    return Tenant(row.id, row.display_name, row.default_domain, row.created_at)


def _user(row: Any) -> User:  # noqa: ANN401 - a result row
    return User(
        row.id,
        row.tenant_id,
        row.user_principal_name,
        row.display_name,
        row.password_hash,
        bool(row.enabled),
        row.created_at,
    )


class DirectoryObjectStore(DirectoryRows):
    """Tenants, users, groups and directory roles (`DirectoryStore`, with `ApplicationStore`)."""

    # -- tenants ---------------------------------------------------------------------------------------

    async def add_tenant(self, tenant: Tenant) -> None:
        """Create a tenant."""
        await self._write(
            insert(TenantRow).values(
                id=tenant.id,
                display_name=tenant.display_name,
                default_domain=tenant.default_domain,
                created_at=tenant.created_at,
            ),
            conflict=f"a tenant with domain {tenant.default_domain!r} already exists",
        )

    async def get_tenant(self, tenant_id: str) -> Tenant | None:
        """A tenant by id."""
        row = await self._row(select(TenantRow).where(TenantRow.id == tenant_id.lower()))
        return None if row is None else _tenant(row)

    async def list_tenants(self) -> list[Tenant]:
        """Every tenant, oldest first."""
        return [
            _tenant(r)
            for r in await self._rows(select(TenantRow).order_by(TenantRow.created_at, TenantRow.id))
        ]

    async def tenant_by_domain(self, domain: str) -> Tenant | None:
        """A tenant by its default domain."""
        row = await self._row(select(TenantRow).where(TenantRow.default_domain == domain.lower()))
        return None if row is None else _tenant(row)

    # -- users and groups ------------------------------------------------------------------------------

    async def add_user(self, user: User) -> None:
        """Create a user."""
        await self._write(
            insert(UserRow).values(
                id=user.id,
                tenant_id=user.tenant_id,
                user_principal_name=user.user_principal_name,
                upn_key=user.user_principal_name.lower(),
                display_name=user.display_name,
                password_hash=user.password_hash,
                enabled=user.enabled,
                created_at=user.created_at,
            ),
            conflict="Another object with the same value for property userPrincipalName already exists.",
        )

    async def user_by_name(self, tenant_id: str, user_principal_name: str) -> User | None:
        """A user by UPN, case-insensitively."""
        query = select(UserRow).where(
            UserRow.tenant_id == tenant_id, UserRow.upn_key == user_principal_name.lower()
        )
        row = await self._row(query)
        return None if row is None else _user(row)

    async def get_user(self, object_id: str) -> User | None:
        """A user by object id."""
        row = await self._row(select(UserRow).where(UserRow.id == object_id.lower()))
        return None if row is None else _user(row)

    async def update_user(
        self, object_id: str, *, display_name: str | None, password_hash: str | None, enabled: bool | None
    ) -> User | None:
        """Change a user; None fields stay as they are."""
        values: dict[str, object] = {}
        if display_name is not None:
            values["display_name"] = display_name
        if password_hash is not None:
            values["password_hash"] = password_hash
        if enabled is not None:
            values["enabled"] = enabled
        if values:
            await self._write(update(UserRow).where(UserRow.id == object_id.lower()).values(**values))
        return await self.get_user(object_id)

    async def list_users(self, tenant_id: str) -> list[User]:
        """A tenant's users, by UPN."""
        query = select(UserRow).where(UserRow.tenant_id == tenant_id).order_by(UserRow.upn_key)
        return [_user(r) for r in await self._rows(query)]

    async def add_group(self, group: Group) -> None:
        """Create a group."""
        await self._write(
            insert(GroupRow).values(
                id=group.id,
                tenant_id=group.tenant_id,
                display_name=group.display_name,
                description=group.description,
                created_at=group.created_at,
            )
        )

    async def get_group(self, object_id: str) -> Group | None:
        """A group by object id."""
        row = await self._row(select(GroupRow).where(GroupRow.id == object_id.lower()))
        return (
            None
            if row is None
            else Group(row.id, row.tenant_id, row.display_name, row.description, row.created_at)
        )

    async def list_groups(self, tenant_id: str) -> list[Group]:
        """A tenant's groups, by name."""
        query = (
            select(GroupRow)
            .where(GroupRow.tenant_id == tenant_id)
            .order_by(GroupRow.display_name, GroupRow.id)
        )
        return [
            Group(r.id, r.tenant_id, r.display_name, r.description, r.created_at)
            for r in await self._rows(query)
        ]

    async def add_member(self, group_id: str, member_id: str) -> None:
        """Add a direct member (idempotent)."""
        async with self._db.write() as conn:
            await conn.execute(
                self._insert_ignoring_duplicates(GroupMemberRow).values(
                    group_id=group_id.lower(), member_id=member_id.lower()
                )
            )
            await bump_policy_version(conn)  # group membership feeds role assignments

    async def remove_member(self, group_id: str, member_id: str) -> bool:
        """Remove a direct member."""
        statement = delete(GroupMemberRow).where(
            GroupMemberRow.group_id == group_id.lower(), GroupMemberRow.member_id == member_id.lower()
        )
        async with self._db.write() as conn:
            removed = bool((await conn.execute(statement)).rowcount)
            await bump_policy_version(conn)
            return removed

    async def members_of(self, group_id: str) -> list[str]:
        """A group's direct members."""
        query = select(GroupMemberRow.member_id).where(GroupMemberRow.group_id == group_id.lower())
        return sorted(r.member_id for r in await self._rows(query))

    async def groups_of(self, member_id: str) -> set[str]:
        """Every group `member_id` is in, directly or through nested groups (cycles are harmless)."""
        found: set[str] = set()
        frontier = {member_id.lower()}
        while frontier:
            query = select(GroupMemberRow.group_id).where(GroupMemberRow.member_id.in_(frontier))
            groups = {r.group_id for r in await self._rows(query)} - found
            found |= groups
            frontier = groups
        return found

    async def group_memberships(self) -> dict[str, set[str]]:
        """Every direct membership: member id → the groups it is directly in."""
        found: dict[str, set[str]] = {}
        for r in await self._rows(select(GroupMemberRow.member_id, GroupMemberRow.group_id)):
            found.setdefault(r.member_id, set()).add(r.group_id)
        return found

    async def directory_roles_of(self, principal_ids: set[str]) -> set[str]:
        """The directory roles any of `principal_ids` holds."""
        if not principal_ids:
            return set()
        query = select(DirectoryRoleRow.role_template_id).where(
            DirectoryRoleRow.principal_id.in_({p.lower() for p in principal_ids})
        )
        return {r.role_template_id for r in await self._rows(query)}

    async def add_directory_role(self, role: DirectoryRole) -> None:
        """Grant a directory role (idempotent)."""
        async with self._db.write() as conn:
            await conn.execute(
                self._insert_ignoring_duplicates(DirectoryRoleRow).values(
                    role_template_id=role.role_template_id, principal_id=role.principal_id.lower()
                )
            )
