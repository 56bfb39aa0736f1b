"""The registry's own credentials: admin passwords, scope maps, tokens (`CredentialStore`)."""

from __future__ import annotations

from sqlalchemy import delete, insert, select

from cerulean.auth.models import AdminPassword, StoredScopeMap, StoredToken, TokenPassword, TokenState
from cerulean.db.stores.base import StoreBase
from cerulean.db.stores.policy import policy_write, read_policy_version
from cerulean.db.tables import AdminPasswordRow, ScopeMapRow, TokenPasswordRow, TokenRow

__all__ = ["SqlCredentialStore"]


class SqlCredentialStore(StoreBase):
    """`CredentialStore` on SQLAlchemy Core; every write bumps the policy version in its transaction."""

    async def policy_version(self) -> int:
        """The current policy version."""
        return await read_policy_version(self._db)

    async def admin_passwords(self, registry: str) -> list[AdminPassword]:
        """The registry's admin passwords, by name."""
        query = (
            select(AdminPasswordRow)
            .where(AdminPasswordRow.registry_name == registry.lower())
            .order_by(AdminPasswordRow.name)
        )
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [AdminPassword(r.registry_name, r.name, bytes(r.sealed_value), r.created_at) for r in rows]

    async def put_admin_password(self, password: AdminPassword) -> None:
        """Create or replace one admin password."""
        row = {
            "registry_name": password.registry.lower(),
            "name": password.name,
            "sealed_value": password.sealed_value,
            "created_at": password.created_at,
        }
        async with policy_write(self._db) as conn:
            await conn.execute(self._upsert(AdminPasswordRow, ["registry_name", "name"], row))

    async def put_scope_map(self, scope_map: StoredScopeMap) -> None:
        """Create or replace a user-defined scope map."""
        row = {
            "registry_name": scope_map.registry.lower(),
            "name": scope_map.name,
            "description": scope_map.description,
            "actions": "\n".join(scope_map.actions),
            "created_at": scope_map.created_at,
        }
        async with policy_write(self._db) as conn:
            await conn.execute(self._upsert(ScopeMapRow, ["registry_name", "name"], row))

    async def delete_scope_map(self, registry: str, name: str) -> bool:
        """Delete a scope map."""
        statement = delete(ScopeMapRow).where(
            ScopeMapRow.registry_name == registry.lower(), ScopeMapRow.name == name
        )
        async with policy_write(self._db) as conn:
            return bool((await conn.execute(statement)).rowcount)

    async def scope_maps(self) -> list[StoredScopeMap]:
        """Every user-defined scope map."""
        query = select(ScopeMapRow).order_by(ScopeMapRow.registry_name, ScopeMapRow.name)
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [
            StoredScopeMap(
                r.registry_name,
                r.name,
                r.description,
                tuple(a for a in r.actions.split("\n") if a),
                r.created_at,
            )
            for r in rows
        ]

    async def put_token(self, token: StoredToken) -> None:
        """Create or replace a token's scope map and status (its passwords are kept)."""
        row = {
            "registry_name": token.registry.lower(),
            "name": token.name,
            "scope_map": token.scope_map,
            "status": token.status.value,
            "created_at": token.created_at,
        }
        async with policy_write(self._db) as conn:
            await conn.execute(self._upsert(TokenRow, ["registry_name", "name"], row))

    async def put_token_password(self, registry: str, token: str, password: TokenPassword) -> None:
        """Create or replace one of a token's passwords."""
        row = {
            "registry_name": registry.lower(),
            "token": token,
            "name": password.name,
            "secret_hash": password.secret_hash,
            "hint": password.hint,
            "created_at": password.created_at,
            "expiry": password.expiry,
        }
        async with policy_write(self._db) as conn:  # a regenerated password is a new one: new creation time
            await conn.execute(
                delete(TokenPasswordRow).where(
                    TokenPasswordRow.registry_name == row["registry_name"],
                    TokenPasswordRow.token == token,
                    TokenPasswordRow.name == password.name,
                )
            )
            await conn.execute(insert(TokenPasswordRow).values(**row))

    async def delete_token_password(self, registry: str, token: str, name: str) -> bool:
        """Delete one of a token's passwords."""
        async with policy_write(self._db) as conn:
            result = await conn.execute(
                delete(TokenPasswordRow).where(
                    TokenPasswordRow.registry_name == registry.lower(),
                    TokenPasswordRow.token == token,
                    TokenPasswordRow.name == name,
                )
            )
            return bool(result.rowcount)

    async def delete_token(self, registry: str, name: str) -> bool:
        """Delete a token and its passwords."""
        registry = registry.lower()
        async with policy_write(self._db) as conn:
            await conn.execute(
                delete(TokenPasswordRow).where(
                    TokenPasswordRow.registry_name == registry, TokenPasswordRow.token == name
                )
            )
            result = await conn.execute(
                delete(TokenRow).where(TokenRow.registry_name == registry, TokenRow.name == name)
            )
            return bool(result.rowcount)

    async def tokens(self) -> list[StoredToken]:
        """Every token with its passwords."""
        async with self._db.read() as conn:
            tokens = (
                await conn.execute(select(TokenRow).order_by(TokenRow.registry_name, TokenRow.name))
            ).all()
            passwords = (await conn.execute(select(TokenPasswordRow).order_by(TokenPasswordRow.name))).all()
        by_token: dict[tuple[str, str], list[TokenPassword]] = {}
        for p in passwords:
            by_token.setdefault((p.registry_name, p.token), []).append(
                TokenPassword(p.name, p.secret_hash, p.hint, p.created_at, p.expiry)
            )
        return [
            StoredToken(
                t.registry_name,
                t.name,
                t.scope_map,
                TokenState(t.status),
                t.created_at,
                tuple(by_token.get((t.registry_name, t.name), ())),
            )
            for t in tokens
        ]
