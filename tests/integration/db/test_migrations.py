"""Schema changes only through Alembic: upgrade to head, then `alembic check` finds nothing to add."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from cerulean.db import Database, check, migrate

pytestmark = pytest.mark.anyio


async def test_upgrade_then_check_matches_the_tables(database_url: str) -> None:
    database = Database(database_url)
    try:
        await migrate(database)
        await migrate(database)  # idempotent: a restart runs it again
        await check(database)
        async with database.engine.connect() as conn:
            tables = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        registry = {"repositories", "repository_blobs", "manifests", "manifest_references", "tags", "uploads"}
        directory = {
            "tenants",
            "users",
            "groups",
            "group_members",
            "applications",
            "service_principals",
            "client_secrets",
            "client_certificates",
            "federated_credentials",
            "managed_identities",
            "workloads",
            "directory_roles",
        }
        operational = {"signing_keys", "device_codes", "sign_ins"}
        resources = {"subscriptions", "resource_groups", "registries", "role_assignments", "role_definitions"}
        credentials = {
            "policy_version",
            "admin_passwords",
            "scope_maps",
            "registry_tokens",
            "registry_token_passwords",
            "audit_events",
        }
        network = {"private_endpoint_connections"}
        expected = {"alembic_version"} | registry | directory | operational | resources | credentials
        assert tables == expected | network
    finally:
        await database.dispose()
