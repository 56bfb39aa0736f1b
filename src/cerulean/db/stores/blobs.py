"""Blob links: which blobs each repository may serve."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select

from cerulean.db.stores.base import ContentStoreBase
from cerulean.db.tables import RepositoryBlobRow, RepositoryRow
from cerulean.registry.models import BlobRecord

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from cerulean.core.digests import Digest

__all__ = ["BlobLinkStore"]


class BlobLinkStore(ContentStoreBase):
    """Blob links."""

    async def get_blob(self, repository: str, digest: Digest) -> BlobRecord | None:
        """The blob if it is linked into `repository`."""
        query = (
            select(RepositoryBlobRow.size)
            .join(RepositoryRow, RepositoryRow.id == RepositoryBlobRow.repository_id)
            .where(self._named(repository), RepositoryBlobRow.digest == str(digest))
        )
        async with self._db.read() as conn:
            size = (await conn.execute(query)).scalar_one_or_none()
        return None if size is None else BlobRecord(digest=digest, size=size)

    async def link_blob(self, repository: str, blob: BlobRecord, now: dt.datetime) -> None:
        """Link a stored blob into `repository` (creating the repository row if needed)."""
        async with self._db.write() as conn:
            repository_id = await self._ensure_repository(conn, repository, now)
            await conn.execute(
                self._insert_ignoring_duplicates(RepositoryBlobRow).values(
                    repository_id=repository_id,
                    digest=str(blob.digest),
                    size=blob.size,
                    created_at=now,
                )
            )

    async def unlink_blob(self, repository: str, digest: Digest) -> bool:
        """Remove a blob's link from `repository`."""
        async with self._db.write() as conn:
            repository_id = await self._repository_id(conn, repository)
            if repository_id is None:
                return False
            result = await conn.execute(
                delete(RepositoryBlobRow).where(
                    RepositoryBlobRow.repository_id == repository_id,
                    RepositoryBlobRow.digest == str(digest),
                )
            )
        return bool(result.rowcount)

    async def missing_blobs(self, repository: str, digests: Sequence[Digest]) -> list[Digest]:
        """Those of `digests` not linked into `repository`."""
        if not digests:
            return []
        wanted = {str(d) for d in digests}
        query = (
            select(RepositoryBlobRow.digest)
            .join(RepositoryRow, RepositoryRow.id == RepositoryBlobRow.repository_id)
            .where(self._named(repository), RepositoryBlobRow.digest.in_(wanted))
        )
        async with self._db.read() as conn:
            present = set((await conn.execute(query)).scalars())
        return [d for d in dict.fromkeys(digests) if str(d) not in present]

    async def stored_bytes(self, registry: str) -> int:
        """The bytes of every distinct blob a repository of `registry` links (its `Size` usage).

        Any registry's, not only this store's: the management plane reports every registry's usage.
        """
        distinct = (
            select(RepositoryBlobRow.digest, func.max(RepositoryBlobRow.size).label("size"))
            .join(RepositoryRow, RepositoryRow.id == RepositoryBlobRow.repository_id)
            .where(RepositoryRow.registry_name == registry.lower())
            .group_by(RepositoryBlobRow.digest)
        )
        query = select(func.coalesce(func.sum(distinct.subquery().c.size), 0))
        async with self._db.read() as conn:
            return int((await conn.execute(query)).scalar() or 0)
