"""Errors of the embedded identity provider, each carrying its OAuth2 `error` and Entra's AADSTS code.

    CeruleanError
    └── IdentityError                       a directory operation refused (bad input, unknown object)
        ├── DirectoryConflictError          the object already exists
        ├── InvalidKeyCredentialError       a certificate given as a `keyCredential` cannot be used
        └── NoBackingApplicationError       a service principal's app id names no application of the tenant
    └── EntraError                          an OAuth2 token-endpoint error, rendered as Entra renders it
        ├── InvalidRequestError             400 invalid_request     (AADSTS900144, 9002313, ...)
        ├── InvalidTenantError              400 invalid_tenant      (AADSTS90002)
        ├── UnauthorizedClientError         400 unauthorized_client (AADSTS700016)
        ├── InvalidClientError              401 invalid_client      (AADSTS7000215, 7000222, 700027, ...)
        ├── InvalidGrantError               400 invalid_grant       (AADSTS50126, 50057, 700082, ...)
        ├── InvalidResourceError            400 invalid_resource    (AADSTS500011)
        ├── InvalidScopeError               400 invalid_scope       (AADSTS70011)
        ├── UnsupportedGrantTypeError       400 unsupported_grant_type (AADSTS70003)
        ├── DeviceCodePendingError          400 authorization_pending  (AADSTS70016)
        ├── DeviceCodeExpiredError          400 expired_token          (AADSTS70020)
        ├── DeviceCodeDeclinedError         400 authorization_declined (AADSTS70000)
        └── ThrottledError                  429 temporarily_unavailable (AADSTS90055), with Retry-After

The wire shape (`error`, `error_description` starting with the AADSTS code, `error_codes`, `timestamp`,
`trace_id`, `correlation_id`) is written by the HTTP edge; here an error knows only its parts. Messages
never echo a secret, and never say more than Entra would about why a credential was refused.
"""

from __future__ import annotations

from typing import ClassVar

from cerulean.core.errors import CeruleanError

__all__ = [
    "DeviceCodeDeclinedError",
    "DeviceCodeExpiredError",
    "DeviceCodePendingError",
    "DirectoryConflictError",
    "EntraError",
    "IdentityError",
    "InvalidClientError",
    "InvalidGrantError",
    "InvalidKeyCredentialError",
    "InvalidRequestError",
    "InvalidResourceError",
    "InvalidScopeError",
    "InvalidTenantError",
    "NoBackingApplicationError",
    "ThrottledError",
    "UnauthorizedClientError",
    "UnsupportedGrantTypeError",
]


class IdentityError(CeruleanError):
    """A directory operation that cannot be done as asked (the message says why)."""


class DirectoryConflictError(IdentityError):
    """An object with that name or id already exists."""


class InvalidKeyCredentialError(IdentityError):
    """A `keyCredential` that is not a usable certificate, or whose dates or keyId do not fit."""


class NoBackingApplicationError(IdentityError):
    """A service principal was asked for an app id that names no application of the tenant."""

    def __init__(self, app_id: str) -> None:
        super().__init__(f"no application with app id {app_id[:64]!r} in the tenant")
        self.app_id = app_id


class EntraError(CeruleanError):
    """A token-endpoint refusal: OAuth2 `error`, HTTP status, AADSTS code and description."""

    error: ClassVar[str] = "invalid_request"
    status: ClassVar[int] = 400

    def __init__(self, code: int, description: str, *, reason: str = "") -> None:
        super().__init__(f"AADSTS{code}: {description}")
        self.code = code
        self.description = f"AADSTS{code}: {description}"
        # What the audit log records: more precise than what the client is told.
        self.reason = reason or description

    @property
    def headers(self) -> dict[str, str]:
        """Extra response headers."""
        return {}


class InvalidRequestError(EntraError):
    """The request is malformed: a missing or repeated parameter, an unusable value."""

    error = "invalid_request"


class InvalidTenantError(EntraError):
    """The tenant in the path names no tenant of this directory."""

    error = "invalid_tenant"


class UnauthorizedClientError(EntraError):
    """The client id names no application (or identity) in the tenant."""

    error = "unauthorized_client"


class InvalidClientError(EntraError):
    """The client's credential (secret, certificate assertion, federated token) is not valid."""

    error = "invalid_client"
    status = 401


class InvalidGrantError(EntraError):
    """The user's credential or the refresh token is not valid."""

    error = "invalid_grant"


class InvalidResourceError(EntraError):
    """The requested resource (the scope's audience) is not known to this tenant."""

    error = "invalid_resource"


class InvalidScopeError(EntraError):
    """The scope parameter is missing, malformed, or names more than one resource."""

    error = "invalid_scope"


class UnsupportedGrantTypeError(EntraError):
    """A grant type this endpoint does not implement."""

    error = "unsupported_grant_type"


class DeviceCodePendingError(EntraError):
    """The user has not approved the device code yet: the client keeps polling."""

    error = "authorization_pending"


class DeviceCodeExpiredError(EntraError):
    """The device code expired before it was approved."""

    error = "expired_token"


class DeviceCodeDeclinedError(EntraError):
    """The user declined the sign-in."""

    error = "authorization_declined"


class ThrottledError(EntraError):
    """Too many failed sign-ins from this client or address: come back after `retry_after` seconds."""

    error = "temporarily_unavailable"
    status = 429

    def __init__(self, retry_after: int, *, reason: str = "") -> None:
        super().__init__(
            90055,
            "The service is throttling requests: too many failed sign-ins. Retry after a while.",
            reason=reason or "throttled",
        )
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        """``Retry-After`` in seconds."""
        return {"Retry-After": str(self.retry_after)}
