"""The filesystem blob driver: the default backend, and a supported production one.

Uploads stream into ``uploads/<id>`` while they are hashed; the hashing and the writing of each batch of
a few MiB run at the same time in two worker threads (hashlib and os.writev release the GIL), while the
event loop receives the next batch. After each batch the kernel is asked to start writing it to disk
(Linux `sync_file_range`, which does not wait), so the fsync at commit finds little left to do. Reads are
views of a memory map (see `FilesystemBlobStore.read`).

A file descriptor is closed only after the last thread using it finished (`_Descriptor`), so a client that
disconnects mid-transfer never makes a worker thread write to or read from a recycled descriptor.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import functools
import mmap
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
_SYNC_FILE_RANGE_WRITE: Final = 2
_MADV_POPULATE_READ: Final = 22  # Linux 5.14+; the mmap module does not name it yet


@functools.cache
def _sync_file_range() -> Callable[[int, int, int, int], int] | None:
    """The C library's sync_file_range, or None where there is none (it is only a speed-up)."""
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


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


def _hash_all(hasher: Hasher, data: bytearray) -> None:
    hasher.update(data)


def _write_all(fd: int, data: bytearray, writeback: bool) -> int:  # noqa: FBT001 - called through run_in_executor, positionally
    start = os.lseek(fd, 0, os.SEEK_CUR)
    view = memoryview(data)
    while view:  # one call, unless the disk is full or a signal interrupts
        view = view[os.write(fd, view) :]
    if writeback and (start_writeback := _sync_file_range()) is not None:
        start_writeback(fd, start, len(data), _SYNC_FILE_RANGE_WRITE)
    return len(data)


def _fault_in(mapping: mmap.mmap, start: int, length: int) -> None:
    """Bring a range of a mapping into memory (blocking: runs in a worker thread)."""
    aligned = start - start % mmap.PAGESIZE
    try:
        mapping.madvise(_MADV_POPULATE_READ, aligned, length + start - aligned)
    except OSError:  # kernels before 5.14: touch one byte per page instead
        for page in range(aligned, start + length, mmap.PAGESIZE):
            mapping[page]


def _pread(fd: int, size: int, offset: int) -> bytes:
    return os.pread(fd, size, offset)


class _Stages:
    """One batch being hashed and written at once, in two worker threads."""

    def __init__(self, writing: asyncio.Future[int], hashing: asyncio.Future[None] | None) -> None:
        self._writing = writing
        self._hashing = hashing

    @classmethod
    def start(
        cls, descriptor: _Descriptor, batch: bytearray, hasher: Hasher | None, *, writeback: bool
    ) -> _Stages:
        hashing = None
        if hasher is not None:
            hashing = asyncio.get_running_loop().run_in_executor(None, _hash_all, hasher, batch)
        return cls(descriptor.submit(_write_all, batch, writeback), hashing)

    async def done(self) -> int:
        """Wait for both; the number of bytes written."""
        if self._hashing is not None:
            await self._hashing
        return await self._writing


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

    async def read(
        self, digest: Digest, offset: int = 0, length: int | None = None
    ) -> AsyncIterator[bytes | memoryview]:
        """Stream a blob as views of a read-only memory map.

        The socket copies straight from the page cache, with no copy into Python. Each next chunk is
        faulted in by a worker thread while the current one is sent, so a cold blob never blocks the
        event loop on the disk. Blobs are immutable and only ever unlinked, never truncated, so a
        mapping stays valid while in use.
        """
        try:
            fd = os.open(self._layout.blob(digest), os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            raise BlobUnknownError from None
        try:
            size = os.fstat(fd).st_size
            end = size if length is None else min(size, offset + length)
            if offset >= end:
                return
            mapping = mmap.mmap(fd, size, prot=mmap.PROT_READ)
        finally:
            os.close(fd)  # the mapping keeps its own reference to the file
        view = memoryview(mapping)
        loop = asyncio.get_running_loop()
        position = offset
        upcoming = loop.run_in_executor(None, _fault_in, mapping, position, min(_READ_CHUNK, end - position))
        while position < end:
            await upcoming
            stop = min(end, position + _READ_CHUNK)
            if stop < end:
                upcoming = loop.run_in_executor(None, _fault_in, mapping, stop, min(_READ_CHUNK, end - stop))
            yield view[position:stop]
            position = stop

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
        try:
            os.ftruncate(fd, offset)  # a failed earlier request may have left bytes past the offset
            os.lseek(fd, offset, os.SEEK_SET)
            size = offset
            pending: _Stages | None = None
            # One contiguous batch, handed to the threads whole: every C call that releases the GIL
            # must win it back (up to a 5 ms switch interval), so few large calls beat many small ones.
            batch = bytearray()
            async for chunk in chunks:
                batch += chunk
                if len(batch) >= _WRITE_BATCH:
                    if pending is not None:
                        size += await pending.done()
                    pending = _Stages.start(descriptor, batch, hasher, writeback=self._durable)
                    batch = bytearray()
            if pending is not None:
                size += await pending.done()
            if batch:
                size += await _Stages.start(descriptor, batch, hasher, writeback=self._durable).done()
            return size
        finally:
            descriptor.close()

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


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
