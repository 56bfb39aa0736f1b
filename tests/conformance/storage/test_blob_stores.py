"""The contract every blob driver must keep (distribution's driver test-suite idea, for our port)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cerulean.core.digests import Digest
from cerulean.registry.errors import BlobUnknownError, BlobUploadUnknownError
from cerulean.registry.interfaces import BlobStore
from cerulean.storage import FilesystemBlobStore, MemoryBlobStore

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["filesystem", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "filesystem":
        return FilesystemBlobStore(tmp_path / "storage")
    return MemoryBlobStore()


async def chunks_of(data: bytes, size: int = 65536) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def read_all(stream: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in stream])


async def upload(store: BlobStore, data: bytes, chunk: int = 65536) -> Digest:
    upload_id = os.urandom(16).hex()
    await store.create_upload(upload_id)
    hasher = hashlib.sha256()
    assert await store.append_upload(upload_id, 0, chunks_of(data, chunk), hasher) == len(data)
    digest = Digest.from_hasher(hasher)
    await store.commit_upload(upload_id, digest)
    return digest


async def test_missing_blob_has_no_size_and_cannot_be_read(store: BlobStore) -> None:
    digest = Digest.of(b"absent")
    assert await store.stat(digest) is None
    with pytest.raises(BlobUnknownError):
        await read_all(store.read(digest))


async def test_committed_upload_reads_back_byte_identical(store: BlobStore) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    digest = await upload(store, data)
    assert digest == Digest.of(data)
    assert await store.stat(digest) == len(data)
    assert await read_all(store.read(digest)) == data


async def test_read_honours_offset_and_length(store: BlobStore) -> None:
    data = os.urandom(10_000)
    digest = await upload(store, data)
    assert await read_all(store.read(digest, 100, 50)) == data[100:150]
    assert await read_all(store.read(digest, 9_990)) == data[9_990:]
    assert await read_all(store.read(digest, 0, 0)) == b""


async def test_large_upload_in_many_chunks_is_hashed_exactly(store: BlobStore) -> None:
    # Over several write batches and a background flush on the filesystem driver.
    data = os.urandom(20 * 1024 * 1024 + 3)
    digest = await upload(store, data, chunk=100_003)
    assert digest == Digest.of(data)
    assert await read_all(store.read(digest)) == data


async def test_append_at_an_offset_discards_what_lay_beyond(store: BlobStore) -> None:
    upload_id = os.urandom(16).hex()
    await store.create_upload(upload_id)
    await store.append_upload(upload_id, 0, chunks_of(b"aaaaBBBB"), None)
    # A retried chunk: the client resends from offset 4 after a failure.
    assert await store.append_upload(upload_id, 4, chunks_of(b"cc"), None) == 6
    assert await store.upload_size(upload_id) == 6
    assert await read_all(store.read_upload(upload_id)) == b"aaaacc"


async def test_failed_append_leaves_recorded_bytes_intact(store: BlobStore) -> None:
    upload_id = os.urandom(16).hex()
    await store.create_upload(upload_id)
    await store.append_upload(upload_id, 0, chunks_of(b"first"), None)

    async def broken() -> AsyncIterator[bytes]:
        yield b"partial"
        raise ConnectionResetError

    with pytest.raises(ConnectionResetError):
        await store.append_upload(upload_id, 5, broken(), None)
    assert await store.append_upload(upload_id, 5, chunks_of(b"-second"), None) == 12
    assert await read_all(store.read_upload(upload_id)) == b"first-second"


async def test_upload_is_invisible_until_committed(store: BlobStore) -> None:
    data = b"not yet"
    upload_id = os.urandom(16).hex()
    await store.create_upload(upload_id)
    await store.append_upload(upload_id, 0, chunks_of(data), None)
    assert await store.stat(Digest.of(data)) is None
    await store.commit_upload(upload_id, Digest.of(data))
    assert await store.stat(Digest.of(data)) == len(data)
    assert await store.upload_size(upload_id) is None


async def test_committing_existing_content_deduplicates(store: BlobStore) -> None:
    data = os.urandom(1000)
    digest = await upload(store, data)
    again = await upload(store, data)
    assert again == digest
    assert await read_all(store.read(digest)) == data


async def test_unknown_or_malformed_upload_ids_are_refused(store: BlobStore) -> None:
    for upload_id in ("../../etc/passwd", "ABCDEF", "0" * 31, "/abs", "a\x00b" + "0" * 29):
        with pytest.raises(BlobUploadUnknownError):
            await store.append_upload(upload_id, 0, chunks_of(b"x"), None)
    with pytest.raises(BlobUploadUnknownError):
        await store.create_upload("../escape" + "0" * 23)
    with pytest.raises(BlobUploadUnknownError):
        await store.commit_upload(os.urandom(16).hex(), Digest.of(b""))


async def test_deletes_are_idempotent(store: BlobStore) -> None:
    digest = await upload(store, b"to delete")
    await store.delete(digest)
    await store.delete(digest)
    assert await store.stat(digest) is None
    upload_id = os.urandom(16).hex()
    await store.create_upload(upload_id)
    await store.delete_upload(upload_id)
    await store.delete_upload(upload_id)
    assert await store.upload_size(upload_id) is None


async def test_put_stores_a_small_blob(store: BlobStore) -> None:
    await store.put(Digest.of(b"{}"), b"{}")
    assert await read_all(store.read(Digest.of(b"{}"))) == b"{}"


async def test_sha512_blobs_are_kept_apart_from_sha256(store: BlobStore) -> None:
    data = b"same bytes"
    upload_id = os.urandom(16).hex()
    await store.create_upload(upload_id)
    await store.append_upload(upload_id, 0, chunks_of(data), None)
    await store.commit_upload(upload_id, Digest.of(data, "sha512"))
    assert await store.stat(Digest.of(data, "sha512")) == len(data)
    assert await store.stat(Digest.of(data)) is None


async def test_local_drivers_serve_blobs_themselves(store: BlobStore) -> None:
    digest = await upload(store, b"served here")
    assert await store.redirect_url(digest) is None
