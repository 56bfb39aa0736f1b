"""What every store mixin shares: the database, row conversions, and dialect-neutral upserts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Insert, and_, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from cerulean.db.tables import RepositoryRow
from cerulean.registry.models import ChangeableAttributes

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from sqlalchemy import ColumnElement
    from sqlalchemy.ext.asyncio import AsyncConnection
    from sqlalchemy.orm import DeclarativeBase

    from cerulean.db.engine import Database

__all__ = ["StoreBase", "attributes_of", "keyset_after", "switches"]


def attributes_of(row: Any) -> ChangeableAttributes:  # noqa: ANN401 - any row with the four switches
    """The changeable attributes held in a row's four switch columns."""
    return ChangeableAttributes(
        delete_enabled=bool(row.delete_enabled),
        write_enabled=bool(row.write_enabled),
        list_enabled=bool(row.list_enabled),
        read_enabled=bool(row.read_enabled),
    )


def switches(attributes: ChangeableAttributes) -> dict[str, bool]:
    """Column values for the four switches."""
    return {
        "delete_enabled": attributes.delete_enabled,
        "write_enabled": attributes.write_enabled,
        "list_enabled": attributes.list_enabled,
        "read_enabled": attributes.read_enabled,
    }


class StoreBase:
    """The database handle and helpers the store mixins build on."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def _insert_ignoring_duplicates(self, table: type[DeclarativeBase]) -> Insert:
        if self._db.is_sqlite:
            return sqlite.insert(table).on_conflict_do_nothing()
        return postgresql.insert(table).on_conflict_do_nothing()

    async def _repository_id(self, conn: AsyncConnection, name: str) -> int | None:
        result = await conn.execute(select(RepositoryRow.id).where(RepositoryRow.name == name))
        return result.scalar_one_or_none()

    async def _ensure_repository(self, conn: AsyncConnection, name: str, now: dt.datetime) -> int:
        await conn.execute(
            self._insert_ignoring_duplicates(RepositoryRow).values(name=name, created_at=now, updated_at=now)
        )
        repository_id = await self._repository_id(conn, name)
        assert repository_id is not None  # inserted or already there, in this transaction
        return repository_id


def keyset_after(keys: Sequence[Any], anchor: tuple[Any, Any], *, descending: bool) -> ColumnElement[bool]:
    """Rows strictly after `anchor` in a two-column (time, name) ordering; for keyset pagination."""
    first, second = keys
    if descending:
        return or_(first < anchor[0], and_(first == anchor[0], second < anchor[1]))
    return or_(first > anchor[0], and_(first == anchor[0], second > anchor[1]))
