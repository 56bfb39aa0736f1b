"""What every store mixin shares: the database, row conversions, and dialect-neutral upserts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Insert, Select, and_, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from cerulean.db.tables import RepositoryRow
from cerulean.registry.models import ChangeableAttributes

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy import ColumnElement
    from sqlalchemy.ext.asyncio import AsyncConnection
    from sqlalchemy.orm import DeclarativeBase

    from cerulean.db.engine import Database

__all__ = ["TIME_ORDERS", "ContentStoreBase", "StoreBase", "attributes_of", "ordered_page", "switches"]


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

    def _upsert(self, table: type[DeclarativeBase], keys: list[str], row: dict[str, Any]) -> Insert:
        """Insert `row`, or update its non-key columns where a row with the same `keys` exists."""
        statement = (sqlite.insert if self._db.is_sqlite else postgresql.insert)(table).values(**row)
        changes = {
            name: statement.excluded[name] for name in row if name not in keys and name != "created_at"
        }
        return statement.on_conflict_do_update(index_elements=keys, set_=changes)


class ContentStoreBase(StoreBase):
    """A store of one registry's content: every repository it reads or writes is that registry's."""

    def __init__(self, database: Database, registry: str) -> None:
        super().__init__(database)
        self._registry = registry.lower()  # registry names compare without case, as in ARM

    def _named(self, name: str) -> ColumnElement[bool]:
        """The repository `name` of this store's registry."""
        return and_(RepositoryRow.registry_name == self._registry, RepositoryRow.name == name)

    async def _repository_id(self, conn: AsyncConnection, name: str) -> int | None:
        result = await conn.execute(select(RepositoryRow.id).where(self._named(name)))
        return result.scalar_one_or_none()

    async def _ensure_repository(self, conn: AsyncConnection, name: str, now: dt.datetime) -> int:
        await conn.execute(
            self._insert_ignoring_duplicates(RepositoryRow).values(
                registry_name=self._registry, name=name, created_at=now, updated_at=now
            )
        )
        repository_id = await self._repository_id(conn, name)
        assert repository_id is not None  # inserted or already there, in this transaction
        return repository_id


TIME_ORDERS = frozenset({"timeasc", "timedesc"})
_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")


def ordered_page(
    query: _Query,
    *,
    time_column: Any,  # noqa: ANN401 - a column
    name_column: Any,  # noqa: ANN401 - a column
    order: str,
    last: str | None,
    last_time: dt.datetime | None,
) -> _Query:
    """Order a listing by name, or by (update time, name) for ``timeasc``/``timedesc``.

    The listing resumes strictly after `last` (keyset pagination: stable while rows are added).
    """
    if order not in TIME_ORDERS:
        query = query.order_by(name_column)
        return query if last is None else query.where(name_column > last)
    descending = order == "timedesc"
    query = query.order_by(*(c.desc() if descending else c for c in (time_column, name_column)))
    if last is None or last_time is None:
        return query
    if descending:
        after = or_(time_column < last_time, and_(time_column == last_time, name_column < last))
    else:
        after = or_(time_column > last_time, and_(time_column == last_time, name_column > last))
    return query.where(after)
