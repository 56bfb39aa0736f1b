"""The audit log: registry logins and repository operations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cerulean.db.tables.base import Base, UTCDateTime

__all__ = ["AuditEventRow"]


class AuditEventRow(Base):
    """One audit record (see `cerulean.audit.models.AuditEvent`)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_time", "time"), Index("ix_audit_events_identity", "identity"))

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer())
    time: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    category: Mapped[str] = mapped_column(String(48))
    operation: Mapped[str] = mapped_column(String(64))
    login_server: Mapped[str] = mapped_column(String(256))
    identity: Mapped[str] = mapped_column(String(256))
    identity_kind: Mapped[str] = mapped_column(String(32))
    tenant_id: Mapped[str] = mapped_column(String(64))
    caller_ip: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str] = mapped_column(String(512))
    correlation_id: Mapped[str] = mapped_column(String(64))
    result_type: Mapped[str] = mapped_column(String(16))
    result_description: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text())
    repository: Mapped[str] = mapped_column(String(256))
    tag: Mapped[str] = mapped_column(String(128))
    digest: Mapped[str] = mapped_column(String(160))
    media_type: Mapped[str] = mapped_column(String(256))
    size: Mapped[int] = mapped_column(BigInteger())
    jwt_id: Mapped[str] = mapped_column(String(64))
    duration_ms: Mapped[int] = mapped_column(Integer())
