"""Refusals of registry authentication, each with the status and OCI error code clients expect."""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AuthError",
    "CredentialsRefusedError",
    "ExchangeForbiddenError",
    "InvalidTokenRequestError",
    "NetworkRefusedError",
    "TokenInvalidError",
]

AUTH_REQUIRED = "authentication required, visit https://aka.ms/acr/authorization for more information."


class AuthError(Exception):
    """A refused authentication. `reason` is for the audit log and the server log, never a secret."""

    status: ClassVar[int] = 401
    code: ClassVar[str] = "UNAUTHORIZED"

    def __init__(self, reason: str, message: str = AUTH_REQUIRED) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


class TokenInvalidError(AuthError):
    """A registry token that is forged, expired, for another registry or of the wrong kind."""


class CredentialsRefusedError(AuthError):
    """Wrong username or password, a disabled admin account or token, an expired password."""


class ExchangeForbiddenError(AuthError):
    """A valid Entra identity with no role assignment reaching the registry (403, as ACR answers)."""

    status: ClassVar[int] = 403
    code: ClassVar[str] = "DENIED"


class InvalidTokenRequestError(AuthError):
    """A malformed token request: missing or unsupported fields (400)."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "UNSUPPORTED"


class NetworkRefusedError(AuthError):
    """A caller the registry's network rules refuse and no trusted-service bypass lets through (403).

    `message` is ACR's firewall text naming the client's address; `reason` names the rule.
    """

    status: ClassVar[int] = 403
    code: ClassVar[str] = "DENIED"
