"""Changing what registry authentication reads: the admin account, scope maps, tokens, modes, assignments.

The management plane (ARM API and CLI) calls these; every write bumps the policy version, so the token
service sees it at its next request (within `policy_cache_seconds` on other nodes).
"""

from __future__ import annotations

import dataclasses
import uuid
from typing import TYPE_CHECKING

from cerulean.access import (
    SYSTEM_SCOPE_MAPS,
    RoleAssignment,
    ScopeMap,
    builtin_role,
    check_assignment,
    parse_mode,
    parse_scope,
)
from cerulean.arm.models import StoredRoleAssignment
from cerulean.auth.errors import CredentialsRefusedError
from cerulean.auth.models import (
    ADMIN_PASSWORD_NAMES,
    TOKEN_PASSWORD_NAMES,
    AdminPassword,
    StoredScopeMap,
    StoredToken,
    TokenPassword,
    TokenState,
    admin_password_binding,
)
from cerulean.identity.secrets import generate_token

if TYPE_CHECKING:
    import datetime as dt

    from cerulean.access.roles import RoleDefinition
    from cerulean.arm.interfaces import ResourceStore
    from cerulean.arm.models import RegistryResource
    from cerulean.auth.interfaces import CredentialStore
    from cerulean.core.clock import Clock
    from cerulean.identity import KeyEncryptionKey
    from cerulean.identity.secrets import SecretHasher

__all__ = ["RegistryAdministration"]


class RegistryAdministration:
    """Administers one store's registries."""

    def __init__(
        self,
        resources: ResourceStore,
        credentials: CredentialStore,
        kek: KeyEncryptionKey,
        hasher: SecretHasher,
        clock: Clock,
    ) -> None:
        self._resources = resources
        self._credentials = credentials
        self._kek = kek
        self._hasher = hasher
        self._clock = clock

    async def registry(self, name: str) -> RegistryResource:
        """A registry by name (`LookupError` if none)."""
        for registry in await self._resources.list_registries():
            if registry.name.lower() == name.lower():
                return registry
        raise LookupError(f"registry {name!r} does not exist")

    async def update(self, name: str, **changes: object) -> RegistryResource:
        """Change registry settings (`admin_user_enabled`, `anonymous_pull_enabled`, `permission_mode`...)."""
        registry = await self.registry(name)
        if "permission_mode" in changes:
            changes["permission_mode"] = parse_mode(str(changes["permission_mode"])).value
        updated = dataclasses.replace(registry, **changes)  # type: ignore[arg-type]
        await self._resources.update_registry(updated)
        if updated.admin_user_enabled and not await self._credentials.admin_passwords(name):
            for password in ADMIN_PASSWORD_NAMES:
                await self.regenerate_admin_password(name, password)
        return updated

    async def admin_credentials(self, name: str) -> tuple[str, list[tuple[str, str]]]:
        """The admin username and its passwords (`listCredentials`)."""
        registry = await self.registry(name)
        passwords = [
            (p.name, self._kek.open(admin_password_binding(registry.name, p.name), p.sealed_value).decode())
            for p in await self._credentials.admin_passwords(registry.name)
        ]
        return registry.name, passwords

    async def regenerate_admin_password(self, name: str, password: str) -> str:
        """A new value for `password` or `password2`."""
        if password not in ADMIN_PASSWORD_NAMES:
            raise ValueError(f"the admin passwords are named {' and '.join(ADMIN_PASSWORD_NAMES)}")
        registry = await self.registry(name)
        value = generate_token(24)
        sealed = self._kek.seal(admin_password_binding(registry.name, password), value.encode())
        await self._credentials.put_admin_password(
            AdminPassword(registry.name.lower(), password, sealed, self._clock.now())
        )
        return value

    async def put_scope_map(
        self, registry: str, name: str, actions: list[str], description: str = ""
    ) -> None:
        """Create or replace a user-defined scope map (`InvalidScopeMapError` on a bad action)."""
        if name in SYSTEM_SCOPE_MAPS:
            raise ValueError(f"{name} is a system scope map and cannot be changed")
        ScopeMap(name, tuple(actions), description)  # validates every action
        await self._credentials.put_scope_map(
            StoredScopeMap(registry.lower(), name, description, tuple(actions), self._clock.now())
        )

    async def put_token(self, registry: str, name: str, scope_map: str, *, enabled: bool = True) -> None:
        """Create or update a token on a scope map."""
        known = {m.name for m in await self._credentials.scope_maps() if m.registry == registry.lower()}
        if scope_map not in SYSTEM_SCOPE_MAPS and scope_map not in known:
            raise LookupError(f"scope map {scope_map!r} does not exist in registry {registry!r}")
        status = TokenState.ENABLED if enabled else TokenState.DISABLED
        await self._credentials.put_token(
            StoredToken(registry.lower(), name, scope_map, status, self._clock.now())
        )

    async def generate_token_password(
        self, registry: str, token: str, password: str, expiry: dt.datetime | None = None
    ) -> str:
        """A new value for the token's `password1` or `password2` (shown once; stored as a hash)."""
        if password not in TOKEN_PASSWORD_NAMES:
            raise ValueError(f"token passwords are named {' and '.join(TOKEN_PASSWORD_NAMES)}")
        tokens = {t.name.lower() for t in await self._credentials.tokens() if t.registry == registry.lower()}
        if token.lower() not in tokens:
            raise CredentialsRefusedError(f"token {token!r} does not exist")
        value = generate_token(32)
        stored = TokenPassword(
            password, await self._hasher.hash_async(value), value[:3], self._clock.now(), expiry
        )
        await self._credentials.put_token_password(registry, token, stored)
        return value

    async def assign_role(
        self,
        principal_id: str,
        role: str,
        scope: str,
        *,
        principal_type: str = "ServicePrincipal",
        condition: str | None = None,
        description: str = "",
    ) -> StoredRoleAssignment:
        """Create a role assignment for a built-in role (by name or GUID), checked as ARM would."""
        stored = self.checked_role_assignment(
            str(uuid.uuid4()), principal_id, builtin_role(role), scope,
            principal_type=principal_type, condition=condition, description=description,
        )  # fmt: skip
        await self._resources.add_role_assignment(stored)
        return stored

    def checked_role_assignment(
        self,
        assignment_id: str,
        principal_id: str,
        definition: RoleDefinition,
        scope: str,
        *,
        principal_type: str,
        condition: str | None,
        description: str,
    ) -> StoredRoleAssignment:
        """The assignment as it would be stored, if ARM would accept it (else the engine's error)."""
        assignment = RoleAssignment(
            assignment_id, parse_scope(scope), definition.id, principal_id, principal_type,
            condition, "2.0" if condition else None, description,
        )  # fmt: skip
        check_assignment(assignment, definition)
        return StoredRoleAssignment(
            assignment.id, assignment.scope.text, definition.id, assignment.principal_id, principal_type,
            assignment.condition, assignment.condition_version, description, self._clock.now(),
        )  # fmt: skip
