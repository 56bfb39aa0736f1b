"""The policy version counter every policy write bumps in its own transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, update

from cerulean.db.tables import PolicyVersionRow

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from cerulean.db.engine import Database

__all__ = ["bump_policy_version", "read_policy_version"]


async def bump_policy_version(conn: AsyncConnection) -> None:
    """Increment the counter inside the caller's write transaction."""
    await conn.execute(
        update(PolicyVersionRow).where(PolicyVersionRow.id == 1).values(version=PolicyVersionRow.version + 1)
    )


async def read_policy_version(db: Database) -> int:
    """The current counter."""
    async with db.read() as conn:
        value = (
            await conn.execute(select(PolicyVersionRow.version).where(PolicyVersionRow.id == 1))
        ).scalar()
    return int(value or 0)
