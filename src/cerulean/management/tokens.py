"""A registry's scope maps and repository-scoped tokens, and `generateCredentials` for token passwords."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.access import SYSTEM_SCOPE_MAPS, InvalidScopeMapError, ScopeMap, Sku
from cerulean.access.scopemaps import SKU_LIMITS, check_counts
from cerulean.auth.models import TOKEN_PASSWORD_NAMES, StoredToken, TokenState
from cerulean.management.errors import BadRequestError, ConflictError, NotFoundError
from cerulean.management.gate import same
from cerulean.management.lookups import find_registry, registry_id

if TYPE_CHECKING:
    from cerulean.arm.interfaces import ResourceStore
    from cerulean.arm.models import RegistryResource
    from cerulean.auth.administration import RegistryAdministration
    from cerulean.auth.interfaces import CredentialStore
    from cerulean.core.clock import Clock
    from cerulean.management.gate import Caller, Gate

__all__ = ["GeneratedPassword", "RegistryScopeMap", "RegistryTokens", "TokenChanges"]

_REGISTRIES: Final = "Microsoft.ContainerRegistry/registries"
_NAME: Final = re.compile(r"^[a-zA-Z0-9_-]{5,50}$")  # ACR's pattern for scope map and token names


@dataclass(frozen=True, slots=True)
class RegistryScopeMap:
    """A scope map as ARM shows it (system maps have no creation date of their own)."""

    registry: RegistryResource
    name: str
    description: str
    actions: tuple[str, ...]
    system: bool
    created_at: dt.datetime

    @property
    def resource_id(self) -> str:
        """The scope map's ARM id."""
        return f"{self.registry.resource_id}/scopeMaps/{self.name}"


@dataclass(frozen=True, slots=True)
class TokenChanges:
    """A token PUT or PATCH: the scope map's ARM id, the status, the passwords to keep (None: not given)."""

    scope_map_id: str | None = None
    status: str | None = None
    passwords: tuple[str, ...] | None = None  # `credentials.passwords`: a password not listed is deleted


@dataclass(frozen=True, slots=True)
class GeneratedPassword:
    """A token password just generated: its value is shown this once."""

    name: str
    value: str
    created_at: dt.datetime
    expiry: dt.datetime | None


def _check_name(kind: str, name: str) -> None:
    if not _NAME.fullmatch(name):
        raise BadRequestError(
            f"The {kind} name '{name[:60]}' is invalid: use 5 to 50 letters, digits, '-' or '_'.",
            code="InvalidResourceName",
            target="name",
        )


