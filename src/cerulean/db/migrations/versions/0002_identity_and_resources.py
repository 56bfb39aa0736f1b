"""The identity provider's and ARM's tables.

Directory objects, credentials, signing keys, device codes, sign-ins; subscriptions, resource groups,
registries, role assignments.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from cerulean.db.tables.base import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "device_codes",
        sa.Column("device_code_hash", sa.String(length=64), nullable=False),
        sa.Column("user_code", sa.String(length=16), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("device_code_hash", name=op.f("pk_device_codes")),
        sa.UniqueConstraint("user_code", name=op.f("uq_device_codes_user_code")),
    )
    op.create_table(
        "directory_roles",
        sa.Column("role_template_id", sa.String(length=36), nullable=False),
        sa.Column("principal_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("role_template_id", "principal_id", name=op.f("pk_directory_roles")),
    )
    with op.batch_alter_table("directory_roles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_directory_roles_principal_id"), ["principal_id"], unique=False)

    op.create_table(
        "federated_credentials",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("owner_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=600), nullable=False),
        sa.Column("audiences", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federated_credentials")),
        sa.UniqueConstraint("owner_id", "name", name=op.f("uq_federated_credentials_owner_id_name")),
    )
    op.create_table(
        "role_assignments",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("role_definition_id", sa.String(length=36), nullable=False),
        sa.Column("principal_id", sa.String(length=36), nullable=False),
        sa.Column("principal_type", sa.String(length=32), nullable=False),
        sa.Column("condition", sa.Text(), nullable=True),
        sa.Column("condition_version", sa.String(length=8), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_assignments")),
    )
    op.create_table(
        "sign_ins",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("time", UTCDateTime(), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("grant_type", sa.String(length=64), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("identity", sa.String(length=256), nullable=False),
        sa.Column("identity_type", sa.String(length=32), nullable=False),
        sa.Column("resource", sa.String(length=256), nullable=False),
        sa.Column("caller_ip", sa.String(length=64), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("error_code", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("correlation_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_ins")),
    )
    with op.batch_alter_table("sign_ins", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_ins_time"), ["time"], unique=False)

    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("encrypted_private_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("retire_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_signing_keys")),
    )
    op.create_table(
        "tenants",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("default_domain", sa.String(length=256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("default_domain", name=op.f("uq_tenants_default_domain")),
    )
    op.create_table(
        "applications",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("app_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_applications_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("tenant_id", "app_id", name=op.f("uq_applications_tenant_id_app_id")),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_groups_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_groups")),
    )
    op.create_table(
        "managed_identities",
        sa.Column("principal_id", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=False),
        sa.Column("resource_key", sa.String(length=512), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_managed_identities_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("principal_id", name=op.f("pk_managed_identities")),
    )
    with op.batch_alter_table("managed_identities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_managed_identities_resource_key"), ["resource_key"], unique=False
        )

    op.create_table(
        "service_principals",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("app_id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("alternative_names", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_service_principals_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_principals")),
        sa.UniqueConstraint("tenant_id", "app_id", name=op.f("uq_service_principals_tenant_id_app_id")),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_subscriptions_tenant_id_tenants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("user_principal_name", sa.String(length=256), nullable=False),
        sa.Column("upn_key", sa.String(length=256), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_users_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("tenant_id", "upn_key", name=op.f("uq_users_tenant_id_upn_key")),
    )
    op.create_table(
        "workloads",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("tenant_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=256), nullable=False),
        sa.Column("resource_id", sa.Text(), nullable=False),
        sa.Column("secret_hash", sa.String(length=256), nullable=False),
        sa.Column("system_identity", sa.String(length=36), nullable=True),
        sa.Column("user_identities", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_workloads_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workloads")),
    )
    op.create_table(
        "client_certificates",
        sa.Column("key_id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("thumbprint_sha1", sa.String(length=40), nullable=False),
        sa.Column("thumbprint_sha256", sa.String(length=64), nullable=False),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("end", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_client_certificates_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_client_certificates")),
    )
    with op.batch_alter_table("client_certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_certificates_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "client_secrets",
        sa.Column("key_id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("display_name", sa.String(length=256), nullable=False),
        sa.Column("hint", sa.String(length=8), nullable=False),
        sa.Column("secret_hash", sa.String(length=256), nullable=False),
        sa.Column("start", UTCDateTime(), nullable=False),
        sa.Column("end", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_client_secrets_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key_id", name=op.f("pk_client_secrets")),
    )
    with op.batch_alter_table("client_secrets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_secrets_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "group_members",
        sa.Column("group_id", sa.String(length=36), nullable=False),
        sa.Column("member_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name=op.f("fk_group_members_group_id_groups"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("group_id", "member_id", name=op.f("pk_group_members")),
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_members_member_id"), ["member_id"], unique=False)

    op.create_table(
        "resource_groups",
        sa.Column("subscription_id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=90), nullable=False),
        sa.Column("location", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_resource_groups_subscription_id_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("subscription_id", "name", name=op.f("pk_resource_groups")),
    )
    op.create_table(
        "registries",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("subscription_id", sa.String(length=36), nullable=False),
        sa.Column("resource_group", sa.String(length=90), nullable=False),
        sa.Column("location", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=16), nullable=False),
        sa.Column("login_server", sa.String(length=256), nullable=False),
        sa.Column("admin_user_enabled", sa.Boolean(), nullable=False),
        sa.Column("anonymous_pull_enabled", sa.Boolean(), nullable=False),
        sa.Column("permission_mode", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["subscription_id", "resource_group"],
            ["resource_groups.subscription_id", "resource_groups.name"],
            name=op.f("fk_registries_subscription_id_resource_groups"),
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_registries")),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("registries")
    op.drop_table("resource_groups")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_members_member_id"))

    op.drop_table("group_members")
    with op.batch_alter_table("client_secrets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_secrets_application_id"))

    op.drop_table("client_secrets")
    with op.batch_alter_table("client_certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_certificates_application_id"))

    op.drop_table("client_certificates")
    op.drop_table("workloads")
    op.drop_table("users")
    op.drop_table("subscriptions")
    op.drop_table("service_principals")
    with op.batch_alter_table("managed_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_managed_identities_resource_key"))

    op.drop_table("managed_identities")
    op.drop_table("groups")
    op.drop_table("applications")
    op.drop_table("tenants")
    op.drop_table("signing_keys")
    with op.batch_alter_table("sign_ins", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_ins_time"))

    op.drop_table("sign_ins")
    op.drop_table("role_assignments")
    op.drop_table("federated_credentials")
    with op.batch_alter_table("directory_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directory_roles_principal_id"))

    op.drop_table("directory_roles")
    op.drop_table("device_codes")
