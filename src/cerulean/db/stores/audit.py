"""The audit log (`AuditLog`).

Every pull is recorded, so the insert is on the hot path, and it is shaped to stay off it:
* on SQLite a batch reaches the database as one JSON text, unpacked by SQLite itself
  (``INSERT … SELECT … FROM json_each(?)``). The event loop's thread only runs `json.dumps` (C) over
  the records; binding 21 parameters per row, as a multi-row ``VALUES`` does, holds the GIL in
  aiosqlite's thread for as long, and under load every request waits for it. SQLite spends more CPU
  per row on the JSON, but it does so without the GIL, on the other core;
* on PostgreSQL, rows go to asyncpg as plain tuples (`exec_driver_sql`), skipping SQLAlchemy's per-row
  compile and bind processing.
The time is stored as aware UTC; on SQLite as the text SQLAlchemy's DATETIME writes, so reads and
comparisons are unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Final, cast

from sqlalchemy import select

from cerulean.audit.models import AuditCategory, AuditEvent
from cerulean.db.stores.base import StoreBase
from cerulean.db.stores.retention import delete_before
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


def _row(event: AuditEvent) -> tuple[object, ...]:
    when = event.time if event.time.tzinfo is dt.UTC else event.time.astimezone(dt.UTC)
    return (event.version, when, _CATEGORY_TEXT[event.category], *event[3:])


def _sqlite_time(value: object) -> str:
    """A record's time as the text SQLAlchemy's DATETIME writes ("YYYY-MM-DD HH:MM:SS.ffffff", UTC)."""
    if not isinstance(value, dt.datetime):
        raise TypeError(f"an audit record holds a {type(value).__name__} where only its time may be encoded")
    when = value if value.tzinfo is dt.UTC else value.astimezone(dt.UTC)
    return when.isoformat(" ", "microseconds")[:26]


_COLUMNS: Final = ", ".join(_FIELDS)
# The records as JSON arrays in field order (enums are str: they encode as their value).
_SQLITE_INSERT: Final = (
    f"INSERT INTO {_TABLE.name} ({_COLUMNS}) SELECT "  # noqa: S608 - constant names; the values are bound
    + ", ".join(f"json_extract(value, '$[{i}]')" for i in range(len(_FIELDS)))
    + " FROM json_each(?) ORDER BY key"
)
_POSTGRES_INSERT: Final = (
    f"INSERT INTO {_TABLE.name} ({_COLUMNS}) VALUES ("  # noqa: S608 - constant names; values are bound
    + ", ".join(f"${i}" for i in range(1, len(_FIELDS) + 1))
    + ")"
)
_encode_for_sqlite: Final = json.JSONEncoder(
    default=_sqlite_time, check_circular=False, separators=(",", ":")
).encode


class SqlAuditLog(StoreBase):
    """`AuditLog` on SQLAlchemy Core."""

    async def record_audit_events(self, events: list[AuditEvent]) -> None:
        """Append records in one transaction."""
        if not events:
            return
        if self._db.is_sqlite:
            records = _encode_for_sqlite(events)
            async with self._db.write() as conn:
                await conn.exec_driver_sql(_SQLITE_INSERT, (records,))
            return
        async with self._db.write() as conn:  # asyncpg runs on the event loop: no thread to convoy with
            await conn.exec_driver_sql(_POSTGRES_INSERT, [_row(event) for event in events])

    async def purge_audit_events(self, before: dt.datetime) -> int:
        """Delete the records older than `before`; how many went."""
        return await delete_before(self._db, _TABLE, _TABLE.c.time, before)

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
