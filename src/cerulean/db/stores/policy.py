"""The policy version counter every policy write bumps in its own transaction."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from cerulean.arm.errors import ResourceConflictError
from cerulean.db.tables import PolicyVersionRow

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sqlalchemy.ext.asyncio import AsyncConnection

    from cerulean.db.engine import Database

__all__ = ["bump_policy_version", "policy_write", "read_policy_version"]


@contextlib.asynccontextmanager
async def policy_write(db: Database) -> AsyncIterator[AsyncConnection]:
    """A write that bumps the policy version; constraint violations become `ResourceConflictError`."""
    try:
        async with db.write() as conn:
            yield conn
            await bump_policy_version(conn)
    except IntegrityError as exc:
        raise ResourceConflictError("the resource exists already, or its parent does not") from exc


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
