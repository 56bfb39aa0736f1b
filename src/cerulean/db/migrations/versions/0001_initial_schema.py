"""Initial schema: repositories, blob links, manifests and their references, tags, uploads.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cerulean.db.tables.base import Name, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _switches() -> list[sa.Column[bool]]:
    return [
        sa.Column(name, sa.Boolean(), server_default=sa.true(), nullable=False)
        for name in ("delete_enabled", "write_enabled", "list_enabled", "read_enabled")
    ]


def upgrade() -> None:
    """Create every table."""
    op.create_table(
        "repositories",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", Name(256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        *_switches(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_repositories")),
        sa.UniqueConstraint("name", name=op.f("uq_repositories_name")),
    )
    op.create_table(
        "uploads",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("repository", Name(256), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("algorithm", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploads")),
    )
    op.create_index(op.f("ix_uploads_updated_at"), "uploads", ["updated_at"])
    op.create_table(
        "manifests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=255), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("artifact_type", sa.String(length=255), nullable=True),
        sa.Column("config_media_type", sa.String(length=255), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("annotations", sa.Text(), server_default="{}", nullable=False),
        sa.Column("architecture", sa.String(length=64), nullable=True),
        sa.Column("os", sa.String(length=64), nullable=True),
        sa.Column("image_size", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        *_switches(),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repositories.id"],
            name=op.f("fk_manifests_repository_id_repositories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manifests")),
        sa.UniqueConstraint("repository_id", "digest", name=op.f("uq_manifests_repository_id_digest")),
    )
    op.create_index(op.f("ix_manifests_repository_id_subject"), "manifests", ["repository_id", "subject"])
    op.create_index(
        op.f("ix_manifests_repository_id_updated_at"), "manifests", ["repository_id", "updated_at"]
    )
    op.create_table(
        "repository_blobs",
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repositories.id"],
            name=op.f("fk_repository_blobs_repository_id_repositories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("repository_id", "digest", name=op.f("pk_repository_blobs")),
    )
    op.create_table(
        "manifest_references",
        sa.Column("manifest_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=200), nullable=False),
        sa.Column("is_manifest", sa.Boolean(), nullable=False),
        sa.Column("architecture", sa.String(length=64), nullable=True),
        sa.Column("os", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["manifest_id"],
            ["manifests.id"],
            name=op.f("fk_manifest_references_manifest_id_manifests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("manifest_id", "position", name=op.f("pk_manifest_references")),
    )
    op.create_index(op.f("ix_manifest_references_digest"), "manifest_references", ["digest"])
    op.create_table(
        "tags",
        sa.Column("repository_id", sa.Integer(), nullable=False),
        sa.Column("name", Name(128), nullable=False),
        sa.Column("manifest_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        *_switches(),
        sa.ForeignKeyConstraint(
            ["manifest_id"],
            ["manifests.id"],
            name=op.f("fk_tags_manifest_id_manifests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["repository_id"],
            ["repositories.id"],
            name=op.f("fk_tags_repository_id_repositories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("repository_id", "name", name=op.f("pk_tags")),
    )
    op.create_index(op.f("ix_tags_manifest_id"), "tags", ["manifest_id"])


def downgrade() -> None:
    """Drop every table."""
    for table in (
        "tags",
        "manifest_references",
        "repository_blobs",
        "manifests",
        "uploads",
        "repositories",
    ):
        op.drop_table(table)
