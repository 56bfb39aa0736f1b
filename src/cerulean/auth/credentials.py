"""Who a credential names: the checks behind Basic, the password grant, the exchange and registry tokens.

Usernames (reference §1.6): the null GUID with a registry refresh or access token; the registry's name
(the admin account, while enabled, either of its two passwords); an application id with a client secret
(a service principal: the secret is checked by the identity provider, as ACR asks Entra); otherwise a
repository-scoped token's name with one of its passwords. An Entra access token (the exchange) is
verified for the registry's audience, or ARM's while `azureADAuthenticationAsArmPolicy` allows, and
must come from the registry's tenant. A registry token minted under the other permission mode is
refused.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.access import AccessEntry, Principal, PrincipalKind
from cerulean.auth.errors import CredentialsRefusedError, TokenInvalidError
from cerulean.auth.models import admin_password_binding
from cerulean.auth.tokens import TokenKind
from cerulean.identity.errors import EntraError
from cerulean.identity.grants import TokenRequest
from cerulean.identity.tokens import TokenRejectedError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cerulean.access import RegistryContext
    from cerulean.arm.models import RegistryResource
    from cerulean.auth.interfaces import CredentialStore
    from cerulean.auth.policy import PolicyCache, PolicyView
    from cerulean.auth.tokens import RegistryClaims, RegistryTokens
    from cerulean.core.clock import Clock
    from cerulean.identity import IdentityProvider, KeyEncryptionKey
    from cerulean.identity.secrets import ProvenSecrets

__all__ = [
    "ARM_AUDIENCES",
    "NULL_GUID",
    "REGISTRY_AUDIENCE",
    "Authenticated",
    "CredentialChecks",
    "parse_basic",
    "principal_of",
]

NULL_GUID: Final = "00000000-0000-0000-0000-000000000000"
REGISTRY_AUDIENCE: Final = "https://containerregistry.azure.net"
ARM_AUDIENCES: Final = frozenset(
    {
        "https://management.azure.com",
        "https://management.azure.com/",
        "https://management.core.windows.net",
        "https://management.core.windows.net/",
    }
)
_GUID: Final = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_MAX_PASSWORD: Final = 16 * 1024
_MAX_USERNAME: Final = 256


@dataclass(frozen=True, slots=True)
class Authenticated:
    """A caller the token service recognised, in one registry."""

    principal: Principal
    view: PolicyView
    registry: RegistryResource
    context: RegistryContext
    jti: str = ""
    ceiling: tuple[AccessEntry, ...] | None = None  # the access of a registry access token presented
    usable_until: float | None = None  # a registry token's last accepted second (expiry + clock skew)


def parse_basic(header: str) -> tuple[str, str] | None:
    """Username and password of a ``Basic`` Authorization header; None for another scheme."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise CredentialsRefusedError("the Basic credentials are not base64 of user:password") from None
    username, sep, password = decoded.partition(":")
    if not sep:
        raise CredentialsRefusedError("the Basic credentials have no ':'")
    return username, password


