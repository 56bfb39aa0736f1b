"""What only the filesystem driver can show: where bytes live before and after a commit."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from cerulean.core.digests import Digest
from cerulean.storage import FilesystemBlobStore

pytestmark = pytest.mark.anyio


async def one(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def test_partial_upload_never_appears_under_blobs(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path)
    upload_id = os.urandom(16).hex()
    await store.create_upload(upload_id)
    await store.append_upload(upload_id, 0, one(b"half a blob"), hashlib.sha256())
    # A crash here: a new process opens the same directory.
    reopened = FilesystemBlobStore(tmp_path)
    assert not any(p.is_file() for p in (tmp_path / "blobs").rglob("*"))
    assert await reopened.upload_size(upload_id) == len(b"half a blob")


async def test_committed_blob_is_read_only_and_content_addressed(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path)
    upload_id = os.urandom(16).hex()
    await store.create_upload(upload_id)
    await store.append_upload(upload_id, 0, one(b"content"), None)
    digest = Digest.of(b"content")
    await store.commit_upload(upload_id, digest)
    path = tmp_path / "blobs" / "sha256" / digest.encoded[:2] / digest.encoded
    assert path.read_bytes() == b"content"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert not (tmp_path / "uploads" / upload_id).exists()
    assert store.local_path(digest) == str(path)


async def test_a_blob_deleted_while_streaming_still_streams_whole(tmp_path: Path) -> None:
    store = FilesystemBlobStore(tmp_path)
    data = os.urandom(9 * 1024 * 1024 + 5)
    upload_id = os.urandom(16).hex()
    await store.create_upload(upload_id)
    await store.append_upload(upload_id, 0, one(data), None)
    digest = Digest.of(data)
    await store.commit_upload(upload_id, digest)
    stream = store.read(digest, 4097, len(data) - 4097)  # an offset off any page boundary
    first = await anext(stream)
    await store.delete(digest)  # garbage collection unlinks it mid-transfer
    rest = b"".join([bytes(chunk) async for chunk in stream])
    assert bytes(first) + rest == data[4097:]
    assert await store.stat(digest) is None
