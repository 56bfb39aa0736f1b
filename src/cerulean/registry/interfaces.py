"""The ports the registry service needs; storage drivers and metadata stores implement them.

Small role interfaces, composed: a component that only serves blobs depends on `BlobReader`, the upload
state machine on `BlobIngester`. Every implementation must pass the shared conformance suites in
``tests/conformance/`` (blob stores) and ``tests/integration/db/`` (metadata stores).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import AsyncIterable, AsyncIterator, Sequence

    from cerulean.core.digests import Digest
    from cerulean.registry.models import (
        BlobRecord,
        ChangeableAttributes,
        ManifestRecord,
        Page,
        Reference,
        RepositoryRecord,
        TagRecord,
        UploadSession,
    )

__all__ = [
    "BlobDeleter",
    "BlobIngester",
    "BlobReader",
    "BlobStore",
    "Hasher",
    "MetadataStore",
]


class Hasher(Protocol):
    """The part of a hashlib object the stores feed while they write."""

    def update(self, data: bytes | bytearray | memoryview, /) -> None:
        """Feed bytes."""
        ...


class BlobReader(Protocol):
    """Reads committed, content-addressed blobs."""

    async def stat(self, digest: Digest) -> int | None:
        """Return the blob's size, or None if it is not stored."""
        ...

    def read(
        self, digest: Digest, offset: int = 0, length: int | None = None
    ) -> AsyncIterator[bytes | memoryview]:
        """Stream the blob's bytes from `offset`, `length` bytes or to the end.

        Raises `cerulean.registry.errors.BlobUnknownError` (on first iteration) if it is not stored.
        """
        ...

    def local_path(self, digest: Digest) -> str | None:
        """A filesystem path the server may send directly, or None for remote stores."""
        ...

    async def redirect_url(self, digest: Digest) -> str | None:
        """A short-lived URL clients may fetch the blob from directly (object stores), or None."""
        ...


class BlobIngester(Protocol):
    """Writes uploads and commits them as blobs only after their digest is verified."""

    async def create_upload(self, upload_id: str) -> None:
        """Create an empty upload."""
        ...

    async def upload_size(self, upload_id: str) -> int | None:
        """Bytes stored so far for the upload, or None if it does not exist."""
        ...

    async def append_upload(
        self,
        upload_id: str,
        offset: int,
        chunks: AsyncIterable[bytes],
        hasher: Hasher | None,
    ) -> int:
        """Write `chunks` at `offset` (discarding anything stored beyond it), feeding `hasher`.

        Returns the upload's new size. Either every chunk is written or the call raises; the caller
        records the new size only after it returns.
        """
        ...

    def read_upload(self, upload_id: str) -> AsyncIterator[bytes]:
        """Stream what the upload holds (to rebuild a hash state on another node)."""
        ...

    async def commit_upload(self, upload_id: str, digest: Digest) -> None:
        """Make the upload durable and visible as blob `digest`; the caller verified the digest."""
        ...

    async def delete_upload(self, upload_id: str) -> None:
        """Discard an upload; deleting a missing upload is not an error."""
        ...

    async def put(self, digest: Digest, data: bytes) -> None:
        """Store a small blob whose digest the caller verified."""
        ...


class BlobDeleter(Protocol):
    """Removes committed blobs (garbage collection)."""

    async def delete(self, digest: Digest) -> None:
        """Delete the blob; deleting a missing blob is not an error."""
        ...


class BlobStore(BlobReader, BlobIngester, BlobDeleter, Protocol):
    """Everything a registry node needs of its blob storage."""


