"""Upload sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select, update

from cerulean.db.stores.base import ContentStoreBase
from cerulean.db.tables import UploadRow
from cerulean.registry.models import UploadSession

if TYPE_CHECKING:
    import datetime as dt

__all__ = ["UploadStore"]


def _session(row: UploadRow) -> UploadSession:
    return UploadSession(
        id=row.id,
        repository=row.repository,
        size=row.size,
        created_at=row.created_at,
        updated_at=row.updated_at,
        algorithm=row.algorithm,
    )


class UploadStore(ContentStoreBase):
    """Upload sessions, so a restart or another node can continue an upload."""

    async def create_upload(self, session: UploadSession) -> None:
        """Record a new session."""
        async with self._db.write() as conn:
            await conn.execute(
                insert(UploadRow).values(
                    id=session.id,
                    registry_name=self._registry,
                    repository=session.repository,
                    size=session.size,
                    algorithm=session.algorithm,
                    created_at=session.created_at,
                    updated_at=session.updated_at,
                )
            )

    async def get_upload(self, repository: str, upload_id: str) -> UploadSession | None:
        """The session, if it belongs to `repository`."""
        query = select(UploadRow).where(
            UploadRow.id == upload_id,
            UploadRow.registry_name == self._registry,
            UploadRow.repository == repository,
        )
        async with self._db.read() as conn:
            row = (await conn.execute(query)).one_or_none()
        return None if row is None else _session(row)  # type: ignore[arg-type]

    async def update_upload(self, upload_id: str, size: int, now: dt.datetime) -> None:
        """Record the size after a successful chunk."""
        async with self._db.write() as conn:
            await conn.execute(
                update(UploadRow)
                .where(UploadRow.id == upload_id, UploadRow.registry_name == self._registry)
                .values(size=size, updated_at=now)
            )

    async def delete_upload(self, upload_id: str) -> None:
        """Forget a session."""
        async with self._db.write() as conn:
            await conn.execute(
                delete(UploadRow).where(UploadRow.id == upload_id, UploadRow.registry_name == self._registry)
            )

    async def expired_uploads(self, before: dt.datetime, limit: int) -> list[UploadSession]:
        """Sessions untouched since `before`, oldest first."""
        query = (
            select(UploadRow)
            .where(UploadRow.registry_name == self._registry, UploadRow.updated_at < before)
            .order_by(UploadRow.updated_at)
            .limit(limit)
        )
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [_session(row) for row in rows]  # type: ignore[arg-type]