class RegistryTokens:
    """`registries/{r}/scopeMaps`, `registries/{r}/tokens` and `registries/{r}/generateCredentials`."""

    def __init__(
        self,
        gate: Gate,
        resources: ResourceStore,
        credentials: CredentialStore,
        administration: RegistryAdministration,
        clock: Clock,
    ) -> None:
        self._gate = gate
        self._resources = resources
        self._credentials = credentials
        self._administration = administration
        self._clock = clock

    async def _registry(
        self, caller: Caller, action: str, subscription: str, group: str, name: str
    ) -> RegistryResource:
        self._gate.authorize(caller, f"{_REGISTRIES}/{action}", registry_id(subscription, group, name))
        return await find_registry(self._resources, subscription, group, name)

    # -- scope maps ---------------------------------------------------------------------------------

    async def _scope_maps(self, registry: RegistryResource) -> list[RegistryScopeMap]:
        system = [
            RegistryScopeMap(registry, m.name, m.description, m.actions, True, registry.created_at)  # noqa: FBT003
            for m in SYSTEM_SCOPE_MAPS.values()
        ]
        user = [
            RegistryScopeMap(registry, m.name, m.description, m.actions, False, m.created_at)  # noqa: FBT003
            for m in await self._credentials.scope_maps()
            if same(m.registry, registry.name)
        ]
        return system + sorted(user, key=lambda m: m.name.lower())

    async def scope_maps(
        self, caller: Caller, subscription: str, group: str, name: str
    ) -> list[RegistryScopeMap]:
        """The five system scope maps and the registry's own (`scopeMaps/read`)."""
        registry = await self._registry(caller, "scopeMaps/read", subscription, group, name)
        return await self._scope_maps(registry)

    async def _scope_map(self, registry: RegistryResource, map_name: str) -> RegistryScopeMap:
        for found in await self._scope_maps(registry):
            if same(found.name, map_name):
                return found
        raise NotFoundError(
            f"The scope map '{map_name[:60]}' was not found in registry '{registry.name}'.",
            code="ResourceNotFound",
        )

    async def scope_map(
        self, caller: Caller, subscription: str, group: str, name: str, map_name: str
    ) -> RegistryScopeMap:
        """One scope map (`scopeMaps/read`)."""
        registry = await self._registry(caller, "scopeMaps/read", subscription, group, name)
        return await self._scope_map(registry, map_name)

    async def put_scope_map(  # noqa: PLR0917 - the path's parts, then the body's
        self,
        caller: Caller,
        subscription: str,
        group: str,
        name: str,
        map_name: str,
        actions: list[str] | None,
        description: str | None,
    ) -> tuple[RegistryScopeMap, bool]:
        """Create or update a user-defined scope map (`scopeMaps/write`); True if it was created."""
        registry = await self._registry(caller, "scopeMaps/write", subscription, group, name)
        if map_name in SYSTEM_SCOPE_MAPS:
            raise BadRequestError(
                f"The scope map '{map_name}' is system-defined and cannot be changed.",
                code="ScopeMapIsSystemDefined",
            )
        _check_name("scope map", map_name)
        existing = next(
            (m for m in await self._scope_maps(registry) if same(m.name, map_name) and not m.system), None
        )
        if actions is not None:
            new_actions = list(actions)
        elif existing is not None:
            new_actions = list(existing.actions)
        else:
            raise BadRequestError("The scope map's 'actions' are required.", target="properties.actions")
        text = (existing.description if existing else "") if description is None else description
        try:
            ScopeMap(map_name, tuple(new_actions), text)
            others = [m for m in await self._scope_maps(registry) if not m.system]
            check_counts(
                Sku(registry.sku),
                scope_maps=len(others) + (0 if existing else 1),
                scope_map_actions=new_actions,
            )
        except InvalidScopeMapError as error:  # ScopeMapLimitError is one
            raise BadRequestError(str(error), code="InvalidScopeMap", target="properties.actions") from None
        stored_name = existing.name if existing else map_name
        await self._administration.put_scope_map(registry.name, stored_name, new_actions, text)
        self._gate.wrote()
        return await self._scope_map(registry, stored_name), existing is None

    async def delete_scope_map(
        self, caller: Caller, subscription: str, group: str, name: str, map_name: str
    ) -> bool:
        """Delete a user-defined scope map (`scopeMaps/delete`); refused while a token uses it."""
        registry = await self._registry(caller, "scopeMaps/delete", subscription, group, name)
        if map_name in SYSTEM_SCOPE_MAPS:
            raise BadRequestError(
                f"The scope map '{map_name}' is system-defined and cannot be deleted.",
                code="ScopeMapIsSystemDefined",
            )
        users = [t.name for t in await self._tokens_of(registry) if same(t.scope_map, map_name)]
        if users:
            raise ConflictError(
                f"The scope map '{map_name[:60]}' is used by the tokens {', '.join(sorted(users))}; "
                "delete them or move them to another scope map first.",
                code="ScopeMapInUse",
            )
        existing = next(
            (m for m in await self._credentials.scope_maps() if same(m.registry, registry.name)
             and same(m.name, map_name)),
            None,
        )  # fmt: skip
        if existing is None:
            return False
        await self._credentials.delete_scope_map(existing.registry, existing.name)
        self._gate.wrote()
        return True

    # -- tokens -------------------------------------------------------------------------------------

    async def _tokens_of(self, registry: RegistryResource) -> list[StoredToken]:
        return sorted(
            (t for t in await self._credentials.tokens() if same(t.registry, registry.name)),
            key=lambda t: t.name.lower(),
        )

    async def _token(self, registry: RegistryResource, token_name: str) -> StoredToken:
        for token in await self._tokens_of(registry):
            if same(token.name, token_name):
                return token
        raise NotFoundError(
            f"The token '{token_name[:60]}' was not found in registry '{registry.name}'.",
            code="ResourceNotFound",
        )

    async def tokens(
        self, caller: Caller, subscription: str, group: str, name: str
    ) -> tuple[RegistryResource, list[StoredToken]]:
        """The registry's tokens (`tokens/read`)."""
        registry = await self._registry(caller, "tokens/read", subscription, group, name)
        return registry, await self._tokens_of(registry)

    async def token(
        self, caller: Caller, subscription: str, group: str, name: str, token_name: str
    ) -> tuple[RegistryResource, StoredToken]:
        """One token (`tokens/read`)."""
        registry = await self._registry(caller, "tokens/read", subscription, group, name)
        return registry, await self._token(registry, token_name)

    def _scope_map_name(self, registry: RegistryResource, scope_map_id: str) -> str:
        prefix = f"{registry.resource_id}/scopeMaps/"
        if not scope_map_id.lower().startswith(prefix.lower()) or "/" in scope_map_id[len(prefix) :]:
            raise BadRequestError(
                f"The scope map id '{scope_map_id[:300]}' is not a scope map of registry '{registry.name}'.",
                code="InvalidScopeMapId",
                target="properties.scopeMapId",
            )
        return scope_map_id[len(prefix) :]

    async def put_token(  # noqa: PLR0917 - the path's parts, then the body
        self,
        caller: Caller,
        subscription: str,
        group: str,
        name: str,
        token_name: str,
        changes: TokenChanges,
    ) -> tuple[RegistryResource, StoredToken, bool]:
        """Create or update a token (`tokens/write`); True if it was created."""
        registry = await self._registry(caller, "tokens/write", subscription, group, name)
        _check_name("token", token_name)
        tokens = await self._tokens_of(registry)
        existing = next((t for t in tokens if same(t.name, token_name)), None)
        if changes.scope_map_id is not None:
            map_name = self._scope_map_name(registry, changes.scope_map_id)
        elif existing is not None:
            map_name = existing.scope_map
        else:
            raise BadRequestError("The token's 'scopeMapId' is required.", target="properties.scopeMapId")
        scope_map = await self._scope_map(registry, map_name)
        status = (
            (existing.status.value if existing else TokenState.ENABLED.value)
            if changes.status is None
            else (changes.status.lower())
        )
        if status not in {s.value for s in TokenState}:
            raise BadRequestError(
                f"The token status '{status[:20]}' is invalid; expected 'enabled' or 'disabled'.",
                target="properties.status",
            )
        if existing is None:
            limit = SKU_LIMITS[Sku(registry.sku)].tokens
            if len(tokens) >= limit:
                raise BadRequestError(
                    f"The registry's SKU '{registry.sku}' allows at most {limit} tokens.",
                    code="QuotaExceeded",
                )
        stored_name = existing.name if existing else token_name
        await self._administration.put_token(
            registry.name, stored_name, scope_map.name, enabled=status == TokenState.ENABLED.value
        )
        if existing is not None and changes.passwords is not None:
            for password in existing.passwords:
                if password.name not in changes.passwords:
                    await self._credentials.delete_token_password(
                        existing.registry, existing.name, password.name
                    )
        self._gate.wrote()
        return registry, await self._token(registry, stored_name), existing is None

    async def delete_token(
        self, caller: Caller, subscription: str, group: str, name: str, token_name: str
    ) -> bool:
        """Delete a token and its passwords (`tokens/delete`); False if there was none."""
        registry = await self._registry(caller, "tokens/delete", subscription, group, name)
        deleted = await self._credentials.delete_token(registry.name.lower(), token_name)
        if not deleted:
            existing = next((t for t in await self._tokens_of(registry) if same(t.name, token_name)), None)
            if existing is None:
                return False
            deleted = await self._credentials.delete_token(existing.registry, existing.name)
        self._gate.wrote()
        return deleted

    async def generate_credentials(  # noqa: PLR0917 - the path's parts, then the body's
        self,
        caller: Caller,
        subscription: str,
        group: str,
        name: str,
        token_id: str,
        password: str | None,
        expiry: dt.datetime | None,
    ) -> tuple[StoredToken, list[GeneratedPassword]]:
        """New values for one or both token passwords (`generateCredentials/action`); shown once."""
        registry = await self._registry(caller, "generateCredentials/action", subscription, group, name)
        prefix = f"{registry.resource_id}/tokens/"
        if not token_id.lower().startswith(prefix.lower()) or "/" in token_id[len(prefix) :]:
            raise BadRequestError(
                f"The token id '{token_id[:300]}' is not a token of registry '{registry.name}'.",
                code="InvalidTokenId",
                target="tokenId",
            )
        token = await self._token(registry, token_id[len(prefix) :])
        if password is not None and password not in TOKEN_PASSWORD_NAMES:
            raise BadRequestError(
                f"The password name '{password[:20]}' is invalid; expected 'password1' or 'password2'.",
                target="name",
            )
        if expiry is not None:
            expiry = expiry if expiry.tzinfo else expiry.replace(tzinfo=dt.UTC)
            if expiry <= self._clock.now():
                raise BadRequestError("The expiry must be in the future.", target="expiry")
        values = {}
        for slot in (password,) if password else TOKEN_PASSWORD_NAMES:
            values[slot] = await self._administration.generate_token_password(
                registry.name, token.name, slot, expiry
            )
        self._gate.wrote()
        stored = await self._token(registry, token.name)
        generated = [
            GeneratedPassword(p.name, values[p.name], p.created_at, p.expiry)
            for p in stored.passwords
            if p.name in values
        ]
        return stored, sorted(generated, key=lambda p: p.name)
