"""Manifests, their references, and referrer lookups."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, insert, select, update

from cerulean.core.digests import Digest
from cerulean.db.stores.base import TIME_ORDERS, ContentStoreBase, attributes_of, ordered_page, switches
from cerulean.db.tables import ManifestReferenceRow, ManifestRow, RepositoryRow, TagRow
from cerulean.registry.models import ManifestRecord, Page, Platform, Reference

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Sequence

    from sqlalchemy.ext.asyncio import AsyncConnection

    from cerulean.registry.models import ChangeableAttributes

__all__ = ["ManifestStore"]

_MANIFEST_COLUMNS = (
    ManifestRow.id,
    ManifestRow.digest,
    ManifestRow.media_type,
    ManifestRow.payload,
    ManifestRow.artifact_type,
    ManifestRow.config_media_type,
    ManifestRow.subject,
    ManifestRow.annotations,
    ManifestRow.architecture,
    ManifestRow.os,
    ManifestRow.image_size,
    ManifestRow.created_at,
    ManifestRow.updated_at,
    ManifestRow.delete_enabled,
    ManifestRow.write_enabled,
    ManifestRow.list_enabled,
    ManifestRow.read_enabled,
)


def _record(row: Any, tags: Iterable[str] = ()) -> ManifestRecord:  # noqa: ANN401 - a result row
    return ManifestRecord(
        digest=Digest.parse(row.digest),
        media_type=row.media_type,
        payload=bytes(row.payload),
        created_at=row.created_at,
        updated_at=row.updated_at,
        artifact_type=row.artifact_type,
        config_media_type=row.config_media_type,
        subject=None if row.subject is None else Digest.parse(row.subject),
        annotations=json.loads(row.annotations),
        platform=Platform(architecture=row.architecture, os=row.os),
        attributes=attributes_of(row),
        image_size=row.image_size,
        tags=tuple(tags),
    )


class ManifestStore(ContentStoreBase):
    """Manifests."""

    def _in_repository(self, repository: str) -> Any:  # noqa: ANN401 - a SQL expression
        return and_(ManifestRow.repository_id == RepositoryRow.id, self._named(repository))

    async def _tags_by_manifest(
        self, conn: AsyncConnection, manifest_ids: Sequence[int]
    ) -> dict[int, list[str]]:
        tags: dict[int, list[str]] = defaultdict(list)
        if manifest_ids:
            rows = await conn.execute(
                select(TagRow.manifest_id, TagRow.name)
                .where(TagRow.manifest_id.in_(manifest_ids))
                .order_by(TagRow.name)
            )
            for manifest_id, name in rows:
                tags[manifest_id].append(name)
        return tags

    async def get_manifest(self, repository: str, digest: Digest) -> ManifestRecord | None:
        """A manifest, with its tags."""
        query = select(*_MANIFEST_COLUMNS).where(
            self._in_repository(repository), ManifestRow.digest == str(digest)
        )
        async with self._db.read() as conn:
            row = (await conn.execute(query)).one_or_none()
            if row is None:
                return None
            tags = await self._tags_by_manifest(conn, [row.id])
        return _record(row, tags.get(row.id, ()))

    async def missing_manifests(self, repository: str, digests: Sequence[Digest]) -> list[Digest]:
        """Those of `digests` that are not manifests of `repository`."""
        if not digests:
            return []
        query = select(ManifestRow.digest).where(
            self._in_repository(repository), ManifestRow.digest.in_({str(d) for d in digests})
        )
        async with self._db.read() as conn:
            present = set((await conn.execute(query)).scalars())
        return [d for d in dict.fromkeys(digests) if str(d) not in present]

    async def put_manifest(
        self, repository: str, manifest: ManifestRecord, tags: Sequence[str], now: dt.datetime
    ) -> None:
        """Store the manifest if new, point `tags` at it, all in one transaction."""
        async with self._db.write() as conn:
            repository_id = await self._ensure_repository(conn, repository, now)
            manifest_id = (
                await conn.execute(
                    select(ManifestRow.id).where(
                        ManifestRow.repository_id == repository_id,
                        ManifestRow.digest == str(manifest.digest),
                    )
                )
            ).scalar_one_or_none()
            if manifest_id is None:
                manifest_id = await self._insert_manifest(conn, repository_id, manifest, now)
            for tag in tags:
                await self._point_tag(conn, repository_id, tag, manifest_id, now)
            await conn.execute(
                update(RepositoryRow).where(RepositoryRow.id == repository_id).values(updated_at=now)
            )

    async def _insert_manifest(
        self, conn: AsyncConnection, repository_id: int, manifest: ManifestRecord, now: dt.datetime
    ) -> int:
        result = await conn.execute(
            insert(ManifestRow)
            .values(
                repository_id=repository_id,
                digest=str(manifest.digest),
                media_type=manifest.media_type,
                payload=manifest.payload,
                artifact_type=manifest.artifact_type,
                config_media_type=manifest.config_media_type,
                subject=None if manifest.subject is None else str(manifest.subject),
                annotations=json.dumps(manifest.annotations, separators=(",", ":")),
                architecture=manifest.platform.architecture,
                os=manifest.platform.os,
                image_size=manifest.image_size,
                created_at=now,
                updated_at=now,
                **switches(manifest.attributes),
            )
            .returning(ManifestRow.id)
        )
        manifest_id = result.scalar_one()
        if manifest.references:
            await conn.execute(
                insert(ManifestReferenceRow),
                [
                    {
                        "manifest_id": manifest_id,
                        "position": position,
                        "digest": str(reference.digest),
                        "is_manifest": reference.is_manifest,
                        "architecture": reference.platform.architecture,
                        "os": reference.platform.os,
                    }
                    for position, reference in enumerate(manifest.references)
                ],
            )
        return manifest_id

    async def _point_tag(
        self,
        conn: AsyncConnection,
        repository_id: int,
        tag: str,
        manifest_id: int,
        now: dt.datetime,
    ) -> None:
        moved = await conn.execute(
            update(TagRow)
            .where(TagRow.repository_id == repository_id, TagRow.name == tag)
            .values(manifest_id=manifest_id, updated_at=now)
        )
        if moved.rowcount == 0:
            await conn.execute(
                insert(TagRow).values(
                    repository_id=repository_id,
                    name=tag,
                    manifest_id=manifest_id,
                    created_at=now,
                    updated_at=now,
                )
            )

    async def delete_manifest(self, repository: str, digest: Digest) -> list[str] | None:
        """Delete a manifest and the tags pointing at it; return those tags."""
        async with self._db.write() as conn:
            row = (
                await conn.execute(
                    select(ManifestRow.id).where(
                        self._in_repository(repository), ManifestRow.digest == str(digest)
                    )
                )
            ).one_or_none()
            if row is None:
                return None
            tags = (await self._tags_by_manifest(conn, [row.id])).get(row.id, [])
            await conn.execute(delete(TagRow).where(TagRow.manifest_id == row.id))
            await conn.execute(delete(ManifestRow).where(ManifestRow.id == row.id))
        return tags

    async def list_manifests(
        self, repository: str, last: str | None, limit: int, order: str, *, listable_only: bool
    ) -> Page[ManifestRecord]:
        """A page of manifests by digest, or by update time (``timeasc`` / ``timedesc``)."""
        query = select(*_MANIFEST_COLUMNS).where(self._in_repository(repository)).limit(limit + 1)
        if listable_only:
            query = query.where(ManifestRow.list_enabled.is_(True))
        async with self._db.read() as conn:
            last_time = None
            if last is not None and order in TIME_ORDERS:
                last_time = (
                    await conn.execute(
                        select(ManifestRow.updated_at).where(
                            self._in_repository(repository), ManifestRow.digest == last
                        )
                    )
                ).scalar_one_or_none()
            query = ordered_page(
                query,
                time_column=ManifestRow.updated_at,
                name_column=ManifestRow.digest,
                order=order,
                last=last,
                last_time=last_time,
            )
            rows = (await conn.execute(query)).all()
            tags = await self._tags_by_manifest(conn, [r.id for r in rows[:limit]])
        records = tuple(_record(r, tags.get(r.id, ())) for r in rows[:limit])
        return Page(records, has_more=len(rows) > limit)

    async def set_manifest_attributes(
        self, repository: str, digest: Digest, attributes: ChangeableAttributes, now: dt.datetime
    ) -> bool:
        """Replace a manifest's lock switches."""
        async with self._db.write() as conn:
            row_id = (
                await conn.execute(
                    select(ManifestRow.id).where(
                        self._in_repository(repository), ManifestRow.digest == str(digest)
                    )
                )
            ).scalar_one_or_none()
            if row_id is None:
                return False
            await conn.execute(
                update(ManifestRow)
                .where(ManifestRow.id == row_id)
                .values(**switches(attributes), updated_at=now)
            )
        return True

    async def list_referrers(self, repository: str, subject: Digest) -> list[ManifestRecord]:
        """Manifests whose subject is `subject`, by digest."""
        query = (
            select(*_MANIFEST_COLUMNS)
            .where(self._in_repository(repository), ManifestRow.subject == str(subject))
            .order_by(ManifestRow.digest)
        )
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [_record(r) for r in rows]

    async def references_of(self, repository: str, digest: Digest) -> list[Reference]:
        """What a manifest points to, in order."""
        query = (
            select(ManifestReferenceRow)
            .join(ManifestRow, ManifestRow.id == ManifestReferenceRow.manifest_id)
            .where(self._in_repository(repository), ManifestRow.digest == str(digest))
            .order_by(ManifestReferenceRow.position)
        )
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [
            Reference(
                digest=Digest.parse(r.digest),
                is_manifest=r.is_manifest,
                platform=Platform(architecture=r.architecture, os=r.os),
            )
            for r in rows
        ]
