"""Registry policies: quarantine, content trust, retention, export and soft delete.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cerulean.db.tables.base import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_COLUMNS = (
    "quarantine_enabled", "trust_enabled", "retention_enabled", "retention_days", "retention_updated_at",
    "export_enabled", "soft_delete_enabled", "soft_delete_days", "soft_delete_updated_at",
)  # fmt: skip


def upgrade() -> None:
    """Add the columns; existing registries get ACR's defaults."""
    with op.batch_alter_table("registries") as batch:
        for flag in ("quarantine_enabled", "trust_enabled", "retention_enabled"):
            batch.add_column(sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("retention_days", sa.Integer(), server_default="7", nullable=False))
        batch.add_column(sa.Column("retention_updated_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("export_enabled", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.add_column(
            sa.Column("soft_delete_enabled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("soft_delete_days", sa.Integer(), server_default="7", nullable=False))
        batch.add_column(sa.Column("soft_delete_updated_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    """Drop them again."""
    with op.batch_alter_table("registries") as batch:
        for column in reversed(_COLUMNS):
            batch.drop_column(column)
