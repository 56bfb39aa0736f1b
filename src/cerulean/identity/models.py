"""The directory's objects, as Entra ID has them.

Tenants, users, groups, applications with their service principals and credentials, managed identities,
workloads and federated identity credentials.

Ids are lower-case GUID strings, as Entra writes them. Secrets appear here only as argon2id hashes.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

__all__ = [
    "DEFAULT_FEDERATED_AUDIENCE",
    "Application",
    "CertificateCredential",
    "DeviceCode",
    "DeviceCodeStatus",
    "DirectoryRole",
    "FederatedCredential",
    "Group",
    "ManagedIdentity",
    "ManagedIdentityKind",
    "SecretCredential",
    "ServicePrincipal",
    "ServicePrincipalKind",
    "SignIn",
    "Tenant",
    "User",
    "Workload",
    "new_id",
]

DEFAULT_FEDERATED_AUDIENCE = "api://AzureADTokenExchange"


def new_id() -> str:
    """A fresh object id (a random GUID)."""
    return str(uuid.uuid4())


@dataclass(frozen=True, slots=True)
class Tenant:
    """A directory. `default_domain` names users (`alice@<default_domain>`)."""

    id: str
    display_name: str
    default_domain: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class User:
    """A person who signs in with a user principal name and a password."""

    id: str
    tenant_id: str
    user_principal_name: str
    display_name: str
    password_hash: str
    enabled: bool
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Group:
    """A security group; members are users, service principals, managed identities or groups."""

    id: str
    tenant_id: str
    display_name: str
    description: str
    created_at: dt.datetime


class ServicePrincipalKind(StrEnum):
    """Entra's `servicePrincipalType`."""

    APPLICATION = "Application"
    MANAGED_IDENTITY = "ManagedIdentity"


@dataclass(frozen=True, slots=True)
class Application:
    """An app registration: `app_id` is the client id, `id` the application object's id."""

    id: str
    app_id: str
    tenant_id: str
    display_name: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class ServicePrincipal:
    """The tenant-local identity of an application or a managed identity: role assignments name `id`."""

    id: str
    app_id: str
    tenant_id: str
    display_name: str
    kind: ServicePrincipalKind
    enabled: bool = True
    alternative_names: tuple[str, ...] = ()  # a managed identity's resource id


@dataclass(frozen=True, slots=True)
class SecretCredential:
    """A client secret (`passwordCredential`): only its hash and its first three characters are kept."""

    key_id: str
    application_id: str  # the application object id
    display_name: str
    hint: str
    secret_hash: str
    start: dt.datetime
    end: dt.datetime

    def is_valid_at(self, now: dt.datetime) -> bool:
        """Whether the secret may be used at `now`."""
        return self.start <= now < self.end


@dataclass(frozen=True, slots=True)
class CertificateCredential:
    """A certificate (`keyCredential`): its public PEM, thumbprints and validity."""

    key_id: str
    application_id: str
    display_name: str
    certificate_pem: str
    thumbprint_sha1: str  # upper-case hex, as Entra shows it
    thumbprint_sha256: str
    start: dt.datetime
    end: dt.datetime

    def is_valid_at(self, now: dt.datetime) -> bool:
        """Whether the certificate may be used at `now`."""
        return self.start <= now < self.end


class ManagedIdentityKind(StrEnum):
    """System-assigned (lives and dies with its workload) or user-assigned (an ARM resource)."""

    SYSTEM_ASSIGNED = "SystemAssigned"
    USER_ASSIGNED = "UserAssigned"


@dataclass(frozen=True, slots=True)
class ManagedIdentity:
    """A managed identity: `principal_id` is its service principal's object id, `client_id` its app id."""

    principal_id: str
    client_id: str
    tenant_id: str
    kind: ManagedIdentityKind
    resource_id: str  # ARM id of the user-assigned identity, or of the workload it belongs to
    name: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Workload:
    """Something that runs with managed identities: it holds an endpoint secret for the identity endpoint."""

    id: str
    tenant_id: str
    name: str
    resource_id: str
    secret_hash: str
    system_identity: str | None  # principal id of its system-assigned identity
    user_identities: tuple[str, ...]  # principal ids of the user-assigned identities attached to it
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class FederatedCredential:
    """Trust in tokens from an external issuer, for one subject, on an application or a user-assigned MI."""

    id: str
    owner_id: str  # application object id, or managed identity principal id
    name: str
    issuer: str
    subject: str
    audiences: tuple[str, ...] = (DEFAULT_FEDERATED_AUDIENCE,)
    description: str = ""


@dataclass(frozen=True, slots=True)
class DirectoryRole:
    """A directory role held by a principal (Global Administrator, Application Administrator, ...)."""

    role_template_id: str
    principal_id: str


class DeviceCodeStatus(StrEnum):
    """Where a device-code sign-in stands."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    REDEEMED = "redeemed"


@dataclass(frozen=True, slots=True)
class DeviceCode:
    """A device-code sign-in: the scope is remembered here because the poll does not repeat it."""

    device_code_hash: str
    user_code: str
    tenant_id: str
    client_id: str
    scope: str
    status: DeviceCodeStatus
    user_id: str | None
    expires_at: dt.datetime
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class SignIn:
    """One sign-in attempt, allowed or not, as the audit log records it.

    Field names follow Entra's sign-in logs and ACR's ``ContainerRegistryLoginEvents`` where they apply.
    """

    version: int
    time: dt.datetime
    tenant_id: str
    grant_type: str
    client_id: str
    identity: str  # the principal's object id, or the name it tried
    identity_type: str  # User | ServicePrincipal | ManagedIdentity | unknown
    resource: str
    caller_ip: str
    result: str  # success | failure
    error_code: int = 0
    reason: str = ""
    correlation_id: str = field(default="")
