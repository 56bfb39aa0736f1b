"""The ``repository_blobs`` table: which blobs each repository may serve.

A blob's bytes are stored once (content-addressed); a link row is what makes it visible in a repository,
so knowing a digest is never enough to read another repository's content.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from cerulean.db.tables.base import Base, UTCDateTime

__all__ = ["RepositoryBlobRow"]


class RepositoryBlobRow(Base):
    """A blob linked into a repository."""

    __tablename__ = "repository_blobs"

    repository_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("repositories.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(200), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
