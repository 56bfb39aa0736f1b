"""Network controls: private endpoint connections.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cerulean.db.tables.base import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the table."""
    op.create_table(
        "private_endpoint_connections",
        sa.Column("registry_name", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("private_endpoint_id", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("actions_required", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registry_name"],
            ["registries.name"],
            name=op.f("fk_private_endpoint_connections_registry_name_registries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registry_name", "name", name=op.f("pk_private_endpoint_connections")),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("private_endpoint_connections")
