"""The ``repositories`` table: one row per repository of a registry, with its lock switches."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Integer, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from cerulean.db.tables.base import Base, Name, UTCDateTime

__all__ = ["RepositoryRow"]


class RepositoryRow(Base):
    """A repository; names are unique within a registry (several registries may share one database)."""

    __tablename__ = "repositories"
    __table_args__ = (UniqueConstraint("registry_name", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    registry_name: Mapped[str] = mapped_column(String(50))  # lower case
    name: Mapped[str] = mapped_column(Name(256))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    delete_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    write_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    list_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    read_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
