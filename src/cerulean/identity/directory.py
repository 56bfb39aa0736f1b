"""Changing the directory: what the Graph API, the command line and the first start call.

Secrets are generated here, hashed (argon2id, in a worker thread) and returned in clear exactly once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.identity.certificates import ParsedCertificate, parse_certificate, parse_der_certificate
from cerulean.identity.errors import IdentityError, InvalidKeyCredentialError, NoBackingApplicationError
from cerulean.identity.models import (
    DEFAULT_FEDERATED_AUDIENCE,
    Application,
    CertificateCredential,
    DirectoryRole,
    FederatedCredential,
    Group,
    ManagedIdentity,
    ManagedIdentityKind,
    SecretCredential,
    ServicePrincipal,
    ServicePrincipalKind,
    Tenant,
    User,
    Workload,
    new_id,
)
from cerulean.identity.secrets import generate_client_secret, generate_token

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cerulean.core.clock import Clock
    from cerulean.identity.interfaces import DirectoryStore
    from cerulean.identity.secrets import SecretHasher

__all__ = [
    "DEFAULT_SECRET_LIFETIME",
    "DirectoryRoles",
    "DirectoryService",
    "KeyCredentialInput",
    "NewSecret",
    "NewWorkload",
]

DEFAULT_SECRET_LIFETIME: Final = dt.timedelta(days=180)  # the portal's recommended default
MAX_SECRET_LIFETIME: Final = dt.timedelta(days=730)
MAX_DISPLAY_NAME: Final = 256  # the width of the display_name columns
_UPN: Final = re.compile(r"[A-Za-z0-9._%+'-]{1,64}@[A-Za-z0-9.-]{1,190}")
_FEDERATED_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{2,119}")
_MIN_PASSWORD: Final = 8
# A bound on one application's certificates so a body cannot make us parse without end; not Entra's number.
MAX_CERTIFICATES: Final = 50


class DirectoryRoles:
    """The Entra directory roles the Graph API understands (their real template ids)."""

    GLOBAL_ADMINISTRATOR: Final = "62e90394-69f5-4237-9190-012177145e10"
    USER_ADMINISTRATOR: Final = "fe930be7-5e62-47db-91af-98c3a49a38b1"
    GROUPS_ADMINISTRATOR: Final = "fdd7a751-b60b-444a-984c-02652fe8fa1c"
    APPLICATION_ADMINISTRATOR: Final = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
    DIRECTORY_READERS: Final = "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
    REPORTS_READER: Final = "4a5d8f65-41da-4de4-8968-e035b65339cf"


@dataclass(frozen=True, slots=True)
class NewSecret:
    """A client secret just created: the stored credential and the value, shown this once."""

    credential: SecretCredential
    value: str


@dataclass(frozen=True, slots=True)
class KeyCredentialInput:
    """One entry of a `keyCredentials` collection as a client sends it.

    Without `der`, the entry names a certificate the application already has (`key_id`) and keeps it:
    Graph never returns the key in a listing, so that is how a client that read the collection writes it back.
    """

    der: bytes | None
    key_id: str | None = None
    display_name: str = ""
    start: dt.datetime | None = None
    end: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class NewWorkload:
    """A workload just registered, with its endpoint secret (`IDENTITY_HEADER`), shown this once."""

    workload: Workload
    endpoint_secret: str


class DirectoryService:
    """Creates and changes directory objects."""

    def __init__(self, store: DirectoryStore, hasher: SecretHasher, clock: Clock) -> None:
        self._store = store
        self._hasher = hasher
        self._clock = clock

    async def create_tenant(
        self, display_name: str, default_domain: str, tenant_id: str | None = None
    ) -> Tenant:
        """A new tenant."""
        tenant = Tenant(tenant_id or new_id(), display_name, default_domain.lower(), self._clock.now())
        await self._store.add_tenant(tenant)
        return tenant

    async def create_user(
        self,
        tenant_id: str,
        user_principal_name: str,
        display_name: str,
        password: str,
        *,
        enabled: bool = True,
    ) -> User:
        """A user with a password (at least 8 characters)."""
        if _UPN.fullmatch(user_principal_name) is None:
            raise IdentityError("userPrincipalName must look like name@domain")
        if len(password) < _MIN_PASSWORD:
            raise IdentityError(f"the password must have at least {_MIN_PASSWORD} characters")
        user = User(
            new_id(), tenant_id, user_principal_name, display_name or user_principal_name,
            await self._hasher.hash_async(password), enabled=enabled, created_at=self._clock.now(),
        )  # fmt: skip
        await self._store.add_user(user)
        return user

    async def update_user(
        self,
        user_id: str,
        *,
        display_name: str | None = None,
        enabled: bool | None = None,
        password: str | None = None,
    ) -> User | None:
        """Change a user in one write: everything given is checked before anything is stored."""
        hashed = None
        if password is not None:
            if len(password) < _MIN_PASSWORD:
                raise IdentityError(f"the password must have at least {_MIN_PASSWORD} characters")
            hashed = await self._hasher.hash_async(password)
        return await self._store.update_user(
            user_id, display_name=display_name, password_hash=hashed, enabled=enabled
        )

    async def create_group(self, tenant_id: str, display_name: str, description: str = "") -> Group:
        """A security group."""
        if not display_name.strip():
            raise IdentityError("displayName is required")
        group = Group(new_id(), tenant_id, display_name.strip(), description, self._clock.now())
        await self._store.add_group(group)
        return group

    async def create_application(
        self, tenant_id: str, display_name: str
    ) -> tuple[Application, ServicePrincipal]:
        """An app registration and its service principal, in one write (Cerulean's own commands)."""
        application = self._new_application(tenant_id, display_name)
        principal = _principal_of(application, enabled=True)
        await self._store.add_application(application, principal)
        return application, principal

    async def register_application(
        self, tenant_id: str, display_name: str, key_credentials: Sequence[KeyCredentialInput] = ()
    ) -> Application:
        """An app registration alone, as Graph's `POST /applications` makes it, with its certificates.

        It has no service principal until `create_service_principal` (`POST /servicePrincipals`). Every
        certificate is checked before anything is written, so a bad one leaves no application behind.
        """
        application = self._new_application(tenant_id, display_name)
        certificates = _certificates(application.id, key_credentials, {})
        await self._store.add_application(application, None, certificates)
        return application

    async def create_service_principal(
        self, tenant_id: str, app_id: str, *, enabled: bool = True
    ) -> ServicePrincipal:
        """The service principal of one of the tenant's applications (a conflict if it has one)."""
        application = await self._store.application_by_app_id(tenant_id, app_id.lower())
        if application is None:
            raise NoBackingApplicationError(app_id)
        principal = _principal_of(application, enabled=enabled)
        await self._store.add_service_principal(principal)
        return principal

    async def update_application(
        self,
        application_id: str,
        *,
        display_name: str | None = None,
        key_credentials: Sequence[KeyCredentialInput] | None = None,
    ) -> Application | None:
        """Change an application (None if there is none); None fields stay as they are.

        `key_credentials` becomes the whole set of certificates, as Graph's PATCH makes it; the client
        secrets are not touched. Everything is checked before anything is written.
        """
        name = None if display_name is None else _application_name(display_name)
        if key_credentials is not None:
            existing = {c.key_id: c for c in await self._store.certificates_of(application_id)}
            certificates = _certificates(application_id, key_credentials, existing)
            await self._store.replace_certificates(application_id, certificates)
        return await self._store.update_application(application_id, display_name=name)

    def _new_application(self, tenant_id: str, display_name: str) -> Application:
        return Application(new_id(), new_id(), tenant_id, _application_name(display_name), self._clock.now())

    async def add_secret(
        self, application_id: str, display_name: str = "", lifetime: dt.timedelta = DEFAULT_SECRET_LIFETIME
    ) -> NewSecret:
        """A new client secret for an application; the value is returned once and never stored."""
        if lifetime <= dt.timedelta(0):
            raise IdentityError("endDateTime must be in the future")
        if lifetime > MAX_SECRET_LIFETIME:  # Entra's wording when an app management policy caps lifetimes
            raise IdentityError("Credential lifetime exceeds the max value allowed as per assigned policy.")
        value = generate_client_secret()
        now = self._clock.now()
        credential = SecretCredential(
            new_id(),
            application_id,
            display_name,
            value[:3],
            await self._hasher.hash_async(value),
            now,
            now + lifetime,
        )
        await self._store.add_secret(credential)
        return NewSecret(credential, value)

    async def add_certificate(
        self, application_id: str, pem: str, display_name: str = ""
    ) -> CertificateCredential:
        """Register a certificate's public part; it is valid for the certificate's own validity period."""
        credential = _certificate(application_id, new_id(), parse_certificate(pem), display_name=display_name)
        await self._store.add_certificate(credential)
        return credential

    async def add_federated_credential(
        self,
        owner_id: str,
        name: str,
        issuer: str,
        subject: str,
        audiences: Sequence[str] = (),
        *,
        description: str = "",
    ) -> FederatedCredential:
        """Trust `issuer`'s tokens for `subject` (audience `api://AzureADTokenExchange` by default)."""
        if _FEDERATED_NAME.fullmatch(name) is None:
            raise IdentityError("a federated credential name has 3 to 120 letters, digits, '-' or '_'")
        if not issuer.startswith("https://") or not subject or len(subject) > 600:  # noqa: PLR2004 - Entra's limit
            raise IdentityError("issuer must be an https URL and subject 1 to 600 characters")
        credential = FederatedCredential(
            new_id(),
            owner_id,
            name,
            issuer,
            subject,
            tuple(audiences) or (DEFAULT_FEDERATED_AUDIENCE,),
            description,
        )
        await self._store.add_federated_credential(credential)
        return credential

    async def create_managed_identity(
        self, tenant_id: str, kind: ManagedIdentityKind, resource_id: str, name: str
    ) -> ManagedIdentity:
        """A managed identity and its service principal."""
        identity = ManagedIdentity(new_id(), new_id(), tenant_id, kind, resource_id, name, self._clock.now())
        principal = ServicePrincipal(
            identity.principal_id, identity.client_id, tenant_id, name, ServicePrincipalKind.MANAGED_IDENTITY,
            alternative_names=(identity.client_id, resource_id),
        )  # fmt: skip
        await self._store.add_managed_identity(identity, principal)
        return identity

    async def create_workload(
        self,
        tenant_id: str,
        name: str,
        resource_id: str,
        *,
        system_assigned: bool = True,
        user_assigned: Sequence[str] = (),
    ) -> NewWorkload:
        """A workload with its endpoint secret, its system-assigned identity if asked, and user-assigned ones.

        (The endpoint secret is returned once.)
        """
        attached = []
        for identity_resource_id in user_assigned:
            identity = await self._store.managed_identity_by_resource_id(identity_resource_id)
            if identity is None or identity.kind is not ManagedIdentityKind.USER_ASSIGNED:
                raise IdentityError(f"no user-assigned identity {identity_resource_id[:300]!r}")
            attached.append(identity.principal_id)
        system = None
        if system_assigned:
            identity = await self.create_managed_identity(
                tenant_id, ManagedIdentityKind.SYSTEM_ASSIGNED, resource_id, name
            )
            system = identity.principal_id
        workload_id = new_id()
        secret = f"{workload_id}.{generate_token(32)}"
        workload = Workload(
            workload_id, tenant_id, name, resource_id, await self._hasher.hash_async(secret), system,
            tuple(attached), self._clock.now(),
        )  # fmt: skip
        await self._store.add_workload(workload)
        return NewWorkload(workload, secret)

    async def grant_directory_role(self, role_template_id: str, principal_id: str) -> None:
        """Give a principal a directory role."""
        await self._store.add_directory_role(DirectoryRole(role_template_id, principal_id))


def _application_name(display_name: str) -> str:
    name = display_name.strip()
    if not name:
        raise IdentityError("displayName is required")
    if len(name) > MAX_DISPLAY_NAME:
        raise IdentityError(f"displayName must have at most {MAX_DISPLAY_NAME} characters")
    return name


def _certificates(
    application_id: str,
    key_credentials: Sequence[KeyCredentialInput],
    existing: dict[str, CertificateCredential],
) -> list[CertificateCredential]:
    if len(key_credentials) > MAX_CERTIFICATES:
        raise InvalidKeyCredentialError(f"an application has at most {MAX_CERTIFICATES} key credentials")
    certificates: list[CertificateCredential] = []
    for given in key_credentials:
        key_id = (given.key_id or new_id()).lower()
        if any(c.key_id == key_id for c in certificates):
            raise InvalidKeyCredentialError(f"keyId {key_id[:64]} appears twice")
        if given.der is None:
            if key_id not in existing:
                raise InvalidKeyCredentialError(
                    "a key credential without 'key' must name one of the application's keyIds"
                )
            certificates.append(existing[key_id])
            continue
        try:
            parsed = parse_der_certificate(given.der)
        except IdentityError as exc:
            raise InvalidKeyCredentialError(str(exc)) from exc
        certificates.append(
            _certificate(
                application_id,
                key_id,
                parsed,
                display_name=given.display_name,
                start=given.start,
                end=given.end,
            )
        )
    return certificates


def _certificate(
    application_id: str,
    key_id: str,
    parsed: ParsedCertificate,
    *,
    display_name: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> CertificateCredential:
    # The credential may be valid for part of the certificate's life, never beyond it (Graph answers
    # "Key credential end date is invalid"; az narrows its dates to the certificate's for this reason).
    start = start or parsed.not_before
    end = end or parsed.not_after
    if not parsed.not_before <= start < end <= parsed.not_after:
        raise InvalidKeyCredentialError(
            "startDateTime and endDateTime must lie within the certificate's validity"
        )
    if len(display_name) > MAX_DISPLAY_NAME:
        raise InvalidKeyCredentialError(f"displayName must have at most {MAX_DISPLAY_NAME} characters")
    return CertificateCredential(
        key_id, application_id, display_name, parsed.pem, parsed.thumbprint_sha1, parsed.thumbprint_sha256,
        start, end,
    )  # fmt: skip


def _principal_of(application: Application, *, enabled: bool) -> ServicePrincipal:
    return ServicePrincipal(
        new_id(),
        application.app_id,
        application.tenant_id,
        application.display_name,
        ServicePrincipalKind.APPLICATION,
        enabled,
    )
