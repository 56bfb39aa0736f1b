"""The filesystem blob driver: the default backend, and a supported production one.

Uploads stream into ``uploads/<id>`` while they are hashed; the hashing and the writing run in a worker
thread on batches of a few MiB (hashlib and os.write release the GIL), double-buffered so the event loop
keeps receiving the next batch meanwhile. Written data is flushed to disk in the background every
`_SYNC_EVERY` bytes so the final fsync at commit has little left to do. Reads prefetch the next chunk in a
thread while the current one is sent.

A file descriptor is closed only after the last thread using it finished (`_Descriptor`), so a client that
disconnects mid-transfer never makes a worker thread write to or read from a recycled descriptor.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import TYPE_CHECKING, Any, Final, TypeVar

from cerulean.registry.errors import BlobUnknownError, BlobUploadUnknownError
from cerulean.storage.paths import StorageLayout

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Callable
    from pathlib import Path

    from cerulean.core.digests import Digest
    from cerulean.registry.interfaces import Hasher

__all__ = ["FilesystemBlobStore"]

_T = TypeVar("_T")

_READ_CHUNK: Final = 4 << 20
_WRITE_BATCH: Final = 4 << 20
_MAX_BUFFERS: Final = 512  # well under IOV_MAX for writev
_SYNC_EVERY: Final = 64 << 20


class _Descriptor:
    """An fd shared with worker threads; `close` waits for the thread still using it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._pending: asyncio.Future[Any] | None = None

    def submit(self, fn: Callable[..., _T], *args: object) -> asyncio.Future[_T]:
        """Run `fn(fd, *args)` in a worker thread now; the fd stays open until it returns."""
        future = asyncio.get_running_loop().run_in_executor(None, fn, self.fd, *args)
        self._pending = future
        return future

    def close(self) -> None:
        pending = self._pending
        if pending is not None and not pending.done():
            pending.add_done_callback(lambda _: os.close(self.fd))
        else:
            os.close(self.fd)


def _write_all(fd: int, buffers: list[bytes], hasher: Hasher | None) -> int:
    if hasher is not None:
        for buffer in buffers:
            hasher.update(buffer)
    total = sum(map(len, buffers))
    written = os.writev(fd, buffers)
    if written < total:  # only on a full disk or a signal; finish the slow way
        rest = memoryview(b"".join(buffers))[written:]
        while rest:
            rest = rest[os.write(fd, rest) :]
    return total


def _pread(fd: int, size: int, offset: int) -> bytes:
    return os.pread(fd, size, offset)


