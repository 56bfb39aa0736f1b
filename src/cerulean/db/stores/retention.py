"""Deleting old log rows a chunk at a time, so no single write holds the database for long."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Final

from sqlalchemy import delete, select

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy import Column, Table

    from cerulean.db.engine import Database

__all__ = ["delete_before"]

_CHUNK: Final = 10_000


async def delete_before(
    database: Database, table: Table, time_column: Column[dt.datetime], cutoff: dt.datetime
) -> int:
    """Delete the rows whose `time_column` is before `cutoff`, oldest first; how many went."""
    total = 0
    while True:
        oldest = select(table.c.id).where(time_column < cutoff).order_by(table.c.id).limit(_CHUNK)
        statement = delete(table).where(table.c.id.in_(oldest.scalar_subquery()))
        async with database.write() as conn:
            deleted = int((await conn.execute(statement)).rowcount)
        total += deleted
        if deleted < _CHUNK:
            return total
        await asyncio.sleep(0)  # requests and other writers get the database between chunks
