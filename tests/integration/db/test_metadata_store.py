"""The metadata store contract, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest

from cerulean.core.digests import Digest
from cerulean.db import Database, SqlMetadataStore, migrate
from cerulean.registry.models import (
    BlobRecord,
    ChangeableAttributes,
    ManifestRecord,
    Platform,
    Reference,
    UploadSession,
)

pytestmark = pytest.mark.anyio

T0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[SqlMetadataStore]:
    database = Database(database_url)
    await migrate(database)
    try:
        yield SqlMetadataStore(database, "cerulean")
    finally:
        await database.dispose()


def manifest(
    payload: bytes, *, subject: Digest | None = None, artifact_type: str | None = None
) -> ManifestRecord:
    return ManifestRecord(
        digest=Digest.of(payload),
        media_type="application/vnd.oci.image.manifest.v1+json",
        payload=payload,
        created_at=T0,
        updated_at=T0,
        artifact_type=artifact_type,
        config_media_type="application/vnd.oci.image.config.v1+json",
        subject=subject,
        annotations={"a": "b"},
        platform=Platform("arm64", "linux"),
        references=(Reference(Digest.of(b"config"), is_manifest=False),),
        image_size=123,
    )


async def test_repository_appears_with_its_first_manifest(store: SqlMetadataStore) -> None:
    assert await store.get_repository("team/app") is None
    await store.link_blob("team/app", BlobRecord(Digest.of(b"x"), 1), T0)
    # A repository row exists once a blob is linked, but the catalog lists only pullable content.
    assert (await store.list_repositories(None, 10, listable_only=True)).items == ()
    record = manifest(b'{"m":1}')
    await store.put_manifest("team/app", record, ["v1", "latest"], T0)
    repository = await store.get_repository("team/app")
    assert repository is not None
    assert (repository.manifest_count, repository.tag_count) == (1, 2)
    assert (await store.list_repositories(None, 10, listable_only=True)).items == ("team/app",)


async def test_manifest_round_trip_keeps_bytes_and_derived_fields(store: SqlMetadataStore) -> None:
    record = manifest(b'{"exact": "bytes"  }', subject=Digest.of(b"subject"), artifact_type="x/y")
    await store.put_manifest("r", record, ["t"], T0)
    stored = await store.get_manifest("r", record.digest)
    assert stored is not None
    assert stored.payload == record.payload
    assert stored.subject == Digest.of(b"subject")
    assert stored.artifact_type == "x/y"
    assert stored.platform == Platform("arm64", "linux")
    assert stored.annotations == {"a": "b"}
    assert stored.tags == ("t",)
    assert stored.created_at == T0
    assert await store.references_of("r", record.digest) == list(record.references)
    assert await store.get_manifest("other", record.digest) is None


async def test_tags_list_in_byte_order_with_pages(store: SqlMetadataStore) -> None:
    record = manifest(b"{}")
    names = ["b", "B", "a", "a-1", "Z", "_x", "1.0", "10"]
    await store.put_manifest("r", record, names, T0)
    expected = sorted(names)  # Python's str order is byte order for ASCII
    first = await store.list_tags("r", None, 3, listable_only=True)
    assert [t.name for t in first.items] == expected[:3]
    assert first.has_more
    rest = await store.list_tags("r", first.items[-1].name, 100, listable_only=True)
    assert [t.name for t in rest.items] == expected[3:]
    assert not rest.has_more


async def test_moving_a_tag_and_deleting_a_manifest_takes_its_tags(store: SqlMetadataStore) -> None:
    one, two = manifest(b"[1]"), manifest(b"[2]")
    await store.put_manifest("r", one, ["v"], T0)
    await store.put_manifest("r", two, ["v", "w"], T0 + dt.timedelta(seconds=1))
    tag = await store.get_tag("r", "v")
    assert tag is not None
    assert tag.digest == two.digest
    assert await store.delete_manifest("r", two.digest) == ["v", "w"]
    assert await store.get_tag("r", "v") is None
    assert await store.delete_manifest("r", two.digest) is None
    assert await store.get_manifest("r", one.digest) is not None


async def test_blob_links_are_per_repository(store: SqlMetadataStore) -> None:
    digest = Digest.of(b"layer")
    await store.link_blob("a", BlobRecord(digest, 5), T0)
    await store.link_blob("a", BlobRecord(digest, 5), T0)  # idempotent
    assert await store.get_blob("a", digest) == BlobRecord(digest, 5)
    assert await store.get_blob("b", digest) is None
    assert await store.missing_blobs("a", [digest, Digest.of(b"other")]) == [Digest.of(b"other")]
    assert await store.unlink_blob("a", digest)
    assert not await store.unlink_blob("a", digest)
    assert await store.get_blob("a", digest) is None


async def test_referrers_are_found_by_subject(store: SqlMetadataStore) -> None:
    subject = Digest.of(b"image")
    await store.put_manifest("r", manifest(b"[a]", subject=subject), [], T0)
    await store.put_manifest("r", manifest(b"[b]", subject=subject), [], T0)
    await store.put_manifest("r", manifest(b"[c]"), [], T0)
    found = await store.list_referrers("r", subject)
    assert sorted(m.digest for m in found) == sorted([Digest.of(b"[a]"), Digest.of(b"[b]")])
    assert await store.list_referrers("other", subject) == []


async def test_attributes_hide_from_listings_and_lock_content(store: SqlMetadataStore) -> None:
    record = manifest(b"{}")
    await store.put_manifest("r", record, ["shown", "hidden"], T0)
    locked = ChangeableAttributes(list_enabled=False, write_enabled=False)
    assert await store.set_tag_attributes("r", "hidden", locked, T0)
    names = [t.name for t in (await store.list_tags("r", None, 10, listable_only=True)).items]
    assert names == ["shown"]
    assert await store.has_locked_content("r")
    assert not await store.set_tag_attributes("r", "missing", locked, T0)
    updated = await store.set_repository_attributes("r", ChangeableAttributes(list_enabled=False), T0)
    assert updated is not None
    assert updated.attributes.list_enabled is False
    assert (await store.list_repositories(None, 10, listable_only=True)).items == ()
    assert (await store.list_repositories(None, 10, listable_only=False)).items == ("r",)


async def test_manifest_pages_by_time_in_both_directions(store: SqlMetadataStore) -> None:
    records = [manifest(f"[{i}]".encode()) for i in range(5)]
    for i, record in enumerate(records):
        await store.put_manifest("r", record, [], T0 + dt.timedelta(minutes=i))
        await store.set_manifest_attributes(
            "r", record.digest, ChangeableAttributes(), T0 + dt.timedelta(minutes=i)
        )
    ascending = await store.list_manifests("r", None, 2, "timeasc", listable_only=True)
    assert [m.digest for m in ascending.items] == [r.digest for r in records[:2]]
    following = await store.list_manifests(
        "r", str(ascending.items[-1].digest), 10, "timeasc", listable_only=True
    )
    assert [m.digest for m in following.items] == [r.digest for r in records[2:]]
    descending = await store.list_manifests("r", None, 10, "timedesc", listable_only=True)
    assert [m.digest for m in descending.items] == [r.digest for r in reversed(records)]


async def test_delete_repository_removes_everything(store: SqlMetadataStore) -> None:
    record = manifest(b"{}")
    await store.put_manifest("r", record, ["v1"], T0)
    await store.link_blob("r", BlobRecord(Digest.of(b"x"), 1), T0)
    assert await store.delete_repository("r") == ([record.digest], ["v1"])
    assert await store.get_repository("r") is None
    assert await store.get_blob("r", Digest.of(b"x")) is None
    assert await store.delete_repository("r") is None


async def test_upload_sessions_survive_and_expire(store: SqlMetadataStore) -> None:
    session = UploadSession("0" * 32, "r", 0, T0, T0, "sha512")
    await store.create_upload(session)
    assert await store.get_upload("r", session.id) == session
    assert await store.get_upload("other", session.id) is None
    await store.update_upload(session.id, 42, T0 + dt.timedelta(hours=1))
    stored = await store.get_upload("r", session.id)
    assert stored is not None
    assert stored.size == 42
    assert await store.expired_uploads(T0 + dt.timedelta(minutes=30), 10) == []
    expired = await store.expired_uploads(T0 + dt.timedelta(hours=2), 10)
    assert [s.id for s in expired] == [session.id]
    await store.delete_upload(session.id)
    assert await store.get_upload("r", session.id) is None


async def test_registries_sharing_a_database_see_only_their_own_content(store: SqlMetadataStore) -> None:
    other = SqlMetadataStore(store._db, "Teams01")  # the same database, another registry
    await store.put_manifest("shared/app", manifest(b'{"a": 1}'), ["v1"], T0)
    await other.put_manifest("shared/app", manifest(b'{"b": 2}'), ["v1"], T0)
    await other.link_blob("shared/app", BlobRecord(Digest.of(b"layer"), 7), T0)
    await other.create_upload(UploadSession("up-teams", "shared/app", 0, T0, T0))

    mine, theirs = await store.get_tag("shared/app", "v1"), await other.get_tag("shared/app", "v1")
    assert mine is not None
    assert theirs is not None
    assert mine.digest == Digest.of(b'{"a": 1}')
    assert theirs.digest == Digest.of(b'{"b": 2}')
    assert await store.get_blob("shared/app", Digest.of(b"layer")) is None
    assert await store.get_upload("shared/app", "up-teams") is None
    assert await store.expired_uploads(T0 + dt.timedelta(days=1), 10) == []
    assert [u.id for u in await other.expired_uploads(T0 + dt.timedelta(days=1), 10)] == ["up-teams"]
    assert (await store.stored_bytes("teams01"), await store.stored_bytes("cerulean")) == (7, 0)

    assert await other.delete_repository("shared/app") is not None
    assert await store.get_tag("shared/app", "v1") is not None
    assert (await other.list_repositories(None, 10, listable_only=False)).items == ()
    assert (await store.list_repositories(None, 10, listable_only=False)).items == ("shared/app",)
