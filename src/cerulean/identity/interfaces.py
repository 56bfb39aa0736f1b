"""The ports the identity provider needs.

The directory, signing keys, device codes, the sign-in log, and the keys of external issuers.
`cerulean.db` implements the first four; the HTTP edge the last.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Sequence

    from joserfc.jwk import KeySet

    from cerulean.identity.models import (
        Application,
        CertificateCredential,
        DeviceCode,
        DeviceCodeStatus,
        DirectoryRole,
        FederatedCredential,
        Group,
        ManagedIdentity,
        SecretCredential,
        ServicePrincipal,
        SignIn,
        Tenant,
        User,
        Workload,
    )

__all__ = [
    "DeviceCodeStore",
    "DirectoryReader",
    "DirectoryStore",
    "IssuerKeySource",
    "SignInLog",
    "SigningKeyStore",
    "StoredSigningKey",
]


class DirectoryReader(Protocol):
    """What sign-in needs to read."""

    async def get_tenant(self, tenant_id: str) -> Tenant | None:
        """A tenant by id."""
        ...

    async def list_tenants(self) -> list[Tenant]:
        """Every tenant, oldest first."""
        ...

    async def tenant_by_domain(self, domain: str) -> Tenant | None:
        """A tenant by its default domain."""
        ...

    async def application_by_app_id(self, tenant_id: str, app_id: str) -> Application | None:
        """An application by client id."""
        ...

    async def service_principal_by_app_id(self, tenant_id: str, app_id: str) -> ServicePrincipal | None:
        """The service principal of an application or managed identity, by client id."""
        ...

    async def get_service_principal(self, object_id: str) -> ServicePrincipal | None:
        """A service principal by object id."""
        ...

    async def secrets_of(self, application_id: str) -> list[SecretCredential]:
        """An application's client secrets."""
        ...

    async def certificates_of(self, application_id: str) -> list[CertificateCredential]:
        """An application's certificates."""
        ...

    async def federated_credentials_of(self, owner_id: str) -> list[FederatedCredential]:
        """The federated credentials of an application or a user-assigned managed identity."""
        ...

    async def user_by_name(self, tenant_id: str, user_principal_name: str) -> User | None:
        """A user by UPN (case-insensitive)."""
        ...

    async def get_user(self, object_id: str) -> User | None:
        """A user by object id."""
        ...

    async def get_managed_identity(self, principal_id: str) -> ManagedIdentity | None:
        """A managed identity by principal id."""
        ...

    async def get_workload(self, workload_id: str) -> Workload | None:
        """A workload by id."""
        ...

    async def groups_of(self, member_id: str) -> set[str]:
        """Every group `member_id` belongs to, directly or through nested groups."""
        ...

    async def directory_roles_of(self, principal_ids: set[str]) -> set[str]:
        """The directory role template ids held by any of `principal_ids`."""
        ...


class DirectoryStore(DirectoryReader, Protocol):
    """Reads plus the changes the Graph API and the bootstrap make."""

    async def add_tenant(self, tenant: Tenant) -> None:
        """Create a tenant."""
        ...

    async def add_user(self, user: User) -> None:
        """Create a user (raises `DirectoryConflictError` on a taken UPN)."""
        ...

    async def update_user(
        self, object_id: str, *, display_name: str | None, password_hash: str | None, enabled: bool | None
    ) -> User | None:
        """Change a user; None fields stay as they are."""
        ...

    async def list_users(self, tenant_id: str) -> list[User]:
        """A tenant's users, by UPN."""
        ...

    async def add_group(self, group: Group) -> None:
        """Create a group."""
        ...

    async def get_group(self, object_id: str) -> Group | None:
        """A group by object id."""
        ...

    async def list_groups(self, tenant_id: str) -> list[Group]:
        """A tenant's groups, by name."""
        ...

    async def add_member(self, group_id: str, member_id: str) -> None:
        """Add a direct member (idempotent)."""
        ...

    async def remove_member(self, group_id: str, member_id: str) -> bool:
        """Remove a direct member; False if it was not one."""
        ...

    async def members_of(self, group_id: str) -> list[str]:
        """A group's direct members' object ids."""
        ...

    async def add_application(
        self,
        application: Application,
        principal: ServicePrincipal | None,
        certificates: Sequence[CertificateCredential] = (),
    ) -> None:
        """Create an application with, in the same write, its service principal and certificates if given."""
        ...

    async def add_service_principal(self, principal: ServicePrincipal) -> None:
        """Create an application's service principal (a conflict if its app id already has one)."""
        ...

    async def get_application(self, object_id: str) -> Application | None:
        """An application by object id."""
        ...

    async def list_applications(self, tenant_id: str) -> list[Application]:
        """A tenant's applications, by name."""
        ...

    async def update_application(self, object_id: str, *, display_name: str | None) -> Application | None:
        """Change an application; None fields stay as they are (None if there is no such application)."""
        ...

    async def list_service_principals(self, tenant_id: str) -> list[ServicePrincipal]:
        """A tenant's service principals (applications' and managed identities'), by name."""
        ...

    async def add_secret(self, secret: SecretCredential) -> None:
        """Add a client secret."""
        ...

    async def remove_secret(self, application_id: str, key_id: str) -> bool:
        """Revoke a client secret; False if there was none."""
        ...

    async def add_certificate(self, certificate: CertificateCredential) -> None:
        """Add a certificate."""
        ...

    async def replace_certificates(
        self, application_id: str, certificates: Sequence[CertificateCredential]
    ) -> None:
        """Make `certificates` the application's only ones, in one write (a taken keyId: a conflict)."""
        ...

    async def add_federated_credential(self, credential: FederatedCredential) -> None:
        """Add a federated identity credential (names are unique per owner)."""
        ...

    async def add_managed_identity(self, identity: ManagedIdentity, principal: ServicePrincipal) -> None:
        """Create a managed identity together with its service principal."""
        ...

    async def managed_identity_by_resource_id(self, resource_id: str) -> ManagedIdentity | None:
        """A user-assigned identity by ARM id (case-insensitive)."""
        ...

    async def delete_managed_identity(self, principal_id: str) -> bool:
        """Delete a managed identity and its service principal."""
        ...

    async def add_workload(self, workload: Workload) -> None:
        """Register a workload."""
        ...

    async def add_directory_role(self, role: DirectoryRole) -> None:
        """Grant a directory role (idempotent)."""
        ...


