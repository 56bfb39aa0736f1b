"""Private endpoint connections (`cerulean.network.PrivateEndpointStore`); writes bump the policy version.

The network gate compiles the Approved ones into its per-version rules, so a change made here is seen
by every node at its next policy check, like any other policy write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select

from cerulean.db.stores.base import StoreBase
from cerulean.db.stores.policy import policy_write
from cerulean.db.tables import PrivateEndpointConnectionRow
from cerulean.network import PrivateEndpointConnection, parse_connection_status

if TYPE_CHECKING:
    from sqlalchemy import Row

__all__ = ["SqlPrivateEndpointStore"]

_ROW = PrivateEndpointConnectionRow


class SqlPrivateEndpointStore(StoreBase):
    """`PrivateEndpointStore` on SQLAlchemy Core."""

    async def private_endpoint_connections(
        self, registry: str | None = None
    ) -> list[PrivateEndpointConnection]:
        """A registry's connections (every registry's when None), by registry and name."""
        query = select(_ROW).order_by(_ROW.registry_name, _ROW.name)
        if registry is not None:
            query = query.where(func.lower(_ROW.registry_name) == registry.lower())
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [_connection(r) for r in rows]

    async def put_private_endpoint_connection(self, connection: PrivateEndpointConnection) -> None:
        """Create or replace a connection (the registry must exist: its name as the registry spells it)."""
        c = connection
        row = {
            "registry_name": c.registry,
            "name": c.name,
            "private_endpoint_id": c.private_endpoint_id,
            "status": c.status.value,
            "description": c.description,
            "actions_required": c.actions_required,
            "created_at": c.created_at,
        }
        async with policy_write(self._db) as conn:
            await conn.execute(self._upsert(_ROW, ["registry_name", "name"], row))

    async def delete_private_endpoint_connection(self, registry: str, name: str) -> bool:
        """Delete a connection; False if there was none."""
        statement = delete(_ROW).where(
            func.lower(_ROW.registry_name) == registry.lower(), func.lower(_ROW.name) == name.lower()
        )
        async with policy_write(self._db) as conn:
            result = await conn.execute(statement)
            return bool(result.rowcount)


def _connection(r: Row[Any]) -> PrivateEndpointConnection:
    return PrivateEndpointConnection(
        r.registry_name,
        r.name,
        r.private_endpoint_id,
        parse_connection_status(r.status),
        r.description,
        r.actions_required,
        r.created_at,
    )
