"""Sign-in records, signing keys and device codes: the identity provider's operational state."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cerulean.db.tables.base import Base, UTCDateTime

__all__ = ["DeviceCodeRow", "SignInRow", "SigningKeyRow"]


class SignInRow(Base):
    """One sign-in attempt (append-only)."""

    __tablename__ = "sign_ins"
    __table_args__ = (Index(None, "time"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer())
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    tenant_id: Mapped[str] = mapped_column(String(64))
    grant_type: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(64))
    identity: Mapped[str] = mapped_column(String(256))
    identity_type: Mapped[str] = mapped_column(String(32))
    resource: Mapped[str] = mapped_column(String(256))
    caller_ip: Mapped[str] = mapped_column(String(64))
    result: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[int] = mapped_column(Integer())
    reason: Mapped[str] = mapped_column(Text())
    correlation_id: Mapped[str] = mapped_column(String(64))


class SigningKeyRow(Base):
    """A token-signing key, encrypted; `retire_at` is NULL for the key that signs."""

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Which token family the key signs: "identity" (Entra tokens) or "registry" (ACR tokens).
    purpose: Mapped[str] = mapped_column(String(16), server_default="identity", index=True)
    encrypted_private_key: Mapped[bytes] = mapped_column(LargeBinary())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    retire_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class DeviceCodeRow(Base):
    """A device-code sign-in in progress."""

    __tablename__ = "device_codes"

    device_code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_code: Mapped[str] = mapped_column(String(16), unique=True)
    tenant_id: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(Text())
    status: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
