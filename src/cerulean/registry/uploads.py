"""Blob uploads: monolithic, POST+PUT, chunked and resumable, cross-repository mount.

The session row in the database is the truth (any node can continue an upload). The running hash is an
optimisation kept per node: a node that did not see the previous chunk, or a hash state spoiled by a
failed request, rebuilds it from the bytes already stored. Each request either records its whole chunk or
nothing: the session size moves only after a chunk was fully written, and the store discards bytes past
the recorded size before writing at it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from typing import TYPE_CHECKING, Final

from cerulean.core.digests import Digest, InvalidDigestError, hasher_for
from cerulean.registry.errors import (
    BlobUnknownError,
    BlobUploadUnknownError,
    DigestInvalidError,
    RangeInvalidError,
    SizeInvalidError,
)
from cerulean.registry.models import BlobRecord, UploadSession

if TYPE_CHECKING:
    import datetime as dt
    import hashlib
    from collections.abc import AsyncIterable, AsyncIterator

    from cerulean.core.clock import Clock
    from cerulean.registry.cache import ContentCache
    from cerulean.registry.interfaces import BlobStore, MetadataStore

__all__ = ["ChunkRange", "UploadService"]

_MAX_CACHED_HASHERS: Final = 1024

ChunkRange = tuple[int, int]  # inclusive first and last byte, as in Content-Range


class _Hashers:
    """Running hash states by upload id, each valid only at the size it was taken at."""

    def __init__(self) -> None:
        self._states: OrderedDict[str, tuple[int, hashlib._Hash]] = OrderedDict()

    def take(self, upload_id: str, size: int, algorithm: str) -> hashlib._Hash | None:
        state = self._states.pop(upload_id, None)
        if state is None or state[0] != size or state[1].name != algorithm:
            return None
        return state[1]

    def keep(self, upload_id: str, size: int, hasher: hashlib._Hash) -> None:
        self._states[upload_id] = (size, hasher)
        while len(self._states) > _MAX_CACHED_HASHERS:
            self._states.popitem(last=False)

    def drop(self, upload_id: str) -> None:
        self._states.pop(upload_id, None)


class _Counter:
    """Counts the bytes of a stream as it passes."""

    def __init__(self, chunks: AsyncIterable[bytes]) -> None:
        self._chunks = chunks
        self.count = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._chunks:
            self.count += len(chunk)
            yield chunk


class UploadService:
    """The upload state machine."""

    def __init__(self, blobs: BlobStore, metadata: MetadataStore, cache: ContentCache, clock: Clock) -> None:
        self._blobs = blobs
        self._metadata = metadata
        self._cache = cache
        self._clock = clock
        self._hashers = _Hashers()
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    async def start(self, repository: str, algorithm: str = "sha256") -> UploadSession:
        """Open a session; `algorithm` is the one the client announced (``digest-algorithm``)."""
        try:
            hasher_for(algorithm)  # refuses unsupported algorithms before anything is created
        except InvalidDigestError as exc:
            raise DigestInvalidError(f"unsupported digest algorithm {algorithm[:32]!r}") from exc
        now = self._clock.now()
        session = UploadSession(
            id=uuid.uuid4().hex,
            repository=repository,
            size=0,
            created_at=now,
            updated_at=now,
            algorithm=algorithm,
        )
        await self._blobs.create_upload(session.id)
        await self._metadata.create_upload(session)
        return session

    async def status(self, repository: str, upload_id: str) -> UploadSession:
        """The session, or BLOB_UPLOAD_UNKNOWN."""
        session = await self._metadata.get_upload(repository, upload_id)
        if session is None:
            raise BlobUploadUnknownError
        return session

    async def append(
        self,
        repository: str,
        upload_id: str,
        chunks: AsyncIterable[bytes],
        chunk_range: ChunkRange | None,
    ) -> UploadSession:
        """Write one chunk (PATCH); a range must start where the upload stands."""
        async with self._lock(upload_id):
            return await self._append(await self.status(repository, upload_id), chunks, chunk_range)

    async def _append(
        self,
        session: UploadSession,
        chunks: AsyncIterable[bytes],
        chunk_range: ChunkRange | None,
    ) -> UploadSession:
        if chunk_range is not None and chunk_range[0] != session.size:
            raise RangeInvalidError(
                f"chunk starts at {chunk_range[0]}, the upload holds {session.size} bytes",
                headers=_progress_headers(session),
            )
        hasher = self._hashers.take(session.id, session.size, session.algorithm)
        if hasher is None:
            hasher = await self._rehash(session.id, session.algorithm)
        counted = _Counter(chunks)
        size = await self._blobs.append_upload(session.id, session.size, counted, hasher)
        if chunk_range is not None and counted.count != chunk_range[1] - chunk_range[0] + 1:
            raise SizeInvalidError(
                f"Content-Range announced {chunk_range[1] - chunk_range[0] + 1} bytes, "
                f"{counted.count} arrived"
            )
        now = self._clock.now()
        await self._metadata.update_upload(session.id, size, now)
        self._hashers.keep(session.id, size, hasher)
        return UploadSession(
            id=session.id,
            repository=session.repository,
            size=size,
            created_at=session.created_at,
            updated_at=now,
            algorithm=session.algorithm,
        )

    async def complete(
        self,
        repository: str,
        upload_id: str,
        digest: Digest,
        chunks: AsyncIterable[bytes] | None,
        chunk_range: ChunkRange | None,
    ) -> BlobRecord:
        """Close the session (PUT ?digest=), with an optional last chunk; verify, commit, link."""
        async with self._lock(upload_id):
            session = await self.status(repository, upload_id)
            if chunks is not None:
                session = await self._append(session, chunks, chunk_range)
            hasher = self._hashers.take(session.id, session.size, digest.algorithm)
            if hasher is None:
                hasher = await self._rehash(session.id, digest.algorithm)
            await self._finish(repository, session.id, session.size, digest, hasher)
            await self._metadata.delete_upload(session.id)
            return BlobRecord(digest=digest, size=session.size)

    async def upload_whole(self, repository: str, digest: Digest, chunks: AsyncIterable[bytes]) -> BlobRecord:
        """A single-request upload (POST ?digest= with the body): no session row needed."""
        upload_id = uuid.uuid4().hex
        hasher = hasher_for(digest.algorithm)
        await self._blobs.create_upload(upload_id)
        try:
            size = await self._blobs.append_upload(upload_id, 0, chunks, hasher)
        except BaseException:
            await self._blobs.delete_upload(upload_id)
            raise
        await self._finish(repository, upload_id, size, digest, hasher)
        return BlobRecord(digest=digest, size=size)

    async def _finish(
        self, repository: str, upload_id: str, size: int, digest: Digest, hasher: hashlib._Hash
    ) -> None:
        self._hashers.drop(upload_id)
        if Digest.from_hasher(hasher) != digest:
            await self._blobs.delete_upload(upload_id)
            await self._metadata.delete_upload(upload_id)
            raise DigestInvalidError(detail={"digest": str(digest)})
        await self._blobs.commit_upload(upload_id, digest)
        await self._metadata.link_blob(repository, BlobRecord(digest, size), self._clock.now())
        self._cache.invalidate(repository)

    async def cancel(self, repository: str, upload_id: str) -> None:
        """Abandon a session and its bytes."""
        async with self._lock(upload_id):
            await self.status(repository, upload_id)
            self._hashers.drop(upload_id)
            await self._blobs.delete_upload(upload_id)
            await self._metadata.delete_upload(upload_id)

    async def mount(self, repository: str, digest: Digest, source: str) -> BlobRecord:
        """Link a blob of `source` into `repository` without copying; BLOB_UNKNOWN if absent."""
        blob = await self._metadata.get_blob(source, digest)
        if blob is None or await self._blobs.stat(digest) is None:
            raise BlobUnknownError
        await self._metadata.link_blob(repository, blob, self._clock.now())
        self._cache.invalidate(repository)
        return blob

    async def purge_expired(self, before: dt.datetime, limit: int = 100) -> int:
        """Remove sessions untouched since `before`; return how many."""
        expired = await self._metadata.expired_uploads(before, limit)
        for session in expired:
            self._hashers.drop(session.id)
            await self._blobs.delete_upload(session.id)
            await self._metadata.delete_upload(session.id)
        return len(expired)

    async def _rehash(self, upload_id: str, algorithm: str) -> hashlib._Hash:
        hasher = hasher_for(algorithm)
        async for chunk in self._blobs.read_upload(upload_id):
            hasher.update(chunk)
        return hasher

    def _lock(self, upload_id: str) -> _UploadLock:
        return _UploadLock(self._locks, upload_id)


class _UploadLock:
    """One request at a time per upload on this node; an entry lives only while someone holds or waits."""

    def __init__(self, locks: dict[str, tuple[asyncio.Lock, list[int]]], key: str) -> None:
        self._locks = locks
        self._key = key

    async def __aenter__(self) -> None:
        lock, users = self._locks.setdefault(self._key, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            await lock.acquire()
        except BaseException:
            self._leave(users)
            raise

    async def __aexit__(self, *_: object) -> None:
        lock, users = self._locks[self._key]
        lock.release()
        self._leave(users)

    def _leave(self, users: list[int]) -> None:
        users[0] -= 1
        if users[0] == 0:
            del self._locks[self._key]


def _progress_headers(session: UploadSession) -> dict[str, str]:
    return {"Range": f"0-{max(session.size - 1, 0)}", "Docker-Upload-UUID": session.id}
