"""Network controls: private endpoint connections (the registry's own network settings are its columns)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from cerulean.db.tables.base import Base, UTCDateTime

__all__ = ["PrivateEndpointConnectionRow"]


class PrivateEndpointConnectionRow(Base):
    """A connection from a private endpoint to a registry; it goes with the registry when that is deleted."""

    __tablename__ = "private_endpoint_connections"

    registry_name: Mapped[str] = mapped_column(
        ForeignKey("registries.name", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(256), primary_key=True)
    private_endpoint_id: Mapped[str] = mapped_column(Text())
    status: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text())
    actions_required: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
