"""Directory objects as Microsoft Graph v1.0 writes them. Hashes and secrets never appear here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import datetime as dt

    from cerulean.identity.models import (
        Application,
        CertificateCredential,
        FederatedCredential,
        Group,
        SecretCredential,
        ServicePrincipal,
        SignIn,
        Tenant,
        User,
    )

__all__ = [
    "application_json",
    "federated_json",
    "group_json",
    "organization_json",
    "secret_json",
    "service_principal_json",
    "sign_in_json",
    "user_json",
]


def _time(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def organization_json(tenant: Tenant) -> dict[str, Any]:
    """`/organization` item."""
    return {
        "id": tenant.id,
        "displayName": tenant.display_name,
        "verifiedDomains": [{"name": tenant.default_domain, "isDefault": True, "isInitial": True}],
        "createdDateTime": _time(tenant.created_at),
    }


def user_json(user: User) -> dict[str, Any]:
    """A user."""
    return {
        "@odata.type": "#microsoft.graph.user",
        "id": user.id,
        "userPrincipalName": user.user_principal_name,
        "displayName": user.display_name,
        "accountEnabled": user.enabled,
        "mail": None,
        "createdDateTime": _time(user.created_at),
    }


def group_json(group: Group) -> dict[str, Any]:
    """A security group."""
    return {
        "@odata.type": "#microsoft.graph.group",
        "id": group.id,
        "displayName": group.display_name,
        "description": group.description or None,
        "securityEnabled": True,
        "mailEnabled": False,
        "createdDateTime": _time(group.created_at),
    }


def secret_json(secret: SecretCredential, value: str | None = None) -> dict[str, Any]:
    """A `passwordCredential`; `secretText` only when just created."""
    return {
        "customKeyIdentifier": None,
        "displayName": secret.display_name or None,
        "endDateTime": _time(secret.end),
        "hint": secret.hint,
        "keyId": secret.key_id,
        "secretText": value,
        "startDateTime": _time(secret.start),
    }


def _certificate_json(certificate: CertificateCredential, *, with_key: bool) -> dict[str, Any]:
    # As Graph: the key only when one object's keyCredentials are asked for by $select, else null.
    # customKeyIdentifier is the SHA-1 thumbprint, Graph's default when a client gives none.
    key = None
    if with_key:  # the PEM's body is the base64 of the DER certificate
        key = "".join(line for line in certificate.certificate_pem.splitlines() if not line.startswith("-"))
    return {
        "customKeyIdentifier": certificate.thumbprint_sha1,
        "displayName": certificate.display_name or None,
        "endDateTime": _time(certificate.end),
        "key": key,
        "keyId": certificate.key_id,
        "startDateTime": _time(certificate.start),
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
    }


def application_json(
    application: Application,
    secrets: list[SecretCredential],
    certificates: list[CertificateCredential],
    *,
    with_keys: bool = False,
) -> dict[str, Any]:
    """An application with its credentials' metadata (and the certificates themselves if `with_keys`)."""
    return {
        "@odata.type": "#microsoft.graph.application",
        "id": application.id,
        "appId": application.app_id,
        "displayName": application.display_name,
        "createdDateTime": _time(application.created_at),
        "signInAudience": "AzureADMyOrg",
        "passwordCredentials": [secret_json(s) for s in secrets],
        "keyCredentials": [_certificate_json(c, with_key=with_keys) for c in certificates],
    }


def service_principal_json(principal: ServicePrincipal) -> dict[str, Any]:
    """A service principal (of an application or a managed identity)."""
    return {
        "@odata.type": "#microsoft.graph.servicePrincipal",
        "id": principal.id,
        "appId": principal.app_id,
        "displayName": principal.display_name,
        "accountEnabled": principal.enabled,
        "servicePrincipalType": principal.kind.value,
        "servicePrincipalNames": list(dict.fromkeys([principal.app_id, *principal.alternative_names])),
        "appOwnerOrganizationId": principal.tenant_id,
    }


def federated_json(credential: FederatedCredential) -> dict[str, Any]:
    """A `federatedIdentityCredential`."""
    return {
        "id": credential.id,
        "name": credential.name,
        "issuer": credential.issuer,
        "subject": credential.subject,
        "audiences": list(credential.audiences),
        "description": credential.description or None,
    }


def sign_in_json(index: int, sign_in: SignIn) -> dict[str, Any]:
    """An entry of `/auditLogs/signIns`."""
    user = sign_in.identity_type == "User"
    return {
        "id": f"{sign_in.correlation_id or 'signin'}-{index}",
        "createdDateTime": _time(sign_in.time),
        "appId": sign_in.client_id,
        "userId": sign_in.identity if user else None,
        "servicePrincipalId": None if user else sign_in.identity,
        "ipAddress": sign_in.caller_ip,
        "resourceId": sign_in.resource,
        "resourceDisplayName": sign_in.resource,
        "clientCredentialType": sign_in.grant_type,
        "correlationId": sign_in.correlation_id,
        "conditionalAccessStatus": "notApplied",
        "status": {
            "errorCode": sign_in.error_code,
            "failureReason": sign_in.reason if sign_in.result == "failure" else None,
        },
    }