class MetadataStore(Protocol):
    """Repositories, manifests, tags, blob links and upload sessions; every method is one transaction."""

    # Repositories
    async def get_repository(self, name: str) -> RepositoryRecord | None:
        """Return the repository with its counters, or None."""
        ...

    async def repository_attributes(self, name: str) -> ChangeableAttributes | None:
        """A repository's switches (the cheap existence check of the pull path), or None."""
        ...

    async def has_locked_content(self, name: str) -> bool:
        """Whether any tag or manifest of the repository disables deleting or writing."""
        ...

    async def list_repositories(self, last: str | None, limit: int, *, listable_only: bool) -> Page[str]:
        """Repository names after `last` in byte order (those with at least one manifest)."""
        ...

    async def set_repository_attributes(
        self, name: str, attributes: ChangeableAttributes, now: dt.datetime
    ) -> RepositoryRecord | None:
        """Replace a repository's changeable attributes."""
        ...

    async def delete_repository(self, name: str) -> tuple[list[Digest], list[str]] | None:
        """Delete a repository and all it holds; return (deleted manifests, deleted tags)."""
        ...

    # Blobs linked into a repository
    async def get_blob(self, repository: str, digest: Digest) -> BlobRecord | None:
        """Return the blob if it is linked into `repository`."""
        ...

    async def link_blob(self, repository: str, blob: BlobRecord, now: dt.datetime) -> None:
        """Link a stored blob into `repository`, creating the repository row if needed."""
        ...

    async def unlink_blob(self, repository: str, digest: Digest) -> bool:
        """Remove a blob's link from `repository`; False if it was not linked."""
        ...

    async def missing_blobs(self, repository: str, digests: Sequence[Digest]) -> list[Digest]:
        """Those of `digests` that are not linked into `repository`."""
        ...

    # Manifests and tags
    async def get_manifest(self, repository: str, digest: Digest) -> ManifestRecord | None:
        """Return a manifest (with its tags) by digest."""
        ...

    async def missing_manifests(self, repository: str, digests: Sequence[Digest]) -> list[Digest]:
        """Those of `digests` that are not manifests in `repository`."""
        ...

    async def put_manifest(
        self,
        repository: str,
        manifest: ManifestRecord,
        tags: Sequence[str],
        now: dt.datetime,
    ) -> None:
        """Store a manifest (idempotent by digest) and point `tags` at it, in one transaction."""
        ...

    async def delete_manifest(self, repository: str, digest: Digest) -> list[str] | None:
        """Delete a manifest and its tags; return the deleted tags, or None if it did not exist."""
        ...

    async def list_manifests(
        self, repository: str, last: str | None, limit: int, order: str, *, listable_only: bool
    ) -> Page[ManifestRecord]:
        """Manifests of a repository, ordered by digest or by update time (``timeasc``/``timedesc``)."""
        ...

    async def set_manifest_attributes(
        self, repository: str, digest: Digest, attributes: ChangeableAttributes, now: dt.datetime
    ) -> bool:
        """Replace a manifest's changeable attributes; False if it does not exist."""
        ...

    async def get_tag(self, repository: str, tag: str) -> TagRecord | None:
        """Return a tag."""
        ...

    async def list_tags(
        self,
        repository: str,
        last: str | None,
        limit: int,
        *,
        order: str = "name",
        digest: Digest | None = None,
        listable_only: bool,
    ) -> Page[TagRecord]:
        """Tags of a repository after `last`, by name (byte order) or by update time."""
        ...

    async def delete_tag(self, repository: str, tag: str) -> bool:
        """Delete a tag; False if it did not exist."""
        ...

    async def set_tag_attributes(
        self, repository: str, tag: str, attributes: ChangeableAttributes, now: dt.datetime
    ) -> bool:
        """Replace a tag's changeable attributes; False if it does not exist."""
        ...

    async def list_referrers(self, repository: str, subject: Digest) -> list[ManifestRecord]:
        """Manifests in `repository` whose ``subject`` is `subject`, ordered by digest."""
        ...

    async def references_of(self, repository: str, digest: Digest) -> list[Reference]:
        """What a stored manifest points to (for ACR's ``references`` attribute)."""
        ...

    # Upload sessions
    async def create_upload(self, session: UploadSession) -> None:
        """Record a new upload session."""
        ...

    async def get_upload(self, repository: str, upload_id: str) -> UploadSession | None:
        """Return the session if it exists and belongs to `repository`."""
        ...

    async def update_upload(self, upload_id: str, size: int, now: dt.datetime) -> None:
        """Record the upload's new size."""
        ...

    async def delete_upload(self, upload_id: str) -> None:
        """Forget an upload session."""
        ...

    async def expired_uploads(self, before: dt.datetime, limit: int) -> list[UploadSession]:
        """Sessions not touched since `before` (for the janitor)."""
        ...
