"""Content per registry: repositories and upload sessions name the registry they belong to.

Several registries share one database once a node serves a registry created through ARM; repository
names are then unique within a registry only. Existing content belongs to the registry provisioned on
the first start (the oldest), which is the only one a node could serve before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_FIRST_REGISTRY = "(SELECT lower(name) FROM registries ORDER BY created_at, name LIMIT 1)"


def upgrade() -> None:
    """Add the columns, give existing rows the first registry, and make names unique per registry."""
    for table in ("repositories", "uploads"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("registry_name", sa.String(length=50), server_default="", nullable=False)
            )
        op.execute(f"UPDATE {table} SET registry_name = COALESCE({_FIRST_REGISTRY}, '')")  # noqa: S608 - constants only
    with op.batch_alter_table("repositories") as batch:
        batch.alter_column("registry_name", server_default=None)
        batch.drop_constraint(op.f("uq_repositories_name"), type_="unique")
        batch.create_unique_constraint(op.f("uq_repositories_registry_name_name"), ["registry_name", "name"])
    with op.batch_alter_table("uploads") as batch:
        batch.alter_column("registry_name", server_default=None)
        batch.drop_index(op.f("ix_uploads_updated_at"))
        batch.create_index(op.f("ix_uploads_registry_name_updated_at"), ["registry_name", "updated_at"])


def downgrade() -> None:
    """Back to one registry's content (fails if two registries hold a repository of the same name)."""
    with op.batch_alter_table("uploads") as batch:
        batch.drop_index(op.f("ix_uploads_registry_name_updated_at"))
        batch.create_index(op.f("ix_uploads_updated_at"), ["updated_at"])
        batch.drop_column("registry_name")
    with op.batch_alter_table("repositories") as batch:
        batch.drop_constraint(op.f("uq_repositories_registry_name_name"), type_="unique")
        batch.create_unique_constraint(op.f("uq_repositories_name"), ["name"])
        batch.drop_column("registry_name")
