"""The ``manifests`` and ``manifest_references`` tables."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from cerulean.db.tables.base import Base, UTCDateTime

__all__ = ["ManifestReferenceRow", "ManifestRow"]


class ManifestRow(Base):
    """A manifest: its exact bytes plus what the registry derived from them."""

    __tablename__ = "manifests"
    __table_args__ = (
        UniqueConstraint("repository_id", "digest"),
        Index(None, "repository_id", "subject"),
        Index(None, "repository_id", "updated_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    repository_id: Mapped[int] = mapped_column(Integer, ForeignKey("repositories.id", ondelete="CASCADE"))
    digest: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(255))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    artifact_type: Mapped[str | None] = mapped_column(String(255))
    config_media_type: Mapped[str | None] = mapped_column(String(255))
    subject: Mapped[str | None] = mapped_column(String(200))
    annotations: Mapped[str] = mapped_column(Text, server_default="{}")
    architecture: Mapped[str | None] = mapped_column(String(64))
    os: Mapped[str | None] = mapped_column(String(64))
    image_size: Mapped[int] = mapped_column(BigInteger, server_default="0")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    delete_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    write_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    list_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())
    read_enabled: Mapped[bool] = mapped_column(Boolean, server_default=true())


class ManifestReferenceRow(Base):
    """One descriptor a manifest points to, in order."""

    __tablename__ = "manifest_references"
    __table_args__ = (Index(None, "digest"),)

    manifest_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("manifests.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(200))
    is_manifest: Mapped[bool] = mapped_column(Boolean)
    architecture: Mapped[str | None] = mapped_column(String(64))
    os: Mapped[str | None] = mapped_column(String(64))
