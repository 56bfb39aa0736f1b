"""The directory's tables.

Tenants, users, groups and memberships, applications, service principals and their credentials, managed
identities, workloads, federated credentials and directory roles.

JSON lists (audiences, alternative names, attached identities) are kept as text: they are read and
written whole, never queried inside.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from cerulean.db.tables.base import Base, UTCDateTime

__all__ = [
    "ApplicationRow",
    "CertificateRow",
    "DirectoryRoleRow",
    "FederatedCredentialRow",
    "GroupMemberRow",
    "GroupRow",
    "ManagedIdentityRow",
    "SecretRow",
    "ServicePrincipalRow",
    "TenantRow",
    "UserRow",
    "WorkloadRow",
]

_GUID = 36


class TenantRow(Base):
    """A directory."""

    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(_GUID), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(256))
    default_domain: Mapped[str] = mapped_column(String(256), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class UserRow(Base):
    """A user; `upn_key` is the lower-cased UPN, unique per tenant."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("tenant_id", "upn_key"),)

    id: Mapped[str] = mapped_column(String(_GUID), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    user_principal_name: Mapped[str] = mapped_column(String(256))
    upn_key: Mapped[str] = mapped_column(String(256))
    display_name: Mapped[str] = mapped_column(String(256))
    password_hash: Mapped[str] = mapped_column(String(256))
    enabled: Mapped[bool] = mapped_column(Boolean())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class GroupRow(Base):
    """A security group."""

    __tablename__ = "groups"

    id: Mapped[str] = mapped_column(String(_GUID), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    display_name: Mapped[str] = mapped_column(String(256))
    description: Mapped[str] = mapped_column(Text())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class GroupMemberRow(Base):
    """A direct membership; members are any directory object, groups included."""

    __tablename__ = "group_members"
    __table_args__ = (Index(None, "member_id"),)

    group_id: Mapped[str] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(_GUID), primary_key=True)


class ApplicationRow(Base):
    """An app registration; `app_id` is the client id."""

    __tablename__ = "applications"
    __table_args__ = (UniqueConstraint("tenant_id", "app_id"),)

    id: Mapped[str] = mapped_column(String(_GUID), primary_key=True)
    app_id: Mapped[str] = mapped_column(String(_GUID))
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    display_name: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ServicePrincipalRow(Base):
    """The identity of an application or managed identity in its tenant."""

    __tablename__ = "service_principals"
    __table_args__ = (UniqueConstraint("tenant_id", "app_id"),)

    id: Mapped[str] = mapped_column(String(_GUID), primary_key=True)
    app_id: Mapped[str] = mapped_column(String(_GUID))
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    display_name: Mapped[str] = mapped_column(String(256))
    kind: Mapped[str] = mapped_column(String(32))
    enabled: Mapped[bool] = mapped_column(Boolean())
    alternative_names: Mapped[str] = mapped_column(Text())


class SecretRow(Base):
    """A client secret's hash."""

    __tablename__ = "client_secrets"
    __table_args__ = (Index(None, "application_id"),)

    key_id: Mapped[str] = mapped_column(String(_GUID), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    display_name: Mapped[str] = mapped_column(String(256))
    hint: Mapped[str] = mapped_column(String(8))
    secret_hash: Mapped[str] = mapped_column(String(256))
    start: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    end: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CertificateRow(Base):
    """A certificate's public part and thumbprints."""

    __tablename__ = "client_certificates"
    __table_args__ = (Index(None, "application_id"),)

    key_id: Mapped[str] = mapped_column(String(_GUID), primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    display_name: Mapped[str] = mapped_column(String(256))
    certificate_pem: Mapped[str] = mapped_column(Text())
    thumbprint_sha1: Mapped[str] = mapped_column(String(40))
    thumbprint_sha256: Mapped[str] = mapped_column(String(64))
    start: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    end: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class FederatedCredentialRow(Base):
    """Trust in an external issuer's tokens for one subject."""

    __tablename__ = "federated_credentials"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    id: Mapped[str] = mapped_column(String(_GUID), primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(_GUID))
    name: Mapped[str] = mapped_column(String(120))
    issuer: Mapped[str] = mapped_column(Text())
    subject: Mapped[str] = mapped_column(String(600))
    audiences: Mapped[str] = mapped_column(Text())
    description: Mapped[str] = mapped_column(Text())


class ManagedIdentityRow(Base):
    """A managed identity; `resource_key` is its lower-cased ARM id, for lookups."""

    __tablename__ = "managed_identities"
    __table_args__ = (Index(None, "resource_key"),)

    principal_id: Mapped[str] = mapped_column(String(_GUID), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(_GUID))
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    kind: Mapped[str] = mapped_column(String(32))
    resource_id: Mapped[str] = mapped_column(Text())
    resource_key: Mapped[str] = mapped_column(String(512))
    name: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class WorkloadRow(Base):
    """A workload with its endpoint secret's hash and its identities."""

    __tablename__ = "workloads"

    id: Mapped[str] = mapped_column(String(_GUID), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    name: Mapped[str] = mapped_column(String(256))
    resource_id: Mapped[str] = mapped_column(Text())
    secret_hash: Mapped[str] = mapped_column(String(256))
    system_identity: Mapped[str | None] = mapped_column(String(_GUID))
    user_identities: Mapped[str] = mapped_column(Text())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class DirectoryRoleRow(Base):
    """A directory role held by a principal."""

    __tablename__ = "directory_roles"
    __table_args__ = (Index(None, "principal_id"),)

    role_template_id: Mapped[str] = mapped_column(String(_GUID), primary_key=True)
    principal_id: Mapped[str] = mapped_column(String(_GUID), primary_key=True)
