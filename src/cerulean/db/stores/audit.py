"""The audit log (`AuditLog`).

Every pull is recorded, so the insert is on the hot path, and it is shaped to stay off it:
* rows reach the driver as plain tuples (`exec_driver_sql`), skipping SQLAlchemy's per-row compile and
  bind processing, which cost more than the request being recorded;
* on SQLite a batch goes as a few multi-row ``INSERT … VALUES (…),(…)`` statements of fixed sizes (so
  their prepared forms are cached). An ``executemany`` there hands the GIL back and forth with the
  event loop once per row from aiosqlite's thread; under load each hand-off waits (a convoy), and a
  batch of 20,000 rows took 2.7 s while slowing every request. One JSON text through ``json_each``
  avoids the convoy too but costs SQLite three times the CPU per row.
The time is stored as aware UTC; on SQLite as the text SQLAlchemy's DATETIME writes, so reads and
comparisons are unchanged.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from typing import TYPE_CHECKING, Final, cast

from sqlalchemy import select

from cerulean.audit.models import AuditCategory, AuditEvent
from cerulean.db.stores.base import StoreBase
from cerulean.db.tables import AuditEventRow

if TYPE_CHECKING:
    from sqlalchemy import Table

    from cerulean.audit.interfaces import AuditQuery

__all__ = ["SqlAuditLog"]

_FIELDS: Final = AuditEvent._fields
_TABLE: Final = cast("Table", AuditEventRow.__table__)
if _FIELDS[:3] != ("version", "time", "category"):  # `_row` converts these two by position
    raise RuntimeError(f"AuditEvent's leading fields moved: {_FIELDS[:3]}")


_CATEGORY_TEXT: Final = {category: category.value for category in AuditCategory}  # cheaper than `.value`


def _row(event: AuditEvent, *, sqlite: bool) -> tuple[object, ...]:
    when = event.time if event.time.tzinfo is dt.UTC else event.time.astimezone(dt.UTC)
    # SQLite: the text SQLAlchemy's DATETIME writes ("YYYY-MM-DD HH:MM:SS.ffffff", UTC, no zone).
    stored = when.replace(tzinfo=None).isoformat(" ", "microseconds") if sqlite else when
    return (event.version, stored, _CATEGORY_TEXT[event.category], *event[3:])


_COLUMNS: Final = ", ".join(_FIELDS)
# Rows per SQLite statement, largest first; 1,024 rows x 21 values stays under SQLite's 32,766 limit.
_SQLITE_CHUNKS: Final = (1024, 256, 64, 16, 4, 1)
_POSTGRES_INSERT: Final = (
    f"INSERT INTO {_TABLE.name} ({_COLUMNS}) VALUES ("  # noqa: S608 - constant names; values are bound
    + ", ".join(f"${i}" for i in range(1, len(_FIELDS) + 1))
    + ")"
)


@functools.cache
def _sqlite_insert(rows: int) -> str:
    one = "(" + ", ".join("?" for _ in _FIELDS) + ")"
    return f"INSERT INTO {_TABLE.name} ({_COLUMNS}) VALUES " + ", ".join([one] * rows)  # noqa: S608 - as above


def _sqlite_statements(rows: list[tuple[object, ...]]) -> list[tuple[str, tuple[object, ...]]]:
    """The rows as a few statements of `_SQLITE_CHUNKS` sizes, each with its flat parameter tuple."""
    statements = []
    start = 0
    for size in _SQLITE_CHUNKS:
        while len(rows) - start >= size:
            chunk = rows[start : start + size]
            statements.append((_sqlite_insert(size), tuple(itertools.chain.from_iterable(chunk))))
            start += size
    return statements


class SqlAuditLog(StoreBase):
    """`AuditLog` on SQLAlchemy Core."""

    async def record_audit_events(self, events: list[AuditEvent]) -> None:
        """Append records in one transaction."""
        if not events:
            return
        if self._db.is_sqlite:
            statements = _sqlite_statements([_row(event, sqlite=True) for event in events])
            async with self._db.write() as conn:
                for sql, values in statements:
                    await conn.exec_driver_sql(sql, values)
            return
        async with self._db.write() as conn:  # asyncpg runs on the event loop: no thread to convoy with
            await conn.exec_driver_sql(_POSTGRES_INSERT, [_row(event, sqlite=False) for event in events])

    async def audit_events(self, query: AuditQuery) -> list[AuditEvent]:
        """Matching records, newest first."""
        statement = select(AuditEventRow).order_by(AuditEventRow.id.desc()).limit(query.limit)
        if query.since is not None:
            statement = statement.where(AuditEventRow.time >= query.since)
        if query.identity is not None:
            statement = statement.where(AuditEventRow.identity == query.identity)
        if query.category is not None:
            statement = statement.where(AuditEventRow.category == query.category.value)
        if query.repository is not None:
            statement = statement.where(AuditEventRow.repository == query.repository)
        if query.result is not None:
            column = AuditEventRow.result_description if query.result.isdigit() else AuditEventRow.result_type
            statement = statement.where(column == query.result)
        async with self._db.read() as conn:
            rows = (await conn.execute(statement)).all()
        return [
            AuditEvent._make(
                AuditCategory(r.category) if name == "category" else getattr(r, name) for name in _FIELDS
            )
            for r in rows
        ]