class FilesystemBlobStore:
    """Blobs and uploads as files under one root directory (see `cerulean.storage.paths`)."""

    def __init__(self, root: Path, *, durable: bool = True) -> None:
        self._layout = StorageLayout(root)
        self._durable = durable
        self._layout.blobs.mkdir(parents=True, exist_ok=True)
        self._layout.uploads.mkdir(parents=True, exist_ok=True)

    # -- reading -------------------------------------------------------------------------------

    async def stat(self, digest: Digest) -> int | None:
        """Return the blob's size, or None."""
        try:
            return os.stat(self._layout.blob(digest)).st_size
        except FileNotFoundError:
            return None

    def local_path(self, digest: Digest) -> str | None:
        """The blob's path, for zero-copy sending."""
        return str(self._layout.blob(digest))

    async def redirect_url(self, digest: Digest) -> str | None:  # noqa: ARG002 - the port's signature
        """Files are served by the registry itself."""
        return None

    async def read(self, digest: Digest, offset: int = 0, length: int | None = None) -> AsyncIterator[bytes]:
        """Stream a blob, prefetching the next chunk while the current one is consumed."""
        try:
            fd = os.open(self._layout.blob(digest), os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            raise BlobUnknownError from None
        descriptor = _Descriptor(fd)
        try:
            end = os.fstat(fd).st_size if length is None else offset + length
            position = offset
            upcoming = (
                descriptor.submit(_pread, min(_READ_CHUNK, end - position), position)
                if position < end
                else None
            )
            while upcoming is not None:
                data = await upcoming
                if not data:  # the file is shorter than it said: never hang, never pad
                    return
                position += len(data)
                upcoming = (
                    descriptor.submit(_pread, min(_READ_CHUNK, end - position), position)
                    if position < end
                    else None
                )
                yield data
        finally:
            descriptor.close()

    # -- uploads -------------------------------------------------------------------------------

    async def create_upload(self, upload_id: str) -> None:
        """Create an empty upload file."""
        path = self._layout.upload(upload_id)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600))

    async def upload_size(self, upload_id: str) -> int | None:
        """Bytes written so far, or None."""
        try:
            return os.stat(self._layout.upload(upload_id)).st_size
        except FileNotFoundError:
            return None

    async def append_upload(
        self,
        upload_id: str,
        offset: int,
        chunks: AsyncIterable[bytes],
        hasher: Hasher | None,
    ) -> int:
        """Write `chunks` at `offset`, hashing them; return the new size."""
        path = self._layout.upload(upload_id)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            raise BlobUploadUnknownError from None
        descriptor = _Descriptor(fd)
        flusher = _Flusher(fd) if self._durable else None
        try:
            os.ftruncate(fd, offset)  # a failed earlier request may have left bytes past the offset
            os.lseek(fd, offset, os.SEEK_SET)
            size = offset
            writing: asyncio.Future[int] | None = None
            batch: list[bytes] = []
            batched = 0
            async for chunk in chunks:
                if not chunk:
                    continue
                batch.append(chunk)
                batched += len(chunk)
                if batched >= _WRITE_BATCH or len(batch) >= _MAX_BUFFERS:
                    if writing is not None:
                        size += await writing
                        if flusher:
                            flusher.written(size)
                    writing = descriptor.submit(_write_all, batch, hasher)
                    batch, batched = [], 0
            if writing is not None:
                size += await writing
            if batch:
                size += await descriptor.submit(_write_all, batch, hasher)
            return size
        finally:
            descriptor.close() if flusher is None else flusher.close_after(descriptor)

    async def read_upload(self, upload_id: str) -> AsyncIterator[bytes]:
        """Stream an upload's bytes."""
        path = self._layout.upload(upload_id)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            raise BlobUploadUnknownError from None
        descriptor = _Descriptor(fd)
        try:
            position = 0
            while data := await descriptor.submit(_pread, _READ_CHUNK, position):
                position += len(data)
                yield data
        finally:
            descriptor.close()

    async def commit_upload(self, upload_id: str, digest: Digest) -> None:
        """Fsync the upload, then rename it into its content-addressed place."""
        source = self._layout.upload(upload_id)
        target = self._layout.blob(digest)
        await asyncio.get_running_loop().run_in_executor(None, self._commit, source, target)

    def _commit(self, source: Path, target: Path) -> None:
        if not source.exists():
            raise BlobUploadUnknownError
        if target.exists():  # same content already stored: deduplicate
            source.unlink(missing_ok=True)
            return
        if self._durable:
            fd = os.open(source, os.O_RDONLY | os.O_CLOEXEC)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(source, 0o444)
        os.replace(source, target)
        if self._durable:
            _fsync_directory(target.parent)

    async def delete_upload(self, upload_id: str) -> None:
        """Remove an upload's data."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._layout.upload(upload_id))

    async def put(self, digest: Digest, data: bytes) -> None:
        """Store a small blob atomically."""
        upload_id = os.urandom(16).hex()
        path = self._layout.upload(upload_id)
        with path.open("wb") as handle:
            handle.write(data)
        await self.commit_upload(upload_id, digest)

    # -- deleting ------------------------------------------------------------------------------

    async def delete(self, digest: Digest) -> None:
        """Remove a committed blob."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._layout.blob(digest))


class _Flusher:
    """Starts a background fdatasync each time `_SYNC_EVERY` more bytes were written."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._synced_at = 0
        self._pending: asyncio.Future[None] | None = None

    def written(self, size: int) -> None:
        if size - self._synced_at < _SYNC_EVERY:
            return
        if self._pending is not None and not self._pending.done():
            return
        self._synced_at = size
        self._pending = asyncio.get_running_loop().run_in_executor(None, os.fdatasync, self._fd)

    def close_after(self, descriptor: _Descriptor) -> None:
        pending = self._pending
        if pending is not None and not pending.done():
            pending.add_done_callback(lambda _: descriptor.close())
        else:
            descriptor.close()


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
