"""The token service and the data plane's credential check (reference §1).

    /oauth2/exchange   Entra access token ──► 3-hour registry refresh token
    /oauth2/token      refresh token │ password grant │ Basic │ nobody ──► 75-minute access token
    /v2, /acr/v1       Bearer access token │ Basic ──► the route's need met, or 401/403

Who a credential names (`authenticate_basic`): the null GUID with a registry token, the registry's
name (the admin account, while enabled), an application id with a client secret (a service
principal: the secret is checked by the identity provider, as ACR asks Entra), or a
repository-scoped token's name with one of its passwords. What the caller gets is always the access
engine's `grant` over the requested scopes, in the registry's permission mode; a token minted under
the other mode is refused. Every attempt, allowed or refused, is recorded as a login event.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.access import (
    AccessEntry,
    Operation,
    Principal,
    PrincipalKind,
    Resource,
    decide,
    grant,
    parse_requested_scope,
)
from cerulean.access.errors import InvalidRequestedScopeError
from cerulean.audit import AUDIT_VERSION, AuditCategory, AuditEvent
from cerulean.auth.errors import (
    AuthError,
    CredentialsRefusedError,
    ExchangeForbiddenError,
    InvalidTokenRequestError,
    TokenInvalidError,
)
from cerulean.auth.models import admin_password_binding
from cerulean.auth.scopes import split_scopes
from cerulean.auth.tokens import TokenKind
from cerulean.identity.errors import EntraError
from cerulean.identity.grants import TokenRequest
from cerulean.identity.tokens import TokenRejectedError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from cerulean.access import RegistryContext
    from cerulean.arm.models import RegistryResource
    from cerulean.audit import AuditRecorder
    from cerulean.auth.interfaces import CredentialStore
    from cerulean.auth.policy import PolicyCache, PolicyView
    from cerulean.auth.tokens import RegistryClaims, RegistryTokens
    from cerulean.core.clock import Clock
    from cerulean.identity import IdentityProvider, KeyEncryptionKey
    from cerulean.identity.secrets import ProvenSecrets

__all__ = ["NULL_GUID", "Authenticated", "CallerInfo", "RegistryAuth", "ScopeNeed", "Verdict"]

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
_DEPRECATED_GRANTS: Final = frozenset({"access_token_refresh_token", "refresh_token"})
_MAX_FIELD: Final = 16 * 1024
_MAX_USERNAME: Final = 256


@dataclass(frozen=True, slots=True)
class CallerInfo:
    """What the edge knows about the request, for the audit record."""

    ip: str
    user_agent: str
    correlation_id: str


@dataclass(frozen=True, slots=True)
class ScopeNeed:
    """One thing a data-plane route needs: all of `actions` (or all of `alternative`) on a resource."""

    resource_type: str
    name: str
    actions: frozenset[str]
    alternative: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Authenticated:
    """A caller the token service recognised, in one registry."""

    principal: Principal
    view: PolicyView
    registry: RegistryResource
    context: RegistryContext
    jti: str = ""
    ceiling: tuple[AccessEntry, ...] | None = None  # a registry access token used as a password


@dataclass(frozen=True, slots=True)
class Verdict:
    """The data plane's answer: who is calling, and whether every need is met."""

    principal: Principal
    jti: str
    missing: ScopeNeed | None  # the first need without an entry for its resource (→ 401)
    denied: ScopeNeed | None  # the first need whose entry lacks the action (→ 403)


def _basic(header: str) -> tuple[str, str] | None:
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


def _field(form: Mapping[str, str], name: str) -> str:
    value = form.get(name, "")
    if len(value) > _MAX_FIELD:
        raise InvalidTokenRequestError(f"the {name!r} field is too long", f"the {name!r} field is too long")
    return value


def _entry_for(access: Sequence[AccessEntry], need: ScopeNeed) -> AccessEntry | None:
    for entry in access:
        if entry.type == need.resource_type and (
            entry.name == need.name or (entry.type == "repository" and entry.name == "*")
        ):
            return entry
    return None


