"""Repository rows: lookup with counters, listing, lock switches, deletion."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, exists, func, or_, select, update

from cerulean.core.digests import Digest
from cerulean.db.stores.base import ContentStoreBase, attributes_of, switches
from cerulean.db.tables import ManifestRow, RepositoryRow, TagRow
from cerulean.registry.models import Page, RepositoryRecord

if TYPE_CHECKING:
    import datetime as dt

    from cerulean.registry.models import ChangeableAttributes

__all__ = ["RepositoryStore"]


class RepositoryStore(ContentStoreBase):
    """Repositories."""

    async def get_repository(self, name: str) -> RepositoryRecord | None:
        """Return the repository with its manifest and tag counts."""
        manifests = (
            select(func.count()).where(ManifestRow.repository_id == RepositoryRow.id).scalar_subquery()
        )
        tags = select(func.count()).where(TagRow.repository_id == RepositoryRow.id).scalar_subquery()
        async with self._db.read() as conn:
            row = (
                await conn.execute(
                    select(RepositoryRow, manifests.label("manifest_count"), tags.label("tag_count")).where(
                        self._named(name)
                    )
                )
            ).one_or_none()
        if row is None:
            return None
        return RepositoryRecord(
            name=row.name,
            created_at=row.created_at,
            updated_at=row.updated_at,
            attributes=attributes_of(row),
            manifest_count=row.manifest_count,
            tag_count=row.tag_count,
        )

    async def repository_attributes(self, name: str) -> ChangeableAttributes | None:
        """A repository's switches, or None if it does not exist."""
        query = select(
            RepositoryRow.delete_enabled,
            RepositoryRow.write_enabled,
            RepositoryRow.list_enabled,
            RepositoryRow.read_enabled,
        ).where(self._named(name))
        async with self._db.read() as conn:
            row = (await conn.execute(query)).one_or_none()
        return None if row is None else attributes_of(row)

    async def has_locked_content(self, name: str) -> bool:
        """Whether a tag or manifest of the repository disables deleting or writing."""
        repository = select(RepositoryRow.id).where(self._named(name)).scalar_subquery()
        locked_manifest = exists().where(
            ManifestRow.repository_id == repository,
            or_(ManifestRow.delete_enabled.is_(False), ManifestRow.write_enabled.is_(False)),
        )
        locked_tag = exists().where(
            TagRow.repository_id == repository,
            or_(TagRow.delete_enabled.is_(False), TagRow.write_enabled.is_(False)),
        )
        async with self._db.read() as conn:
            return bool((await conn.execute(select(or_(locked_manifest, locked_tag)))).scalar())

    async def list_repositories(self, last: str | None, limit: int, *, listable_only: bool) -> Page[str]:
        """Names of repositories holding at least one manifest, after `last`, in byte order."""
        query = (
            select(RepositoryRow.name)
            .where(RepositoryRow.registry_name == self._registry)
            .where(exists().where(ManifestRow.repository_id == RepositoryRow.id))
            .order_by(RepositoryRow.name)
            .limit(limit + 1)
        )
        if last is not None:
            query = query.where(RepositoryRow.name > last)
        if listable_only:
            query = query.where(RepositoryRow.list_enabled.is_(True))
        async with self._db.read() as conn:
            names = list((await conn.execute(query)).scalars())
        return Page(tuple(names[:limit]), has_more=len(names) > limit)

    async def set_repository_attributes(
        self, name: str, attributes: ChangeableAttributes, now: dt.datetime
    ) -> RepositoryRecord | None:
        """Replace the lock switches of a repository."""
        async with self._db.write() as conn:
            result = await conn.execute(
                update(RepositoryRow).where(self._named(name)).values(**switches(attributes), updated_at=now)
            )
        if result.rowcount == 0:
            return None
        return await self.get_repository(name)

    async def delete_repository(self, name: str) -> tuple[list[Digest], list[str]] | None:
        """Delete a repository and everything in it; return (manifests deleted, tags deleted)."""
        async with self._db.write() as conn:
            repository_id = await self._repository_id(conn, name)
            if repository_id is None:
                return None
            digests = (
                await conn.execute(
                    select(ManifestRow.digest)
                    .where(ManifestRow.repository_id == repository_id)
                    .order_by(ManifestRow.digest)
                )
            ).scalars()
            manifests = [Digest.parse(d) for d in digests]
            tags = list(
                (
                    await conn.execute(
                        select(TagRow.name).where(TagRow.repository_id == repository_id).order_by(TagRow.name)
                    )
                ).scalars()
            )
            await conn.execute(delete(RepositoryRow).where(RepositoryRow.id == repository_id))
        return manifests, tags
