"""The ``uploads`` table: resumable upload sessions, shared by every node."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cerulean.db.tables.base import Base, Name, UTCDateTime

__all__ = ["UploadRow"]


class UploadRow(Base):
    """An upload in progress; `size` is what the last successful request stored."""

    __tablename__ = "uploads"
    __table_args__ = (Index(None, "registry_name", "updated_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    registry_name: Mapped[str] = mapped_column(String(50))  # lower case
    repository: Mapped[str] = mapped_column(Name(256))
    size: Mapped[int] = mapped_column(BigInteger)
    algorithm: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
