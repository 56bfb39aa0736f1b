"""The token service and the data plane's credential check (reference §1).

    /oauth2/exchange   Entra access token ──► 3-hour registry refresh token
    /oauth2/token      refresh token │ password grant │ Basic │ nobody ──► 75-minute access token
    /v2, /acr/v1       Bearer access token │ Basic ──► the route's need met, or 401/403

Who a credential names is `cerulean.auth.credentials`' business. What the caller gets is always the
access engine's `grant` over the requested scopes, in the registry's permission mode. Every attempt,
allowed or refused, is recorded as a login event.

A request may carry an `Admission` (the network gate's trusted-service bypass): its first half sees the
credential's token before anything is verified, its second half the authenticated caller; a refusal
by either is a failed login like any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, NamedTuple

from cerulean.access import (
    AccessEntry,
    Operation,
    Principal,
    Resource,
    decide,
    grant,
    parse_requested_scope,
)
from cerulean.access.errors import InvalidRequestedScopeError
from cerulean.audit import AUDIT_VERSION, AuditCategory, AuditEvent
from cerulean.auth.credentials import NULL_GUID, CredentialChecks, parse_basic
from cerulean.auth.errors import (
    AuthError,
    CredentialsRefusedError,
    ExchangeForbiddenError,
    InvalidTokenRequestError,
)
from cerulean.auth.scopes import split_scopes
from cerulean.auth.tokens import TokenKind

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from cerulean.audit import AuditRecorder
    from cerulean.auth.credentials import Authenticated
    from cerulean.auth.interfaces import Admission, CredentialStore
    from cerulean.auth.policy import PolicyCache, PolicyView
    from cerulean.auth.tokens import RegistryTokens
    from cerulean.core.clock import Clock
    from cerulean.identity import IdentityProvider, KeyEncryptionKey
    from cerulean.identity.secrets import ProvenSecrets

__all__ = ["CallerInfo", "RegistryAuth", "ScopeNeed", "Verdict"]

_DEPRECATED_GRANTS: Final = frozenset({"access_token_refresh_token", "refresh_token"})
_MAX_FIELD: Final = 16 * 1024
_REMEMBERED_LIMIT: Final = 10_000  # about 15 MiB of headers at most; a miss only costs the full check


class CallerInfo(NamedTuple):
    """What the edge knows about the request, for the audit record (a tuple: built on every pull)."""

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
class Verdict:
    """The data plane's answer: who is calling, and whether every need is met."""

    principal: Principal
    jti: str
    missing: ScopeNeed | None  # the first need without an entry for its resource (→ 401)
    denied: ScopeNeed | None  # the first need whose entry lacks the action (→ 403)


@dataclass(frozen=True, slots=True)
class _Remembered:
    verdict: Verdict
    view: PolicyView
    usable_until: float


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
        self.login_server = login_server
        self._credentials = CredentialChecks(
            registry_name=registry_name, policy=policy, tokens=tokens, identity=identity, secrets=secrets,
            kek=kek, admin_passwords=admin_passwords, clock=clock,
        )  # fmt: skip
        self._tokens = tokens
        self._policy = policy
        self._audit = audit
        self._clock = clock
        # Allowed verdicts by (Authorization header, needs): a client repeats one token for many requests.
        self._remembered: dict[tuple[str, tuple[ScopeNeed, ...]], _Remembered] = {}

    # -- the token endpoints --------------------------------------------------------------------------

    async def exchange(
        self, form: Mapping[str, str], caller: CallerInfo, admission: Admission | None = None
    ) -> str:
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
            if admission is not None:
                admission.claimed(entra_token)
            who = await self._credentials.entra(entra_token, _field(form, "tenant"))
            principal, registry, context = who.principal, who.registry, who.context
            if admission is not None:
                admission.admitted(principal)
            snapshot = who.view.snapshot
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

    async def token(  # noqa: C901 - one branch per grant, each with its admission check
        self,
        form: Mapping[str, str],
        scopes: Sequence[str],
        authorization: str,
        caller: CallerInfo,
        admission: Admission | None = None,
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
                if admission is not None:
                    admission.claimed(refresh)
                who = await self._credentials.registry_token(refresh, (TokenKind.REFRESH,))
            elif grant_type in ("password", ""):
                username, password = _field(form, "username"), _field(form, "password")
                if not username and not password and authorization:
                    basic = parse_basic(authorization)
                    if basic is not None:
                        username, password = basic
                if not username and not password and grant_type == "":
                    raise InvalidTokenRequestError("no grant", "grant_type is required")
                if admission is not None:
                    admission.claimed(password if username == NULL_GUID else None)
                checks = self._credentials
                who = await (checks.basic(username, password) if username else checks.anonymous())
            else:
                message = f"unsupported grant_type '{grant_type[:64]}'; use refresh_token or password"
                raise InvalidTokenRequestError(message, message)
            if admission is not None:
                admission.admitted(who.principal)
            access = self._grant(who, split_scopes(scopes))
            token, jti = self._tokens.mint_access(who.principal, who.context.mode.value, access)
        except AuthError as error:
            await self._login("token", who.principal if who else None, caller, error=error)
            raise
        await self._login("token", who.principal, caller, jti=jti)
        return token

    # -- the data plane -----------------------------------------------------------------------------

    async def check_request(
        self,
        authorization: str,
        needs: Sequence[ScopeNeed],
        caller: CallerInfo,
        admission: Admission | None = None,
    ) -> Verdict:
        """Who the request's credentials name and whether they meet `needs` (`AuthError` if none/invalid)."""
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer":
            if admission is not None:
                admission.claimed(value.strip())
            who = await self._credentials.registry_token(value.strip(), (TokenKind.ACCESS,))
            if admission is not None:
                admission.admitted(who.principal)
            verdict = self._verdict(who.principal, who.jti, who.ceiling or (), needs)
            if admission is None and verdict.missing is None and verdict.denied is None:
                self._remember(authorization, tuple(needs), verdict, who)
            return verdict
        basic = parse_basic(authorization)
        if basic is None:
            raise CredentialsRefusedError("no credentials")
        try:
            if admission is not None:
                admission.claimed(basic[1] if basic[0] == NULL_GUID else None)
            who = await self._credentials.basic(*basic)
            if admission is not None:
                admission.admitted(who.principal)
        except AuthError as error:
            await self._login("basic", None, caller, error=error)
            raise
        await self._login("basic", who.principal, caller)
        requested = []
        for need in needs:
            actions = sorted(_as_requested(need.actions | (need.alternative or frozenset())))
            requested.append(f"{need.resource_type}:{need.name}:{','.join(actions)}")
        return self._verdict(who.principal, "", self._grant(who, requested), needs)

    def remembered(self, authorization: str, needs: tuple[ScopeNeed, ...]) -> Verdict | None:
        """The allowed verdict `check_request` reached for this bearer header and needs, while it holds.

        It holds until the token expires and while the policy view it was reached under is current
        (any policy write, such as a permission-mode switch, builds a new view). None: ask `check_request`.
        """
        remembered = self._remembered.get((authorization, needs))
        if remembered is None:
            return None
        if remembered.view is not self._policy.fresh() or self._clock.seconds() > remembered.usable_until:
            return None
        return remembered.verdict

    def _remember(
        self, authorization: str, needs: tuple[ScopeNeed, ...], verdict: Verdict, who: Authenticated
    ) -> None:
        if who.usable_until is None:
            return
        if len(self._remembered) >= _REMEMBERED_LIMIT:
            self._remembered.clear()  # bounded memory; the next use decides again
        self._remembered[authorization, needs] = _Remembered(verdict, who.view, who.usable_until)

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
