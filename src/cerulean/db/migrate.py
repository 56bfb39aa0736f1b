"""Bringing a database to the newest schema with Alembic, from code (no alembic.ini needed)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from cerulean.db.engine import Database

__all__ = ["alembic_config", "check", "migrate"]


def alembic_config(connection: Connection) -> Config:
    """An Alembic configuration bound to `connection`."""
    config = Config()
    config.set_main_option("script_location", "cerulean.db:migrations")
    config.attributes["connection"] = connection
    return config


async def migrate(database: Database) -> None:
    """Upgrade the schema to head (idempotent; safe to run on every start)."""
    async with database.engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))


async def check(database: Database) -> None:
    """Raise if the tables in code differ from what the migrations build (`alembic check`)."""
    async with database.engine.connect() as conn:
        await conn.run_sync(lambda sync: command.check(alembic_config(sync)))
