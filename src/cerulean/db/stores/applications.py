"""Applications, service principals, their credentials, managed identities and workloads."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, insert, select, update

from cerulean.db.stores.directory_rows import DirectoryRows
from cerulean.db.tables import (
    ApplicationRow,
    CertificateRow,
    FederatedCredentialRow,
    ManagedIdentityRow,
    SecretRow,
    ServicePrincipalRow,
    WorkloadRow,
)
from cerulean.identity.models import (
    Application,
    CertificateCredential,
    FederatedCredential,
    ManagedIdentity,
    ManagedIdentityKind,
    SecretCredential,
    ServicePrincipal,
    ServicePrincipalKind,
    Workload,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Executable

__all__ = ["ApplicationStore"]


def _principal(row: Any) -> ServicePrincipal:  # noqa: ANN401 - a result row
    return ServicePrincipal(
        row.id,
        row.app_id,
        row.tenant_id,
        row.display_name,
        ServicePrincipalKind(row.kind),
        bool(row.enabled),
        tuple(json.loads(row.alternative_names)),
    )


def _identity(row: Any) -> ManagedIdentity:  # noqa: ANN401 - a result row
    return ManagedIdentity(
        row.principal_id,
        row.client_id,
        row.tenant_id,
        ManagedIdentityKind(row.kind),
        row.resource_id,
        row.name,
        row.created_at,
    )


class ApplicationStore(DirectoryRows):
    """Applications and what hangs off them (`DirectoryStore`, with `DirectoryObjectStore`)."""

    # -- applications and service principals -----------------------------------------------------------

    async def add_application(
        self,
        application: Application,
        principal: ServicePrincipal | None,
        certificates: Sequence[CertificateCredential] = (),
    ) -> None:
        """Create an application, with its service principal and certificates in the same write."""
        statements: list[Executable] = [
            insert(ApplicationRow).values(
                id=application.id,
                app_id=application.app_id,
                tenant_id=application.tenant_id,
                display_name=application.display_name,
                created_at=application.created_at,
            )
        ]
        if principal is not None:
            statements.append(self._principal_insert(principal))
        statements.extend(self._certificate_insert(c) for c in certificates)
        await self._write(*statements)

    async def add_service_principal(self, principal: ServicePrincipal) -> None:
        """Create a service principal; (tenant, app id) is unique, so a second one is a conflict."""
        await self._write(
            self._principal_insert(principal),
            conflict=f"a service principal for app id {principal.app_id} already exists",
        )

    @staticmethod
    def _principal_insert(principal: ServicePrincipal) -> Executable:
        return insert(ServicePrincipalRow).values(
            id=principal.id,
            app_id=principal.app_id,
            tenant_id=principal.tenant_id,
            display_name=principal.display_name,
            kind=principal.kind.value,
            enabled=principal.enabled,
            alternative_names=json.dumps(list(principal.alternative_names)),
        )

    async def get_application(self, object_id: str) -> Application | None:
        """An application by object id."""
        row = await self._row(select(ApplicationRow).where(ApplicationRow.id == object_id.lower()))
        return (
            None
            if row is None
            else Application(row.id, row.app_id, row.tenant_id, row.display_name, row.created_at)
        )

    async def application_by_app_id(self, tenant_id: str, app_id: str) -> Application | None:
        """An application by client id."""
        query = select(ApplicationRow).where(
            ApplicationRow.tenant_id == tenant_id, ApplicationRow.app_id == app_id.lower()
        )
        row = await self._row(query)
        return (
            None
            if row is None
            else Application(row.id, row.app_id, row.tenant_id, row.display_name, row.created_at)
        )

    async def list_applications(self, tenant_id: str) -> list[Application]:
        """A tenant's applications, by name."""
        query = (
            select(ApplicationRow)
            .where(ApplicationRow.tenant_id == tenant_id)
            .order_by(ApplicationRow.display_name, ApplicationRow.id)
        )
        return [
            Application(r.id, r.app_id, r.tenant_id, r.display_name, r.created_at)
            for r in await self._rows(query)
        ]

    async def update_application(self, object_id: str, *, display_name: str | None) -> Application | None:
        """Change an application; its service principal is an object of its own and keeps its name."""
        if display_name is not None:
            await self._write(
                update(ApplicationRow)
                .where(ApplicationRow.id == object_id.lower())
                .values(display_name=display_name)
            )
        return await self.get_application(object_id)

    async def service_principal_by_app_id(self, tenant_id: str, app_id: str) -> ServicePrincipal | None:
        """A service principal by client id."""
        query = select(ServicePrincipalRow).where(
            ServicePrincipalRow.tenant_id == tenant_id, ServicePrincipalRow.app_id == app_id.lower()
        )
        row = await self._row(query)
        return None if row is None else _principal(row)

    async def get_service_principal(self, object_id: str) -> ServicePrincipal | None:
        """A service principal by object id."""
        row = await self._row(select(ServicePrincipalRow).where(ServicePrincipalRow.id == object_id.lower()))
        return None if row is None else _principal(row)

    async def list_service_principals(self, tenant_id: str) -> list[ServicePrincipal]:
        """A tenant's service principals, by name."""
        query = (
            select(ServicePrincipalRow)
            .where(ServicePrincipalRow.tenant_id == tenant_id)
            .order_by(ServicePrincipalRow.display_name, ServicePrincipalRow.id)
        )
        return [_principal(r) for r in await self._rows(query)]

    # -- credentials -----------------------------------------------------------------------------------

    async def add_secret(self, secret: SecretCredential) -> None:
        """Add a client secret."""
        await self._write(
            insert(SecretRow).values(
                key_id=secret.key_id,
                application_id=secret.application_id,
                display_name=secret.display_name,
                hint=secret.hint,
                secret_hash=secret.secret_hash,
                start=secret.start,
                end=secret.end,
            )
        )

    async def secrets_of(self, application_id: str) -> list[SecretCredential]:
        """An application's client secrets."""
        query = (
            select(SecretRow)
            .where(SecretRow.application_id == application_id.lower())
            .order_by(SecretRow.start, SecretRow.key_id)
        )
        return [
            SecretCredential(
                r.key_id, r.application_id, r.display_name, r.hint, r.secret_hash, r.start, r.end
            )
            for r in await self._rows(query)
        ]

    async def remove_secret(self, application_id: str, key_id: str) -> bool:
        """Revoke a client secret."""
        statement = delete(SecretRow).where(
            SecretRow.application_id == application_id.lower(), SecretRow.key_id == key_id.lower()
        )
        async with self._db.write() as conn:
            return bool((await conn.execute(statement)).rowcount)

    async def add_certificate(self, certificate: CertificateCredential) -> None:
        """Add a certificate."""
        await self._write(self._certificate_insert(certificate))

    async def replace_certificates(
        self, application_id: str, certificates: Sequence[CertificateCredential]
    ) -> None:
        """Make `certificates` the application's only ones; kept ones are deleted and written back."""
        await self._write(
            delete(CertificateRow).where(CertificateRow.application_id == application_id.lower()),
            *(self._certificate_insert(c) for c in certificates),
            conflict="a keyId is already in use",
        )

    @staticmethod
    def _certificate_insert(certificate: CertificateCredential) -> Executable:
        c = certificate
        return insert(CertificateRow).values(
            key_id=c.key_id,
            application_id=c.application_id,
            display_name=c.display_name,
            certificate_pem=c.certificate_pem,
            thumbprint_sha1=c.thumbprint_sha1,
            thumbprint_sha256=c.thumbprint_sha256,
            start=c.start,
            end=c.end,
        )

    async def certificates_of(self, application_id: str) -> list[CertificateCredential]:
        """An application's certificates."""
        query = (
            select(CertificateRow)
            .where(CertificateRow.application_id == application_id.lower())
            .order_by(CertificateRow.start, CertificateRow.key_id)
        )
        return [
            CertificateCredential(
                r.key_id,
                r.application_id,
                r.display_name,
                r.certificate_pem,
                r.thumbprint_sha1,
                r.thumbprint_sha256,
                r.start,
                r.end,
            )
            for r in await self._rows(query)
        ]

    async def add_federated_credential(self, credential: FederatedCredential) -> None:
        """Add a federated credential (names are unique per owner)."""
        c = credential
        await self._write(
            insert(FederatedCredentialRow).values(
                id=c.id,
                owner_id=c.owner_id,
                name=c.name,
                issuer=c.issuer,
                subject=c.subject,
                audiences=json.dumps(list(c.audiences)),
                description=c.description,
            ),
            conflict=f"a federated credential named {c.name!r} already exists",
        )

    async def federated_credentials_of(self, owner_id: str) -> list[FederatedCredential]:
        """An owner's federated credentials."""
        query = (
            select(FederatedCredentialRow)
            .where(FederatedCredentialRow.owner_id == owner_id.lower())
            .order_by(FederatedCredentialRow.name)
        )
        return [
            FederatedCredential(
                r.id, r.owner_id, r.name, r.issuer, r.subject, tuple(json.loads(r.audiences)), r.description
            )
            for r in await self._rows(query)
        ]

    # -- managed identities and workloads --------------------------------------------------------------

    async def add_managed_identity(self, identity: ManagedIdentity, principal: ServicePrincipal) -> None:
        """Create a managed identity together with its service principal."""
        i = identity
        await self._write(
            insert(ManagedIdentityRow).values(
                principal_id=i.principal_id,
                client_id=i.client_id,
                tenant_id=i.tenant_id,
                kind=i.kind.value,
                resource_id=i.resource_id,
                resource_key=i.resource_id.lower(),
                name=i.name,
                created_at=i.created_at,
            ),
            self._principal_insert(principal),
        )

    async def get_managed_identity(self, principal_id: str) -> ManagedIdentity | None:
        """A managed identity by principal id."""
        row = await self._row(
            select(ManagedIdentityRow).where(ManagedIdentityRow.principal_id == principal_id.lower())
        )
        return None if row is None else _identity(row)

    async def managed_identity_by_resource_id(self, resource_id: str) -> ManagedIdentity | None:
        """A managed identity by ARM id, case-insensitively (user-assigned first)."""
        query = (
            select(ManagedIdentityRow)
            .where(ManagedIdentityRow.resource_key == resource_id.lower())
            .order_by(ManagedIdentityRow.kind.desc())
        )
        row = await self._row(query)
        return None if row is None else _identity(row)

    async def delete_managed_identity(self, principal_id: str) -> bool:
        """Delete a managed identity and its service principal."""
        principal_id = principal_id.lower()
        async with self._db.write() as conn:
            gone = await conn.execute(
                delete(ManagedIdentityRow).where(ManagedIdentityRow.principal_id == principal_id)
            )
            await conn.execute(delete(ServicePrincipalRow).where(ServicePrincipalRow.id == principal_id))
        return bool(gone.rowcount)

    async def add_workload(self, workload: Workload) -> None:
        """Register a workload."""
        w = workload
        await self._write(
            insert(WorkloadRow).values(
                id=w.id,
                tenant_id=w.tenant_id,
                name=w.name,
                resource_id=w.resource_id,
                secret_hash=w.secret_hash,
                system_identity=w.system_identity,
                user_identities=json.dumps(list(w.user_identities)),
                created_at=w.created_at,
            )
        )

    async def get_workload(self, workload_id: str) -> Workload | None:
        """A workload by id."""
        row = await self._row(select(WorkloadRow).where(WorkloadRow.id == workload_id.lower()))
        if row is None:
            return None
        return Workload(
            row.id,
            row.tenant_id,
            row.name,
            row.resource_id,
            row.secret_hash,
            row.system_identity,
            tuple(json.loads(row.user_identities)),
            row.created_at,
        )
