"""Management plane: tags, network controls and identities of registries; custom role definitions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cerulean.db.tables.base import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the columns and the table."""
    with op.batch_alter_table("resource_groups") as batch:
        batch.add_column(sa.Column("tags", sa.Text(), server_default="{}", nullable=False))
    with op.batch_alter_table("registries") as batch:
        batch.add_column(sa.Column("tags", sa.Text(), server_default="{}", nullable=False))
        batch.add_column(
            sa.Column("public_network_access", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.add_column(
            sa.Column("network_default_action", sa.String(length=8), server_default="Allow", nullable=False)
        )
        batch.add_column(sa.Column("ip_rules", sa.Text(), server_default="[]", nullable=False))
        batch.add_column(
            sa.Column("bypass_azure_services", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch.add_column(
            sa.Column("bypass_for_tasks", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(
            sa.Column("data_endpoint_enabled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch.add_column(sa.Column("system_identity_id", sa.String(length=36), nullable=True))
        batch.add_column(
            sa.Column("user_assigned_identities", sa.Text(), server_default="[]", nullable=False)
        )
    op.create_table(
        "role_definitions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("role_name", sa.String(length=256), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_definitions")),
        sa.UniqueConstraint("role_name", name=op.f("uq_role_definitions_role_name")),
    )


def downgrade() -> None:
    """Drop them again."""
    op.drop_table("role_definitions")
    with op.batch_alter_table("registries") as batch:
        for column in (
            "user_assigned_identities", "system_identity_id", "data_endpoint_enabled", "bypass_for_tasks",
            "bypass_azure_services", "ip_rules", "network_default_action", "public_network_access", "tags",
        ):  # fmt: skip
            batch.drop_column(column)
    with op.batch_alter_table("resource_groups") as batch:
        batch.drop_column("tags")
