"""An in-memory blob driver: a real implementation for tests and throwaway registries, not a mock."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cerulean.registry.errors import BlobUnknownError, BlobUploadUnknownError
from cerulean.storage.paths import StorageLayout

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator

    from cerulean.core.digests import Digest
    from cerulean.registry.interfaces import Hasher

__all__ = ["MemoryBlobStore"]

_CHUNK = 1 << 20


class MemoryBlobStore:
    """Blobs and uploads in dictionaries; same contract as the filesystem driver."""

    def __init__(self) -> None:
        self._blobs: dict[Digest, bytes] = {}
        self._uploads: dict[str, bytearray] = {}

    async def stat(self, digest: Digest) -> int | None:
        """Return the blob's size, or None."""
        data = self._blobs.get(digest)
        return None if data is None else len(data)

    def local_path(self, digest: Digest) -> str | None:  # noqa: ARG002 - the port's signature
        """Memory has no paths."""
        return None

    async def redirect_url(self, digest: Digest) -> str | None:  # noqa: ARG002 - the port's signature
        """Memory is served by the registry itself."""
        return None

    async def read(
        self, digest: Digest, offset: int = 0, length: int | None = None
    ) -> AsyncIterator[bytes | memoryview]:
        """Stream a blob in chunks."""
        data = self._blobs.get(digest)
        if data is None:
            raise BlobUnknownError
        end = len(data) if length is None else min(len(data), offset + length)
        for start in range(offset, end, _CHUNK):
            yield data[start : min(end, start + _CHUNK)]

    async def create_upload(self, upload_id: str) -> None:
        """Create an empty upload."""
        StorageLayout.check_upload_id(upload_id)  # same rule as the filesystem driver
        self._uploads[upload_id] = bytearray()

    async def upload_size(self, upload_id: str) -> int | None:
        """Bytes stored so far, or None."""
        data = self._uploads.get(upload_id)
        return None if data is None else len(data)

    async def append_upload(
        self,
        upload_id: str,
        offset: int,
        chunks: AsyncIterable[bytes],
        hasher: Hasher | None,
    ) -> int:
        """Write at `offset`, discarding what lay beyond it."""
        data = self._uploads.get(upload_id)
        if data is None:
            raise BlobUploadUnknownError
        del data[offset:]
        async for chunk in chunks:
            if hasher is not None:
                hasher.update(chunk)
            data += chunk
        return len(data)

    async def read_upload(self, upload_id: str) -> AsyncIterator[bytes]:
        """Stream an upload's bytes."""
        data = self._uploads.get(upload_id)
        if data is None:
            raise BlobUploadUnknownError
        for start in range(0, len(data), _CHUNK):
            yield bytes(data[start : start + _CHUNK])

    async def commit_upload(self, upload_id: str, digest: Digest) -> None:
        """Move the upload to the blobs."""
        data = self._uploads.pop(upload_id, None)
        if data is None:
            raise BlobUploadUnknownError
        self._blobs.setdefault(digest, bytes(data))

    async def delete_upload(self, upload_id: str) -> None:
        """Forget an upload."""
        self._uploads.pop(upload_id, None)

    async def put(self, digest: Digest, data: bytes) -> None:
        """Store a small blob."""
        self._blobs.setdefault(digest, bytes(data))

    async def delete(self, digest: Digest) -> None:
        """Forget a blob."""
        self._blobs.pop(digest, None)
