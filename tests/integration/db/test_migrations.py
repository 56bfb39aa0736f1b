"""Schema changes only through Alembic: upgrade to head, then `alembic check` finds nothing to add."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from cerulean.core.digests import Digest
from cerulean.db import Database, SqlMetadataStore, check, downgrade, migrate
from cerulean.registry.models import BlobRecord, ManifestRecord, Platform, UploadSession
from support.resources import T0, add_registries

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


async def test_content_from_before_0007_belongs_to_the_first_registry(database_url: str) -> None:
    """Content written when a database held one registry's survives 0007 (SQLite rebuilds the tables
    with foreign keys off: a cascade would empty them) and is the first-provisioned registry's."""
    database = Database(database_url)
    try:
        await migrate(database)
        await add_registries(database, "Served01", "later01")
        payload = b'{"schemaVersion": 2}'
        manifest = ManifestRecord(
            digest=Digest.of(payload), media_type="application/vnd.oci.image.manifest.v1+json",
            payload=payload, created_at=T0, updated_at=T0, artifact_type=None, config_media_type=None,
            subject=None, annotations={}, platform=Platform(None, None), references=(), image_size=1,
        )  # fmt: skip
        before = SqlMetadataStore(database, "served01")
        await before.link_blob("app", BlobRecord(Digest.of(b"layer"), 5), T0)
        await before.put_manifest("app", manifest, ["v1"], T0)
        await before.create_upload(UploadSession("u1", "app", 0, T0, T0, "sha256"))
        await downgrade(database, "0006")
        await migrate(database)
        await check(database)

        served = SqlMetadataStore(database, "SERVED01")  # names compare without case
        assert (await served.get_tag("app", "v1")) is not None
        assert (await served.get_manifest("app", manifest.digest)) is not None
        assert (await served.get_blob("app", Digest.of(b"layer"))) is not None
        assert (await served.get_upload("app", "u1")) is not None
        assert await served.stored_bytes("served01") == 5
        other = SqlMetadataStore(database, "later01")
        assert (await other.get_repository("app")) is None
        assert (await other.get_upload("app", "u1")) is None
        assert await other.stored_bytes("later01") == 0
    finally:
        await database.dispose()
