"""Database engines: SQLite (WAL) by default, PostgreSQL through asyncpg for several nodes.

SQLite is tuned for a single node: WAL so readers never wait for the writer, ``synchronous=FULL`` so an
acknowledged push survives a power cut, foreign keys on (SQLite leaves them off). Writers inside one
process take `Database.write_lock` first: SQLite has one writer at a time, and queueing in Python avoids
the lock-upgrade deadlock that ``busy_timeout`` cannot resolve.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = ["Database"]


class Database:
    """An async engine plus the write discipline its dialect needs."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        if not self.is_sqlite:
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        self.write_lock: asyncio.Lock | None = asyncio.Lock() if self.is_sqlite else None
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reads (in a transaction, so reads see one snapshot)."""
        async with self.engine.connect() as conn:
            yield conn

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """A connection in a transaction that commits on success and rolls back on error."""
        if self.write_lock is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self.write_lock, self.engine.begin() as conn:
            yield conn

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: object) -> None:  # noqa: ANN401 - a DBAPI connection
    cursor = dbapi_connection.cursor()
    for pragma in (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=FULL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA busy_timeout=10000",
    ):
        cursor.execute(pragma)
    cursor.close()
