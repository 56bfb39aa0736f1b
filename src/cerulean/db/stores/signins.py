"""The identity provider's operational state: sign-in records, signing keys, device codes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from cerulean.db.stores.base import StoreBase
from cerulean.db.stores.retention import delete_before
from cerulean.db.tables import DeviceCodeRow, SigningKeyRow, SignInRow
from cerulean.identity.errors import DirectoryConflictError
from cerulean.identity.interfaces import StoredSigningKey
from cerulean.identity.models import DeviceCode, DeviceCodeStatus, SignIn

if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy import Table

__all__ = ["IdentityStateStore", "RegistrySigningKeyStore", "SigningKeyRows"]

_SIGN_IN_FIELDS = (
    "version",
    "time",
    "tenant_id",
    "grant_type",
    "client_id",
    "identity",
    "identity_type",
    "resource",
    "caller_ip",
    "result",
    "error_code",
    "reason",
    "correlation_id",
)


def _device_code(row: Any) -> DeviceCode:  # noqa: ANN401 - a result row
    return DeviceCode(
        row.device_code_hash,
        row.user_code,
        row.tenant_id,
        row.client_id,
        row.scope,
        DeviceCodeStatus(row.status),
        row.user_id,
        row.expires_at,
        row.created_at,
    )


class SigningKeyRows(StoreBase):
    """`SigningKeyStore` for one family of tokens (`signing_purpose`)."""

    signing_purpose: ClassVar[str] = "identity"

    async def signing_keys(self) -> list[StoredSigningKey]:
        """Every key not purged, newest first."""
        query = (
            select(SigningKeyRow)
            .where(SigningKeyRow.purpose == self.signing_purpose)
            .order_by(SigningKeyRow.created_at.desc(), SigningKeyRow.kid)
        )
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [
            StoredSigningKey(r.kid, bytes(r.encrypted_private_key), r.created_at, r.retire_at) for r in rows
        ]

    async def add_signing_key(self, key: StoredSigningKey, *, retire_others_at: dt.datetime) -> None:
        """Retire the signing key at `retire_others_at` and make `key` the signing key, in one transaction."""
        async with self._db.write() as conn:
            await conn.execute(
                update(SigningKeyRow)
                .where(SigningKeyRow.retire_at.is_(None), SigningKeyRow.purpose == self.signing_purpose)
                .values(retire_at=retire_others_at)
            )
            await conn.execute(
                insert(SigningKeyRow).values(
                    kid=key.kid,
                    purpose=self.signing_purpose,
                    encrypted_private_key=key.encrypted_private_key,
                    created_at=key.created_at,
                    retire_at=None,
                )
            )

    async def purge_signing_keys(self, now: dt.datetime) -> int:
        """Delete keys retired before `now`."""
        async with self._db.write() as conn:
            result = await conn.execute(
                delete(SigningKeyRow).where(
                    SigningKeyRow.retire_at < now, SigningKeyRow.purpose == self.signing_purpose
                )
            )
        return int(result.rowcount)


class RegistrySigningKeyStore(SigningKeyRows):
    """The keys that sign the registry's own (ACR) refresh and access tokens."""

    signing_purpose: ClassVar[str] = "registry"


class IdentityStateStore(SigningKeyRows):
    """`SignInLog`, `SigningKeyStore` (Entra tokens) and `DeviceCodeStore` on SQLAlchemy Core."""

    async def record_sign_in(self, sign_in: SignIn) -> None:
        """Append one attempt."""
        await self.record_sign_ins([sign_in])

    async def record_sign_ins(self, sign_ins: list[SignIn]) -> None:
        """Append several attempts in one transaction."""
        if not sign_ins:
            return
        rows = [{name: getattr(s, name) for name in _SIGN_IN_FIELDS} for s in sign_ins]
        async with self._db.write() as conn:
            await conn.execute(insert(SignInRow), rows)

    async def sign_ins(
        self, *, tenant_id: str | None = None, since: dt.datetime | None = None, limit: int = 1000
    ) -> list[SignIn]:
        """The most recent attempts (of one tenant, if given), newest first."""
        query = select(SignInRow).order_by(SignInRow.id.desc()).limit(limit)
        if tenant_id is not None:
            query = query.where(SignInRow.tenant_id == tenant_id)
        if since is not None:
            query = query.where(SignInRow.time >= since)
        async with self._db.read() as conn:
            rows = (await conn.execute(query)).all()
        return [SignIn(**{name: getattr(r, name) for name in _SIGN_IN_FIELDS}) for r in rows]

    async def purge_sign_ins(self, before: dt.datetime) -> int:
        """Delete the attempts older than `before`; how many went."""
        table = cast("Table", SignInRow.__table__)
        return await delete_before(self._db, table, table.c.time, before)

    async def purge_device_codes(self, expired_before: dt.datetime) -> int:
        """Delete the device codes that expired before `expired_before` (their user codes come free)."""
        async with self._db.write() as conn:
            statement = delete(DeviceCodeRow).where(DeviceCodeRow.expires_at < expired_before)
            return int((await conn.execute(statement)).rowcount)

    async def add_device_code(self, code: DeviceCode) -> None:
        """Record a new device code; a user code already in use is a `DirectoryConflictError`."""
        try:
            await self._add_device_code(code)
        except IntegrityError as exc:
            raise DirectoryConflictError("that user code is in use") from exc

    async def _add_device_code(self, code: DeviceCode) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                insert(DeviceCodeRow).values(
                    device_code_hash=code.device_code_hash,
                    user_code=code.user_code,
                    tenant_id=code.tenant_id,
                    client_id=code.client_id,
                    scope=code.scope,
                    status=code.status.value,
                    user_id=code.user_id,
                    expires_at=code.expires_at,
                    created_at=code.created_at,
                )
            )

    async def device_code(self, device_code_hash: str) -> DeviceCode | None:
        """A device code by the hash of its secret part."""
        query = select(DeviceCodeRow).where(DeviceCodeRow.device_code_hash == device_code_hash)
        async with self._db.read() as conn:
            row = (await conn.execute(query)).one_or_none()
        return None if row is None else _device_code(row)

    async def device_code_by_user_code(self, user_code: str) -> DeviceCode | None:
        """A device code by the code the user types."""
        query = select(DeviceCodeRow).where(DeviceCodeRow.user_code == user_code)
        async with self._db.read() as conn:
            row = (await conn.execute(query)).one_or_none()
        return None if row is None else _device_code(row)

    async def set_device_code_status(
        self,
        device_code_hash: str,
        status: DeviceCodeStatus,
        *,
        user_id: str | None,
        expected: DeviceCodeStatus,
    ) -> bool:
        """Compare-and-set: move the code from `expected` to `status`."""
        statement = (
            update(DeviceCodeRow)
            .where(DeviceCodeRow.device_code_hash == device_code_hash, DeviceCodeRow.status == expected.value)
            .values(status=status.value, user_id=user_id)
        )
        async with self._db.write() as conn:
            return bool((await conn.execute(statement)).rowcount)
