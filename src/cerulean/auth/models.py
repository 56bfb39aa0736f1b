"""The registry's own credentials, as stored: admin passwords, scope maps, tokens and their passwords."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

__all__ = [
    "ADMIN_PASSWORD_NAMES",
    "TOKEN_PASSWORD_NAMES",
    "AdminPassword",
    "StoredScopeMap",
    "StoredToken",
    "TokenPassword",
    "TokenState",
    "admin_password_binding",
]

ADMIN_PASSWORD_NAMES = ("password", "password2")
TOKEN_PASSWORD_NAMES = ("password1", "password2")


def admin_password_binding(registry: str, name: str) -> str:
    """The associated data an admin password is sealed with: a ciphertext cannot move to another slot."""
    return f"admin:{registry.lower()}:{name}"


@dataclass(frozen=True, slots=True)
class AdminPassword:
    """One of the admin account's two passwords, sealed with the key-encryption key.

    ACR's `listCredentials` shows admin passwords again at any time, so they are stored encrypted
    rather than hashed (token passwords, shown once, are hashed).
    """

    registry: str
    name: str
    sealed_value: bytes
    created_at: dt.datetime


class TokenState(StrEnum):
    """A repository-scoped token's `status`."""

    ENABLED = "enabled"
    DISABLED = "disabled"


@dataclass(frozen=True, slots=True)
class StoredScopeMap:
    """A user-defined scope map of a registry (the five system maps are built in)."""

    registry: str
    name: str
    description: str
    actions: tuple[str, ...]
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class TokenPassword:
    """One of a token's two passwords: an argon2id hash, its 3-character hint and its expiry."""

    name: str
    secret_hash: str
    hint: str
    created_at: dt.datetime
    expiry: dt.datetime | None

    def is_valid_at(self, now: dt.datetime) -> bool:
        """Whether the password has not expired at `now`."""
        return self.expiry is None or now < self.expiry


@dataclass(frozen=True, slots=True)
class StoredToken:
    """A repository-scoped token: its scope map, status and passwords."""

    registry: str
    name: str
    scope_map: str
    status: TokenState
    created_at: dt.datetime
    passwords: tuple[TokenPassword, ...] = ()
