"""Bringing a database to the newest schema with Alembic, from code (no alembic.ini needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config

from cerulean.core.errors import CeruleanError

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.engine import Connection

    from cerulean.db.engine import Database

__all__ = ["MigrationError", "alembic_config", "check", "downgrade", "migrate"]


class MigrationError(CeruleanError):
    """An upgrade would have left the database inconsistent (nothing was committed)."""


def alembic_config(connection: Connection) -> Config:
    """An Alembic configuration bound to `connection`."""
    config = Config()
    config.set_main_option("script_location", "cerulean.db:migrations")
    config.attributes["connection"] = connection
    return config


async def migrate(database: Database) -> None:
    """Upgrade the schema to head (idempotent; safe to run on every start)."""
    await _run(database, lambda config: command.upgrade(config, "head"))


async def downgrade(database: Database, revision: str) -> None:
    """Take the schema back to `revision` (an operator's step back before running an older release)."""
    await _run(database, lambda config: command.downgrade(config, revision))


async def _run(database: Database, step: Callable[[Config], None]) -> None:
    if not database.is_sqlite:
        async with database.engine.begin() as conn:
            await conn.run_sync(lambda sync: step(alembic_config(sync)))
        return
    async with database.engine.connect() as conn:
        # SQLite changes a table by copying and dropping it, and with foreign keys on, the drop deletes
        # the rows that reference it (ON DELETE CASCADE). The pragma is ignored inside a transaction;
        # the driver starts one only at the first data change, so it is still outside one here.
        await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            await conn.run_sync(lambda sync: step(alembic_config(sync)))
            broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
            if broken:
                raise MigrationError(f"the migration left {len(broken)} rows with dangling references")
            await conn.commit()
        finally:
            await conn.rollback()
            await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            await conn.commit()


async def check(database: Database) -> None:
    """Raise if the tables in code differ from what the migrations build (`alembic check`)."""
    async with database.engine.connect() as conn:
        await conn.run_sync(lambda sync: command.check(alembic_config(sync)))
