"""ARM's objects: subscriptions, resource groups, registries and role assignments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, ForeignKeyConstraint, Integer, String, Text, false, true
from sqlalchemy.orm import Mapped, mapped_column

from cerulean.db.tables.base import Base, UTCDateTime

__all__ = [
    "RegistryResourceRow",
    "ResourceGroupRow",
    "RoleAssignmentRow",
    "RoleDefinitionRow",
    "SubscriptionRow",
]


class SubscriptionRow(Base):
    """A subscription."""

    __tablename__ = "subscriptions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    display_name: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ResourceGroupRow(Base):
    """A resource group; its name is unique within the subscription."""

    __tablename__ = "resource_groups"

    subscription_id: Mapped[str] = mapped_column(ForeignKey("subscriptions.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(90), primary_key=True)
    location: Mapped[str] = mapped_column(String(64))
    tags: Mapped[str] = mapped_column(Text(), server_default="{}")  # JSON object
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class RegistryResourceRow(Base):
    """A registry; registry names are globally unique, as in Azure."""

    __tablename__ = "registries"
    __table_args__ = (
        ForeignKeyConstraint(
            ["subscription_id", "resource_group"], ["resource_groups.subscription_id", "resource_groups.name"]
        ),
    )

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    subscription_id: Mapped[str] = mapped_column(String(36))
    resource_group: Mapped[str] = mapped_column(String(90))
    location: Mapped[str] = mapped_column(String(64))
    sku: Mapped[str] = mapped_column(String(16))
    login_server: Mapped[str] = mapped_column(String(256))
    admin_user_enabled: Mapped[bool] = mapped_column(Boolean())
    anonymous_pull_enabled: Mapped[bool] = mapped_column(Boolean())
    permission_mode: Mapped[str] = mapped_column(String(64))
    # policies.azureADAuthenticationAsArmPolicy: whether /oauth2/exchange accepts ARM-audience tokens.
    arm_audience_enabled: Mapped[bool] = mapped_column(Boolean(), server_default=true())
    tags: Mapped[str] = mapped_column(Text(), server_default="{}")  # JSON object
    public_network_access: Mapped[bool] = mapped_column(Boolean(), server_default=true())
    network_default_action: Mapped[str] = mapped_column(String(8), server_default="Allow")
    ip_rules: Mapped[str] = mapped_column(Text(), server_default="[]")  # JSON list of IPv4 addresses/CIDRs
    bypass_azure_services: Mapped[bool] = mapped_column(Boolean(), server_default=true())
    bypass_for_tasks: Mapped[bool] = mapped_column(Boolean(), server_default=false())
    data_endpoint_enabled: Mapped[bool] = mapped_column(Boolean(), server_default=false())
    system_identity_id: Mapped[str | None] = mapped_column(String(36))
    user_assigned_identities: Mapped[str] = mapped_column(Text(), server_default="[]")  # JSON list of ids
    # properties.policies (stored and served, not enforced yet); a NULL time: unchanged since creation.
    quarantine_enabled: Mapped[bool] = mapped_column(Boolean(), server_default=false())
    trust_enabled: Mapped[bool] = mapped_column(Boolean(), server_default=false())
    retention_enabled: Mapped[bool] = mapped_column(Boolean(), server_default=false())
    retention_days: Mapped[int] = mapped_column(Integer(), server_default="7")
    retention_updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    export_enabled: Mapped[bool] = mapped_column(Boolean(), server_default=true())
    soft_delete_enabled: Mapped[bool] = mapped_column(Boolean(), server_default=false())
    soft_delete_days: Mapped[int] = mapped_column(Integer(), server_default="7")
    soft_delete_updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class RoleAssignmentRow(Base):
    """A role assignment at a scope."""

    __tablename__ = "role_assignments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    scope: Mapped[str] = mapped_column(Text())
    role_definition_id: Mapped[str] = mapped_column(String(36))
    principal_id: Mapped[str] = mapped_column(String(36))
    principal_type: Mapped[str] = mapped_column(String(32))
    condition: Mapped[str | None] = mapped_column(Text())
    condition_version: Mapped[str | None] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(Text())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class RoleDefinitionRow(Base):
    """A custom role definition, as ARM's JSON document."""

    __tablename__ = "role_definitions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    role_name: Mapped[str] = mapped_column(String(256), unique=True)
    document: Mapped[str] = mapped_column(Text())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
