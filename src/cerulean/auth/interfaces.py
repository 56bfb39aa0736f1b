"""The stores registry authentication reads and writes (implemented by `cerulean.db`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from cerulean.access import Principal
    from cerulean.auth.models import AdminPassword, StoredScopeMap, StoredToken, TokenPassword

__all__ = ["Admission", "CredentialStore", "GroupMemberships", "PolicyVersions"]


class Admission(Protocol):
    """A condition one request puts on who may authenticate (the network gate's trusted-service bypass).

    Checked in two halves so that refusing costs nothing: `claimed` before any credential is verified,
    `admitted` once the caller is known. Either raises an `AuthError` to refuse.
    """

    def claimed(self, token: str | None) -> None:
        """The token the credential carries, unverified (None: a password, or no credential)."""
        ...

    def admitted(self, principal: Principal) -> None:
        """The authenticated caller."""
        ...


class PolicyVersions(Protocol):
    """A counter every policy write increments, so each node knows when its snapshot is stale."""

    async def policy_version(self) -> int:
        """The current policy version."""
        ...


class GroupMemberships(Protocol):
    """The directory's group memberships, all at once (role assignments to groups need them)."""

    async def group_memberships(self) -> dict[str, set[str]]:
        """Member id → the groups it is directly in."""
        ...


class CredentialStore(PolicyVersions, Protocol):
    """Admin passwords, scope maps and tokens; every write bumps the policy version."""

    async def admin_passwords(self, registry: str) -> list[AdminPassword]:
        """The registry's admin passwords (none until first generated)."""
        ...

    async def put_admin_password(self, password: AdminPassword) -> None:
        """Create or replace one admin password."""
        ...

    async def put_scope_map(self, scope_map: StoredScopeMap) -> None:
        """Create or replace a user-defined scope map."""
        ...

    async def delete_scope_map(self, registry: str, name: str) -> bool:
        """Delete a scope map; False if there was none."""
        ...

    async def scope_maps(self) -> list[StoredScopeMap]:
        """Every user-defined scope map of every registry."""
        ...

    async def put_token(self, token: StoredToken) -> None:
        """Create or replace a token (its scope map and status; passwords are kept)."""
        ...

    async def put_token_password(self, registry: str, token: str, password: TokenPassword) -> None:
        """Create or replace one of a token's passwords."""
        ...

    async def delete_token_password(self, registry: str, token: str, name: str) -> bool:
        """Delete one of a token's passwords; False if there was none."""
        ...

    async def delete_token(self, registry: str, name: str) -> bool:
        """Delete a token and its passwords; False if there was none."""
        ...

    async def tokens(self) -> list[StoredToken]:
        """Every token of every registry, with its passwords."""
        ...
