"""Tags."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update

from cerulean.core.digests import Digest
from cerulean.db.stores.base import TIME_ORDERS, ContentStoreBase, attributes_of, ordered_page, switches
from cerulean.db.tables import ManifestRow, RepositoryRow, TagRow
from cerulean.registry.models import Page, TagRecord

if TYPE_CHECKING:
    import datetime as dt

    from cerulean.registry.models import ChangeableAttributes

__all__ = ["TagStore"]

_TAG_COLUMNS = (
    TagRow.name,
    ManifestRow.digest,
    TagRow.created_at,
    TagRow.updated_at,
    TagRow.delete_enabled,
    TagRow.write_enabled,
    TagRow.list_enabled,
    TagRow.read_enabled,
)


def _record(row: Any) -> TagRecord:  # noqa: ANN401 - a result row
    return TagRecord(
        name=row.name,
        digest=Digest.parse(row.digest),
        created_at=row.created_at,
        updated_at=row.updated_at,
        attributes=attributes_of(row),
    )


class TagStore(ContentStoreBase):
    """Tags."""

    def _tags_of(self, repository: str) -> Any:  # noqa: ANN401 - a SQL select
        return (
            select(*_TAG_COLUMNS)
            .join(ManifestRow, ManifestRow.id == TagRow.manifest_id)
            .join(RepositoryRow, RepositoryRow.id == TagRow.repository_id)
            .where(self._named(repository))
        )

    async def get_tag(self, repository: str, tag: str) -> TagRecord | None:
        """A tag and its manifest digest."""
        async with self._db.read() as conn:
            row = (await conn.execute(self._tags_of(repository).where(TagRow.name == tag))).one_or_none()
        return None if row is None else _record(row)

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
        """A page of tags by name (byte order) or by update time."""
        query = self._tags_of(repository).limit(limit + 1)
        if digest is not None:
            query = query.where(ManifestRow.digest == str(digest))
        if listable_only:
            query = query.where(TagRow.list_enabled.is_(True))
        async with self._db.read() as conn:
            last_time = None
            if last is not None and order in TIME_ORDERS:
                anchor = (
                    await conn.execute(self._tags_of(repository).where(TagRow.name == last))
                ).one_or_none()
                last_time = None if anchor is None else anchor.updated_at
            query = ordered_page(
                query,
                time_column=TagRow.updated_at,
                name_column=TagRow.name,
                order=order,
                last=last,
                last_time=last_time,
            )
            rows = (await conn.execute(query)).all()
        return Page(tuple(_record(r) for r in rows[:limit]), has_more=len(rows) > limit)

    async def delete_tag(self, repository: str, tag: str) -> bool:
        """Delete a tag."""
        async with self._db.write() as conn:
            repository_id = await self._repository_id(conn, repository)
            if repository_id is None:
                return False
            result = await conn.execute(
                delete(TagRow).where(TagRow.repository_id == repository_id, TagRow.name == tag)
            )
        return bool(result.rowcount)

    async def set_tag_attributes(
        self, repository: str, tag: str, attributes: ChangeableAttributes, now: dt.datetime
    ) -> bool:
        """Replace a tag's lock switches."""
        async with self._db.write() as conn:
            repository_id = await self._repository_id(conn, repository)
            if repository_id is None:
                return False
            result = await conn.execute(
                update(TagRow)
                .where(TagRow.repository_id == repository_id, TagRow.name == tag)
                .values(**switches(attributes), updated_at=now)
            )
        return bool(result.rowcount)
