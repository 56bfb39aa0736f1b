"""Registry authentication: admin passwords, scope maps, tokens, the policy version, the audit log.

Also: signing keys gain a `purpose` (Entra tokens or the registry's own tokens) and registries the
`azureADAuthenticationAsArmPolicy` switch.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cerulean.db.tables.base import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables and columns."""
    with op.batch_alter_table("signing_keys") as batch:
        batch.add_column(
            sa.Column("purpose", sa.String(length=16), server_default="identity", nullable=False)
        )
        batch.create_index(batch.f("ix_signing_keys_purpose"), ["purpose"], unique=False)
    with op.batch_alter_table("registries") as batch:
        batch.add_column(
            sa.Column("arm_audience_enabled", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    version = op.create_table(
        "policy_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_version")),
    )
    op.bulk_insert(version, [{"id": 1, "version": 1}])
    op.create_table(
        "admin_passwords",
        sa.Column("registry_name", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("sealed_value", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("registry_name", "name", name=op.f("pk_admin_passwords")),
    )
    op.create_table(
        "scope_maps",
        sa.Column("registry_name", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("actions", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("registry_name", "name", name=op.f("pk_scope_maps")),
    )
    op.create_table(
        "registry_tokens",
        sa.Column("registry_name", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("scope_map", sa.String(length=50), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("registry_name", "name", name=op.f("pk_registry_tokens")),
    )
    op.create_table(
        "registry_token_passwords",
        sa.Column("registry_name", sa.String(length=50), nullable=False),
        sa.Column("token", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.Text(), nullable=False),
        sa.Column("hint", sa.String(length=8), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expiry", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["registry_name", "token"],
            ["registry_tokens.registry_name", "registry_tokens.name"],
            name=op.f("fk_registry_token_passwords_registry_name_registry_tokens"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registry_name", "token", "name", name=op.f("pk_registry_token_passwords")),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("time", UTCDateTime(), nullable=False),
        sa.Column("category", sa.String(length=48), nullable=False),
        sa.Column("operation", sa.String(length=64), nullable=False),
        sa.Column("login_server", sa.String(length=256), nullable=False),
        sa.Column("identity", sa.String(length=256), nullable=False),
        sa.Column("identity_kind", sa.String(length=32), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("caller_ip", sa.String(length=64), nullable=False),
        sa.Column("user_agent", sa.String(length=512), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.Column("result_type", sa.String(length=16), nullable=False),
        sa.Column("result_description", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("repository", sa.String(length=256), nullable=False),
        sa.Column("tag", sa.String(length=128), nullable=False),
        sa.Column("digest", sa.String(length=160), nullable=False),
        sa.Column("media_type", sa.String(length=256), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("jwt_id", sa.String(length=64), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_time", "audit_events", ["time"], unique=False)
    op.create_index("ix_audit_events_identity", "audit_events", ["identity"], unique=False)


def downgrade() -> None:
    """Drop them."""
    op.drop_index("ix_audit_events_identity", table_name="audit_events")
    op.drop_index("ix_audit_events_time", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_table("registry_token_passwords")
    op.drop_table("registry_tokens")
    op.drop_table("scope_maps")
    op.drop_table("admin_passwords")
    op.drop_table("policy_version")
    with op.batch_alter_table("registries") as batch:
        batch.drop_column("arm_audience_enabled")
    with op.batch_alter_table("signing_keys") as batch:
        batch.drop_index(batch.f("ix_signing_keys_purpose"))
        batch.drop_column("purpose")
