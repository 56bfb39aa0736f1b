"""Graph request bodies for applications: what a PATCH may name, and `keyCredentials` entries checked."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from typing import Any, Final

from cerulean.identity.directory import KeyCredentialInput
from cerulean.server.msgraph.errors import GraphError

__all__ = ["bad_key_credentials", "check_patch_properties", "key_credentials"]

_APPLICATION_TYPE: Final = "#microsoft.graph.application"
_APPLICATION_PATCHABLE: Final = frozenset({"displayName", "keyCredentials"})
_GUID: Final = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
# What a keyCredential entry may carry: Graph's properties (key and customKeyIdentifier are Edm.Binary).
_KEY_CREDENTIAL_PROPERTIES: Final = frozenset(
    {
        "@odata.type", "customKeyIdentifier", "displayName", "endDateTime", "key", "keyId", "startDateTime",
        "type", "usage",
    }
)  # fmt: skip
_KEY_CREDENTIAL_TYPE: Final = "#microsoft.graph.keyCredential"
# Graph's application properties (v1.0 and beta). A PATCH naming one Cerulean does not keep is refused as
# unsupported; any other name as a property the type does not have.
_APPLICATION_PROPERTIES: Final = frozenset(
    {
        "addIns", "api", "appId", "appRoles", "applicationTemplateId", "authenticationBehaviors",
        "certification", "createdDateTime", "defaultRedirectUri", "deletedDateTime", "description",
        "disabledByMicrosoftStatus", "groupMembershipClaims", "id", "identifierUris", "info",
        "isDeviceOnlyAuthSupported", "isFallbackPublicClient", "keyCredentials", "logo",
        "nativeAuthenticationApisEnabled", "notes", "oauth2RequirePostResponse", "optionalClaims",
        "parentalControlSettings", "passwordCredentials", "publicClient", "publisherDomain",
        "requestSignatureVerification", "requiredResourceAccess", "samlMetadataUrl",
        "serviceManagementReference", "servicePrincipalLockConfiguration", "signInAudience", "spa", "tags",
        "tokenEncryptionKeyId", "uniqueName", "verifiedPublisher", "web",
    }
)  # fmt: skip


def check_patch_properties(body: dict[str, Any]) -> None:
    """Refuse what a PATCH of an application may not name (only what Cerulean keeps may be given)."""
    for name, value in body.items():
        if name in _APPLICATION_PATCHABLE or (name == "@odata.type" and value == _APPLICATION_TYPE):
            continue
        if name == "passwordCredentials":
            raise GraphError.bad_request("New password credentials must be generated using service actions.")
        if name in _APPLICATION_PROPERTIES:
            raise GraphError.bad_request(f"Property '{name}' of application is not supported by this server.")
        raise GraphError.bad_request(f"Invalid property '{name[:64]}'.")


def bad_key_credentials(reason: str) -> GraphError:
    """Graph's 400 for a `keyCredentials` value, with the precise reason in its details."""
    message = "Invalid value specified for property 'keyCredentials' of resource 'Application'."
    return GraphError(
        400,
        "Request_BadRequest",
        message,
        details=[{"code": "InvalidValue", "message": reason, "target": "keyCredentials"}],
    )


def key_credentials(given: object) -> list[KeyCredentialInput]:
    """Graph's `keyCredentials`, checked for shape; the certificates themselves the directory checks."""
    if given is None:
        return []
    if not isinstance(given, list):
        raise bad_key_credentials("keyCredentials must be a collection")
    return [_key_credential(entry) for entry in given]


def _key_credential(entry: object) -> KeyCredentialInput:
    if not isinstance(entry, dict):
        raise bad_key_credentials("each key credential must be an object")
    unknown = sorted(set(entry) - _KEY_CREDENTIAL_PROPERTIES)
    if unknown:
        raise GraphError.bad_request(f"Invalid property '{unknown[0][:64]}'.")
    if entry.get("@odata.type", _KEY_CREDENTIAL_TYPE) != _KEY_CREDENTIAL_TYPE:
        raise bad_key_credentials("@odata.type must be #microsoft.graph.keyCredential")
    # Only certificates that verify client assertions: a symmetric key or a signing ("Sign") key would need
    # its private part stored here, which Cerulean never keeps.
    if entry.get("type") != "AsymmetricX509Cert" or entry.get("usage") != "Verify":
        raise bad_key_credentials("only type 'AsymmetricX509Cert' with usage 'Verify' is supported")
    key_id = entry.get("keyId")
    if key_id is not None and (not isinstance(key_id, str) or _GUID.fullmatch(key_id) is None):
        raise bad_key_credentials("keyId must be a GUID")
    display_name = entry.get("displayName")
    if display_name is not None and not isinstance(display_name, str):
        raise bad_key_credentials("displayName must be a string")
    # customKeyIdentifier is accepted and not kept: it is always shown as the certificate's thumbprint.
    if entry.get("customKeyIdentifier") is not None and not isinstance(entry["customKeyIdentifier"], str):
        raise bad_key_credentials("customKeyIdentifier must be base64")
    return KeyCredentialInput(
        der=_binary(entry.get("key")),
        key_id=key_id,
        display_name=display_name or "",
        start=_instant(entry.get("startDateTime"), "startDateTime"),
        end=_instant(entry.get("endDateTime"), "endDateTime"),
    )


def _binary(value: object) -> bytes | None:
    """An Edm.Binary value; az sends a PEM body without its armour, line breaks included."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_key_credentials("key must be base64")
    try:
        return base64.b64decode("".join(value.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise bad_key_credentials("key must be base64") from exc


def _instant(value: object, name: str) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_key_credentials(f"{name} must be an ISO 8601 date and time")
    try:
        instant = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise bad_key_credentials(f"{name} must be an ISO 8601 date and time") from exc
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=dt.UTC)