@dataclass(frozen=True, slots=True)
class StoredSigningKey:
    """A token-signing key as stored: the private key encrypted, and when it stops being published."""

    kid: str
    encrypted_private_key: bytes
    created_at: dt.datetime
    retire_at: dt.datetime | None  # None while it is the key that signs


class SigningKeyStore(Protocol):
    """Token-signing keys, shared by every node."""

    async def signing_keys(self) -> list[StoredSigningKey]:
        """Every key not yet retired, newest first."""
        ...

    async def add_signing_key(self, key: StoredSigningKey, *, retire_others_at: dt.datetime) -> None:
        """Store a new signing key; the key that signed until now is retired at `retire_others_at`."""
        ...

    async def purge_signing_keys(self, now: dt.datetime) -> int:
        """Delete keys retired before `now`."""
        ...


class DeviceCodeStore(Protocol):
    """Device-code sign-ins in progress (in the database, so any node can answer the poll)."""

    async def add_device_code(self, code: DeviceCode) -> None:
        """Record a new device code (`DirectoryConflictError` if its user code is taken)."""
        ...

    async def device_code(self, device_code_hash: str) -> DeviceCode | None:
        """A device code by the hash of its secret part."""
        ...

    async def device_code_by_user_code(self, user_code: str) -> DeviceCode | None:
        """A device code, in whatever state, by the code the user types (callers check the state)."""
        ...

    async def purge_device_codes(self, expired_before: dt.datetime) -> int:
        """Delete the device codes that expired before `expired_before`; how many went."""
        ...

    async def set_device_code_status(
        self,
        device_code_hash: str,
        status: DeviceCodeStatus,
        *,
        user_id: str | None,
        expected: DeviceCodeStatus,
    ) -> bool:
        """Move a code from `expected` to `status` (False if it was not in `expected`: no double redeem)."""
        ...


class SignInLog(Protocol):
    """Where every sign-in attempt is recorded."""

    async def record_sign_in(self, sign_in: SignIn) -> None:
        """Append one attempt."""
        ...

    async def record_sign_ins(self, sign_ins: list[SignIn]) -> None:
        """Append several attempts in one transaction."""
        ...

    async def sign_ins(
        self, *, tenant_id: str | None = None, since: dt.datetime | None = None, limit: int = 1000
    ) -> list[SignIn]:
        """The most recent attempts (of one tenant, if given), newest first."""
        ...

    async def purge_sign_ins(self, before: dt.datetime) -> int:
        """Delete the attempts older than `before` (the retention period); how many went."""
        ...


class IssuerKeySource(Protocol):
    """The public keys of an external OIDC issuer (its JWKS, found through OIDC discovery, cached)."""

    async def keys_for(self, issuer: str, *, refresh: bool = False) -> KeySet:
        """The issuer's current keys; `refresh` forces a new fetch (after an unknown `kid`)."""
        ...
