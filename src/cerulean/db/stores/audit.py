"""The audit log (`AuditLog`)."""

from __future__ import annotations

import dataclasses
import operator
from typing import TYPE_CHECKING, Final, cast

from sqlalchemy import insert, select

from cerulean.audit.models import AuditCategory, AuditEvent
from cerulean.db.stores.base import StoreBase
from cerulean.db.tables import AuditEventRow

if TYPE_CHECKING:
    from sqlalchemy import Table

    from cerulean.audit.interfaces import AuditQuery

__all__ = ["SqlAuditLog"]

_FIELDS: Final = tuple(f.name for f in dataclasses.fields(AuditEvent))
_VALUES: Final = operator.attrgetter(*_FIELDS)
_TABLE: Final = cast("Table", AuditEventRow.__table__)


class SqlAuditLog(StoreBase):
    """`AuditLog` on SQLAlchemy Core."""

    async def record_audit_events(self, events: list[AuditEvent]) -> None:
        """Append records in one transaction."""
        if not events:
            return
        rows = [dict(zip(_FIELDS, _VALUES(e), strict=True)) for e in events]
        for row in rows:
            row["category"] = row["category"].value
        async with self._db.write() as conn:
            await conn.execute(insert(_TABLE), rows)  # Core, not the slower ORM bulk path

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
        events = []
        for r in rows:
            values = {name: getattr(r, name) for name in _FIELDS}
            values["category"] = AuditCategory(values["category"])
            events.append(AuditEvent(**values))
        return events
