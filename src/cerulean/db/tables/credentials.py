"""The registry's own credentials (admin passwords, scope maps, tokens) and the policy version counter."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKeyConstraint, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cerulean.db.tables.base import Base, UTCDateTime

__all__ = ["AdminPasswordRow", "PolicyVersionRow", "ScopeMapRow", "TokenPasswordRow", "TokenRow"]


class PolicyVersionRow(Base):
    """One row whose `version` every policy write increments (nodes compare it to their snapshot's)."""

    __tablename__ = "policy_version"

    id: Mapped[int] = mapped_column(Integer(), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger())


class AdminPasswordRow(Base):
    """One of a registry's two admin passwords, AES-GCM-sealed under the key-encryption key."""

    __tablename__ = "admin_passwords"

    registry_name: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    sealed_value: Mapped[bytes] = mapped_column(LargeBinary())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ScopeMapRow(Base):
    """A user-defined scope map; `actions` is a newline-separated list."""

    __tablename__ = "scope_maps"

    registry_name: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    description: Mapped[str] = mapped_column(Text())
    actions: Mapped[str] = mapped_column(Text())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class TokenRow(Base):
    """A repository-scoped token."""

    __tablename__ = "registry_tokens"

    registry_name: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    scope_map: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class TokenPasswordRow(Base):
    """A token password: argon2id hash, hint, expiry."""

    __tablename__ = "registry_token_passwords"
    __table_args__ = (
        ForeignKeyConstraint(
            ["registry_name", "token"],
            ["registry_tokens.registry_name", "registry_tokens.name"],
            ondelete="CASCADE",
        ),
    )

    registry_name: Mapped[str] = mapped_column(String(50), primary_key=True)
    token: Mapped[str] = mapped_column(String(50), primary_key=True)
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(Text())
    hint: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expiry: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