class CredentialChecks:
    """Turns each kind of credential into an `Authenticated` caller of one registry."""

    def __init__(
        self,
        *,
        registry_name: str,
        policy: PolicyCache,
        tokens: RegistryTokens,
        identity: IdentityProvider,
        secrets: ProvenSecrets,
        kek: KeyEncryptionKey,
        admin_passwords: CredentialStore,
        clock: Clock,
    ) -> None:
        self.registry_name = registry_name
        self._policy = policy
        self._tokens = tokens
        self._identity = identity
        self._secrets = secrets
        self._kek = kek
        self._admin_passwords = admin_passwords
        self._clock = clock

    async def current(self) -> tuple[PolicyView, RegistryResource, RegistryContext]:
        """The current policy and this registry in it."""
        view = await self._policy.current()
        found = view.registry(self.registry_name)
        if found is None:
            raise CredentialsRefusedError(f"registry {self.registry_name} does not exist")
        return view, *found

    async def basic(self, username: str, password: str) -> Authenticated:
        """The caller a username and password name (`CredentialsRefusedError` if none)."""
        if len(username) > _MAX_USERNAME or len(password) > _MAX_PASSWORD:
            raise CredentialsRefusedError("credentials too long")
        if username == NULL_GUID:
            return await self.registry_token(password, (TokenKind.REFRESH, TokenKind.ACCESS))
        view, registry, context = await self.current()
        if username.lower() == registry.name.lower():
            return await self._admin(view, registry, context, password)
        if _GUID.fullmatch(username):
            principal = await self._service_principal(username.lower(), password, context)
            return Authenticated(principal, view, registry, context)
        return await self._repository_token(view, registry, context, username, password)

    async def anonymous(self) -> Authenticated:
        """The credential-less caller, while anonymous pull is on."""
        view, registry, context = await self.current()
        if not registry.anonymous_pull_enabled:
            raise CredentialsRefusedError("anonymous pull is not enabled on this registry")
        return Authenticated(Principal(PrincipalKind.ANONYMOUS), view, registry, context)

    async def _admin(
        self, view: PolicyView, registry: RegistryResource, context: RegistryContext, password: str
    ) -> Authenticated:
        if not registry.admin_user_enabled:
            raise CredentialsRefusedError("the admin account is disabled")
        for stored in await self._admin_passwords.admin_passwords(registry.name):
            value = self._kek.open(admin_password_binding(registry.name, stored.name), stored.sealed_value)
            if hmac.compare_digest(value, password.encode()):
                principal = Principal(
                    PrincipalKind.ADMIN, registry.name, context.tenant_id, display_name=registry.name
                )
                return Authenticated(principal, view, registry, context)
        raise CredentialsRefusedError("wrong admin password")

    async def _repository_token(
        self, view: PolicyView, registry: RegistryResource, context: RegistryContext, name: str, password: str
    ) -> Authenticated:
        stored = view.tokens.get((registry.name.lower(), name.lower()))
        if stored is None:
            raise CredentialsRefusedError("no such token or admin account")
        now = self._clock.now()
        for candidate in stored.passwords:
            if candidate.hint != password[:3] or not await self._secrets.verify(
                candidate.secret_hash, password
            ):
                continue
            if not candidate.is_valid_at(now):
                raise CredentialsRefusedError(f"token {stored.name} {candidate.name} has expired")
            if stored.status.value != "enabled":
                raise CredentialsRefusedError(f"token {stored.name} is disabled")
            principal = Principal(
                PrincipalKind.TOKEN, stored.name, context.tenant_id, display_name=stored.name
            )
            return Authenticated(principal, view, registry, context)
        raise CredentialsRefusedError(f"wrong password for token {stored.name}")

    async def _service_principal(self, client_id: str, secret: str, context: RegistryContext) -> Principal:
        """ACR exchanges an application id and secret with Entra itself; so does Cerulean."""
        request = TokenRequest(
            context.tenant_id,
            {
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
                "scope": f"{REGISTRY_AUDIENCE}/.default",
            },
            "",
            "",
        )
        try:
            body = await self._identity.tokens.token(request)
            identity = await self._identity.verifier.verify(
                str(body["access_token"]), frozenset({REGISTRY_AUDIENCE})
            )
        except (EntraError, TokenRejectedError) as error:
            raise CredentialsRefusedError(f"service principal sign-in refused: {error.reason}") from None
        return principal_of(identity.object_id, identity.tenant_id, identity.kind, identity.claims)

    async def entra(self, token: str, tenant: str) -> Authenticated:
        """The principal an Entra access token names (`tenant`: the tenant the client says it is from)."""
        view, registry, context = await self.current()
        audiences = {REGISTRY_AUDIENCE, f"{REGISTRY_AUDIENCE}/"}
        if registry.arm_audience_enabled:
            audiences |= ARM_AUDIENCES
        try:
            identity = await self._identity.verifier.verify(token, frozenset(audiences))
        except (EntraError, TokenRejectedError) as error:
            raise CredentialsRefusedError(f"the Entra token was refused: {error.reason}") from None
        if identity.tenant_id.lower() != context.tenant_id or (
            tenant and tenant.lower() != context.tenant_id
        ):
            raise CredentialsRefusedError("the Entra token is from another tenant than the registry's")
        principal = principal_of(identity.object_id, identity.tenant_id, identity.kind, identity.claims)
        return Authenticated(principal, view, registry, context)

    async def registry_token(self, token: str, kinds: tuple[str, ...]) -> Authenticated:
        """The caller a registry token of one of `kinds` speaks for, if minted under the current mode."""
        claims: RegistryClaims | None = None
        for kind in kinds:
            try:
                claims = await self._tokens.verify(token, kind)
                break
            except TokenInvalidError:
                if kind == kinds[-1]:
                    raise
        assert claims is not None  # the loop either set it or raised
        view, registry, context = await self.current()
        if claims.mode != context.mode.value:
            raise TokenInvalidError("the token was minted under the registry's previous permission mode")
        ceiling = claims.access if claims.kind == TokenKind.ACCESS else None
        return Authenticated(
            claims.principal, view, registry, context, claims.jti, ceiling, claims.usable_until
        )


def principal_of(object_id: str, tenant_id: str, kind: str, claims: Mapping[str, object]) -> Principal:
    """The engine's principal for a verified Entra token (user, managed identity or service principal)."""
    if kind == "user":
        principal_kind = PrincipalKind.USER
    elif claims.get("xms_mirid"):
        principal_kind = PrincipalKind.MANAGED_IDENTITY
    else:
        principal_kind = PrincipalKind.SERVICE_PRINCIPAL
    name = str(claims.get("upn") or claims.get("appid") or object_id)
    return Principal(principal_kind, object_id, tenant_id, display_name=name)
