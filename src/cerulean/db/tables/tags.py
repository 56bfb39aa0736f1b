"""The ``tags`` table."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, true
from sqlalchemy.orm import Mapped, mapped_column

from cerulean.db.tables.base import Base, Name, UTCDateTime

__all__ = ["TagRow"]


class TagRow(Base):
    """A tag pointing at a manifest of the same repository."""

    __tablename__ = "tags"
    __table_args__ = (Index(None, "manifest_id"),)

    repository_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("repositories.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(Name(128), primary_key=True)
    manifest_id: Mapped[int] = mapped_column(Integer, ForeignKey("manifests.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    delete_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    write_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    list_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    read_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