def _satisfies(entry: AccessEntry, need: ScopeNeed) -> bool:
    held = set(entry.actions)
    if "*" in held:
        return True
    return need.actions <= held or (need.alternative is not None and need.alternative <= held)


def _as_requested(actions: frozenset[str]) -> set[str]:
    """The scope actions a client would request for `actions` (untag is requested as `delete`)."""
    return {"delete" if a == "untag" else a for a in actions}


def _cap(access: tuple[AccessEntry, ...], ceiling: tuple[AccessEntry, ...]) -> tuple[AccessEntry, ...]:
    """`access` limited to what an earlier access token held (its null-GUID reuse as a password)."""
    capped = []
    for entry in access:
        held = next((c for c in ceiling if c.type == entry.type and c.name == entry.name), None)
        if held is None:
            continue
        actions = (
            entry.actions if "*" in held.actions else tuple(a for a in entry.actions if a in held.actions)
        )
        if actions:
            capped.append(AccessEntry(entry.type, entry.name, actions))
    return tuple(capped)


class RegistryAuth:
    """Credentials → registry tokens → decisions, for one registry and its login server."""

    def __init__(
        self,
        *,
        registry_name: str,
        login_server: str,
        policy: PolicyCache,
        tokens: RegistryTokens,
        identity: IdentityProvider,
        secrets: ProvenSecrets,
        kek: KeyEncryptionKey,
        admin_passwords: CredentialStore,
        audit: AuditRecorder,
        clock: Clock,
    ) -> None:
        self.registry_name = registry_name
        self.login_server = login_server
        self._policy = policy
        self._tokens = tokens
        self._identity = identity
        self._secrets = secrets
        self._kek = kek
        self._admin_passwords = admin_passwords
        self._audit = audit
        self._clock = clock

    # -- the token endpoints --------------------------------------------------------------------------

    async def exchange(self, form: Mapping[str, str], caller: CallerInfo) -> str:
        """`POST /oauth2/exchange`: an Entra access token for a 3-hour registry refresh token."""
        principal: Principal | None = None
        try:
            grant_type = _field(form, "grant_type")
            if grant_type in _DEPRECATED_GRANTS:
                message = f"grant_type '{grant_type}' is deprecated; use grant_type=access_token"
                raise InvalidTokenRequestError(message, message)
            if grant_type != "access_token":
                message = f"unsupported grant_type '{grant_type[:64]}'; use access_token"
                raise InvalidTokenRequestError(message, message)
            self._check_service(_field(form, "service"))
            entra_token = _field(form, "access_token")
            if not entra_token:
                raise InvalidTokenRequestError("no access_token", "the access_token field is required")
            view = await self._policy.current()
            registry, context = self._registry(view)
            principal = await self._entra_principal(entra_token, registry, context, _field(form, "tenant"))
            snapshot = view.snapshot
            reaching = snapshot.applicable(snapshot.principal_ids(principal), context.resource_id)
            if not reaching:
                raise ExchangeForbiddenError(
                    f"{principal.describe()} holds no role assignment reaching registry {registry.name}",
                    f"Access to registry '{self.login_server}' was denied.",
                )
            actions = sorted(
                {p.text for a in reaching if a.role for perm in a.role.permissions for p in perm.actions}
            )
            token, jti = self._tokens.mint_refresh(principal, context.mode.value, actions)
        except AuthError as error:
            await self._login("exchange", principal, caller, error=error)
            raise
        await self._login("exchange", principal, caller, jti=jti)
        return token

    async def token(
        self, form: Mapping[str, str], scopes: Sequence[str], authorization: str, caller: CallerInfo
    ) -> str:
        """`POST`/`GET /oauth2/token`: an access token whose `access` is what the engine grants."""
        who: Authenticated | None = None
        try:
            grant_type = _field(form, "grant_type")
            self._check_service(_field(form, "service"))
            if grant_type == "refresh_token":
                refresh = _field(form, "refresh_token")
                if not refresh:
                    raise InvalidTokenRequestError("no refresh_token", "the refresh_token field is required")
                who = await self._from_registry_token(refresh, (TokenKind.REFRESH,))
            elif grant_type in ("password", ""):
                username, password = _field(form, "username"), _field(form, "password")
                if not username and not password and authorization:
                    basic = _basic(authorization)
                    if basic is not None:
                        username, password = basic
                if not username and not password and grant_type == "":
                    raise InvalidTokenRequestError("no grant", "grant_type is required")
                who = await (self.authenticate_basic(username, password) if username else self._anonymous())
            else:
                message = f"unsupported grant_type '{grant_type[:64]}'; use refresh_token or password"
                raise InvalidTokenRequestError(message, message)
            access = self._grant(who, split_scopes(scopes))
            token, jti = self._tokens.mint_access(who.principal, who.context.mode.value, access)
        except AuthError as error:
            await self._login("token", who.principal if who else None, caller, error=error)
            raise
        await self._login("token", who.principal, caller, jti=jti)
        return token

    # -- the data plane -----------------------------------------------------------------------------

    async def check_request(
        self, authorization: str, needs: Sequence[ScopeNeed], caller: CallerInfo
    ) -> Verdict:
        """Who the request's credentials name and whether they meet `needs` (`AuthError` if none/invalid)."""
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer":
            claims = await self._access_token(value.strip())
            return self._verdict(claims.principal, claims.jti, claims.access, needs)
        basic = _basic(authorization)
        if basic is None:
            raise CredentialsRefusedError("no credentials")
        try:
            who = await self.authenticate_basic(*basic)
        except AuthError as error:
            await self._login("basic", None, caller, error=error)
            raise
        await self._login("basic", who.principal, caller)
        requested = []
        for need in needs:
            actions = sorted(_as_requested(need.actions | (need.alternative or frozenset())))
            requested.append(f"{need.resource_type}:{need.name}:{','.join(actions)}")
        return self._verdict(who.principal, "", self._grant(who, requested), needs)

    async def _access_token(self, token: str) -> RegistryClaims:
        claims = await self._tokens.verify(token, TokenKind.ACCESS)
        view = await self._policy.current()
        _, context = self._registry(view)
        if claims.mode != context.mode.value:
            raise TokenInvalidError("the token was minted under the registry's previous permission mode")
        return claims

    def _verdict(
        self, principal: Principal, jti: str, access: Sequence[AccessEntry], needs: Sequence[ScopeNeed]
    ) -> Verdict:
        for need in needs:
            entry = _entry_for(access, need)
            if entry is None:
                return Verdict(principal, jti, need, None)
            if not _satisfies(entry, need):
                return Verdict(principal, jti, None, need)
        return Verdict(principal, jti, None, None)

    # -- credentials --------------------------------------------------------------------------------

    async def authenticate_basic(self, username: str, password: str) -> Authenticated:
        """The caller a username and password name (`CredentialsRefusedError` if none)."""
        if len(username) > _MAX_USERNAME or len(password) > _MAX_FIELD:
            raise CredentialsRefusedError("credentials too long")
        if username == NULL_GUID:
            return await self._from_registry_token(password, (TokenKind.REFRESH, TokenKind.ACCESS))
        view = await self._policy.current()
        registry, context = self._registry(view)
        if username.lower() == registry.name.lower():
            return await self._admin(view, registry, context, password)
        if _GUID.fullmatch(username):
            principal = await self._service_principal(username.lower(), password, context)
            return Authenticated(principal, view, registry, context)
        return await self._repository_token(view, registry, context, username, password)

    async def _anonymous(self) -> Authenticated:
        view = await self._policy.current()
        registry, context = self._registry(view)
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
        except EntraError as error:
            raise CredentialsRefusedError(f"service principal sign-in refused: {error.reason}") from None
        return self._principal_of(identity.object_id, identity.tenant_id, identity.kind, identity.claims)

    async def _entra_principal(
        self, token: str, registry: RegistryResource, context: RegistryContext, tenant: str
    ) -> Principal:
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
        return self._principal_of(identity.object_id, identity.tenant_id, identity.kind, identity.claims)

    @staticmethod
    def _principal_of(object_id: str, tenant_id: str, kind: str, claims: Mapping[str, object]) -> Principal:
        if kind == "user":
            principal_kind = PrincipalKind.USER
        elif claims.get("xms_mirid"):
            principal_kind = PrincipalKind.MANAGED_IDENTITY
        else:
            principal_kind = PrincipalKind.SERVICE_PRINCIPAL
        name = str(claims.get("upn") or claims.get("appid") or object_id)
        return Principal(principal_kind, object_id, tenant_id, display_name=name)

    async def _from_registry_token(self, token: str, kinds: tuple[str, ...]) -> Authenticated:
        claims: RegistryClaims | None = None
        for kind in kinds:
            try:
                claims = await self._tokens.verify(token, kind)
                break
            except TokenInvalidError:
                if kind == kinds[-1]:
                    raise
        assert claims is not None  # the loop either set it or raised
        view = await self._policy.current()
        registry, context = self._registry(view)
        if claims.mode != context.mode.value:
            raise TokenInvalidError("the token was minted under the registry's previous permission mode")
        ceiling = claims.access if claims.kind == TokenKind.ACCESS else None
        return Authenticated(claims.principal, view, registry, context, claims.jti, ceiling)

    # -- granting -----------------------------------------------------------------------------------

    def _grant(self, who: Authenticated, scopes: Sequence[str]) -> tuple[AccessEntry, ...]:
        snapshot = who.view.snapshot
        granted = grant(snapshot, who.principal, who.context, scopes)
        access = list(granted.access)
        # Tag deletion (untag) is asked for with `delete` (older CLIs: `*`) but is its own operation.
        for text in scopes:
            try:
                requested = parse_requested_scope(text)
            except InvalidRequestedScopeError:
                continue
            if requested.type != "repository" or not {"delete", "*"} & set(requested.actions):
                continue
            index = next(
                (i for i, e in enumerate(access) if e.type == "repository" and e.name == requested.name), None
            )
            if index is not None and "*" in access[index].actions:
                continue
            resource = Resource(who.context.resource_id, requested.name)
            if not decide(snapshot, who.principal, Operation.UNTAG, resource, registry=who.context).allowed:
                continue
            if index is None:
                access.append(AccessEntry("repository", requested.name, ("untag",)))
            else:
                access[index] = AccessEntry("repository", requested.name, (*access[index].actions, "untag"))
        result = tuple(access)
        return result if who.ceiling is None else _cap(result, who.ceiling)

    # -- helpers ------------------------------------------------------------------------------------

    def _check_service(self, service: str) -> None:
        if service and service.lower() != self.login_server.lower():
            raise InvalidTokenRequestError(
                f"unknown service {service[:100]!r}", f"this registry's service is '{self.login_server}'"
            )

    def _registry(self, view: PolicyView) -> tuple[RegistryResource, RegistryContext]:
        found = view.registry(self.registry_name)
        if found is None:
            raise CredentialsRefusedError(f"registry {self.registry_name} does not exist")
        return found

    async def _login(
        self,
        operation: str,
        principal: Principal | None,
        caller: CallerInfo,
        *,
        jti: str = "",
        error: AuthError | None = None,
    ) -> None:
        await self._audit.record(
            AuditEvent(
                version=AUDIT_VERSION,
                time=self._clock.now(),
                category=AuditCategory.LOGIN,
                operation=operation,
                login_server=self.login_server,
                identity=principal.object_id if principal else "",
                identity_kind=principal.kind.value if principal else "",
                tenant_id=principal.tenant_id if principal else "",
                caller_ip=caller.ip,
                user_agent=caller.user_agent[:512],
                correlation_id=caller.correlation_id,
                result_type="Failed" if error else "Succeeded",
                result_description=str(error.status) if error else "200",
                reason=error.reason[:512] if error else "",
                jwt_id=jti,
            )
        )
