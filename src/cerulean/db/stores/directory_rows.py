"""What the directory's store mixins share: writes that turn constraint violations into conflicts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError

from cerulean.db.stores.base import StoreBase
from cerulean.identity.errors import DirectoryConflictError

if TYPE_CHECKING:
    from sqlalchemy import Executable

__all__ = ["DirectoryRows"]


class DirectoryRows(StoreBase):
    """Row helpers for the directory's stores."""

    async def _write(self, *statements: Executable, conflict: str = "the object already exists") -> None:
        try:
            async with self._db.write() as conn:
                for statement in statements:
                    await conn.execute(statement)
        except IntegrityError as exc:
            raise DirectoryConflictError(conflict) from exc

    async def _rows(self, query: Executable) -> list[Any]:
        async with self._db.read() as conn:
            return list((await conn.execute(query)).all())

    async def _row(self, query: Executable) -> Any:  # noqa: ANN401 - a result row or None
        rows = await self._rows(query)
        return rows[0] if rows else None
