"""The policy the token service decides with: one `PolicySnapshot` per policy version, cached per node.

Every policy write (role assignments, registries, scope maps, tokens, group memberships) bumps a
version counter in the database, in the same transaction. A node reads the counter at most once per
`ttl` seconds and rebuilds its snapshot only when the counter moved, so a change is seen by every node
within `ttl` (0: at the next token request) and a busy token endpoint pays one snapshot build per change.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import structlog

from cerulean.access import (
    AccessError,
    PolicySnapshot,
    RegistryContext,
    RoleAssignment,
    RoleDefinition,
    ScopeMap,
    Token,
    parse_scope,
)
from cerulean.auth.models import TokenState

if TYPE_CHECKING:
    from cerulean.access import Scope
    from cerulean.arm.interfaces import ResourceStore
    from cerulean.arm.models import RegistryResource
    from cerulean.auth.interfaces import CredentialStore, GroupMemberships
    from cerulean.auth.models import StoredToken

__all__ = ["PolicyCache", "PolicyView"]

_log = structlog.get_logger("cerulean.auth")


@dataclass(frozen=True, slots=True)
class PolicyView:
    """One policy version: the engine's snapshot plus what credential checks need."""

    version: int
    snapshot: PolicySnapshot
    registries: dict[str, RegistryResource]  # by lower-case name
    contexts: dict[str, RegistryContext]  # by lower-case name
    tokens: dict[tuple[str, str], StoredToken]  # by (registry, token name), lower-case

    def registry(self, name: str) -> tuple[RegistryResource, RegistryContext] | None:
        """A registry and its engine context by name."""
        key = name.lower()
        resource = self.registries.get(key)
        return None if resource is None else (resource, self.contexts[key])


class PolicyCache:
    """Builds and caches the current `PolicyView`."""

    def __init__(
        self,
        resources: ResourceStore,
        credentials: CredentialStore,
        memberships: GroupMemberships,
        *,
        ttl: float,
    ) -> None:
        self._resources = resources
        self._credentials = credentials
        self._memberships = memberships
        self._ttl = ttl
        self._view: PolicyView | None = None
        self._checked_at = 0.0
        self._lock = asyncio.Lock()

    def invalidate(self) -> None:
        """Check the version at the next use (this node just wrote policy)."""
        self._checked_at = 0.0

    def fresh(self) -> PolicyView | None:
        """The view if it was checked within the ttl (no awaiting); None when `current` must check."""
        view = self._view
        if view is not None and time.monotonic() - self._checked_at < self._ttl:
            return view
        return None

    async def current(self) -> PolicyView:
        """The current view (rebuilt if the policy version moved)."""
        view = self._view
        if view is not None and time.monotonic() - self._checked_at < self._ttl:
            return view
        async with self._lock:
            view = self._view
            if view is not None and time.monotonic() - self._checked_at < self._ttl:
                return view
            version = await self._credentials.policy_version()
            if view is None or view.version != version:
                view = await self._build(version)
                self._view = view
            self._checked_at = time.monotonic()
            return view

    async def _build(self, version: int) -> PolicyView:
        subscriptions = {s.id: s.tenant_id for s in await self._resources.list_subscriptions()}
        registries = {r.name.lower(): r for r in await self._resources.list_registries()}
        contexts = {
            name: RegistryContext.of(
                r.resource_id,
                mode=r.permission_mode,
                sku=r.sku,
                admin_user_enabled=r.admin_user_enabled,
                anonymous_pull_enabled=r.anonymous_pull_enabled,
                tenant_id=subscriptions.get(r.subscription_id, ""),
            )
            for name, r in registries.items()
        }
        assignments = []
        for stored in await self._resources.list_role_assignments():
            try:
                assignments.append(
                    RoleAssignment(
                        stored.id,
                        parse_scope(stored.scope),
                        stored.role_definition_id,
                        stored.principal_id,
                        stored.principal_type,
                        stored.condition,
                        stored.condition_version,
                        stored.description,
                    )
                )
            except AccessError as exc:  # stored before a rule tightened: explainable, never granting
                _log.warning("role assignment skipped", assignment=stored.id, reason=str(exc))
        scope_maps: list[tuple[Scope, ScopeMap]] = []
        for stored_map in await self._credentials.scope_maps():
            context = contexts.get(stored_map.registry)
            if context is None:
                continue
            try:
                scope_maps.append(
                    (
                        context.resource_id,
                        ScopeMap(stored_map.name, stored_map.actions, stored_map.description),
                    )
                )
            except AccessError as exc:
                _log.warning("scope map skipped", scope_map=stored_map.name, reason=str(exc))
        tokens: dict[tuple[str, str], StoredToken] = {}
        engine_tokens = []
        for stored_token in await self._credentials.tokens():
            context = contexts.get(stored_token.registry)
            if context is None:
                continue
            registry_id = context.resource_id.text
            engine_tokens.append(
                Token.of(
                    registry_id,
                    stored_token.name,
                    f"{registry_id}/scopeMaps/{stored_token.scope_map}",
                    enabled=stored_token.status is TokenState.ENABLED,
                )
            )
            tokens[(stored_token.registry, stored_token.name.lower())] = stored_token
        roles = []
        for stored_role in await self._resources.list_role_definitions():
            try:
                roles.append(RoleDefinition.from_arm(json.loads(stored_role.document)))
            except (AccessError, ValueError) as exc:
                _log.warning("role definition skipped", role=stored_role.id, reason=str(exc))
        snapshot = PolicySnapshot(
            roles=roles,
            assignments=assignments,
            group_memberships=await self._memberships.group_memberships(),
            scope_maps=scope_maps,
            tokens=engine_tokens,
            registries=contexts.values(),
            version=version,
        )
        return PolicyView(version, snapshot, registries, contexts, tokens)
