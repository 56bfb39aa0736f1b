"""What each data-plane request needs, and the gate that decides whether the caller has it.

Routes declare a `RequiredAccess` in `cerulean.server.dataplane.routes.ROUTES`; the dispatcher turns it
into concrete `ScopeNeed` values (with the repository name filled in, plus the source repository of a
cross-repository mount) and asks the `AccessGate` before any handler runs. `TokenGate` checks the
request's bearer token (or Basic credentials) against them through `cerulean.auth`; `OpenGate` serves
everyone anonymously (a registry without authentication, for tests of the registry core).

A token that is missing, invalid, or has no entry for the resource → 401 with a challenge for the
needed scopes (the client fetches a new token); an entry without the action → 403 ``DENIED``. The
challenge names every scope the request needs, space-separated as Docker's token scopes are: a client
that asks for exactly what it was challenged with (a mount's target and source) must get a token that
covers the whole request, not one repository at a time. The challenge's realm is the listener's own
(a private endpoint's, for requests that arrived on one). A request the network rules refused but a
trusted identity may still pass (`cerulean.server.bypass`) is refused with the firewall's 403 unless its
credential names, and proves to be, a trusted identity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Protocol

from cerulean.access import Principal, PrincipalKind
from cerulean.auth import service as auth
from cerulean.auth.errors import AUTH_REQUIRED, AuthError, NetworkRefusedError
from cerulean.auth.scopes import challenge
from cerulean.registry.errors import RegistryError
from cerulean.server.bypass import admission_for
from cerulean.server.oauth2 import caller_info

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = [
    "AccessGate",
    "DeniedError",
    "OpenGate",
    "RequiredAccess",
    "ScopeNeed",
    "TokenGate",
    "UnauthorizedError",
]

ANONYMOUS: Principal = Principal(PrincipalKind.ANONYMOUS)


class UnauthorizedError(RegistryError):
    """No usable credentials for this request: 401 with a Bearer challenge."""

    code: ClassVar[str] = "UNAUTHORIZED"
    status: ClassVar[int] = 401
    default_message: ClassVar[str] = AUTH_REQUIRED


class DeniedError(RegistryError):
    """Credentials that name the resource but lack the action: 403."""

    code: ClassVar[str] = "DENIED"
    status: ClassVar[int] = 403
    default_message: ClassVar[str] = "requested access to the resource is denied"


@dataclass(frozen=True, slots=True)
class RequiredAccess:
    """A route's need, before the repository name is known.

    `actions` are all needed; `alternative`, when set, is another set of actions that suffices on its
    own (tag listing: ``pull``, or ``metadata_read`` as ACR's metadata clients ask). `challenge` is the
    action list a 401 challenge asks for (pushes ask ``pull,push`` as Docker does).
    """

    resource_type: str
    actions: frozenset[str]
    alternative: frozenset[str] | None = None
    challenge: tuple[str, ...] = ()

    @classmethod
    def repository(
        cls,
        *actions: str,
        alternative: tuple[str, ...] | None = None,
        challenge: tuple[str, ...] = (),
    ) -> RequiredAccess:
        """A need on the request's repository."""
        return cls(
            "repository",
            frozenset(actions),
            None if alternative is None else frozenset(alternative),
            challenge or actions,
        )

    @classmethod
    def catalog(cls) -> RequiredAccess:
        """ACR's catalog scope, ``registry:catalog:*`` (the only action it has, even to read)."""
        return cls("registry", frozenset({"*"}), None, ("*",))


@dataclass(frozen=True, slots=True)
class ScopeNeed(auth.ScopeNeed):
    """A concrete need, ``<type>:<name>:<actions>`` (e.g. ``repository:team/app:pull``).

    It adds the actions a 401 challenge asks for; the token service reads it as its own `ScopeNeed`.
    """

    challenge: tuple[str, ...] = ()

    @property
    def scope(self) -> str:
        """The Docker token scope string a challenge carries."""
        return f"{self.resource_type}:{self.name}:{','.join(self.challenge)}"


class AccessGate(Protocol):
    """Decides whether a request may proceed; raises the protocol error (401/403) if not."""

    async def authorize(self, request: Request, needs: tuple[ScopeNeed, ...]) -> Principal:
        """Who is calling, if every need is met; else raise."""
        ...


def _authorization(headers: list[tuple[bytes, bytes]]) -> str:
    """The Authorization header's value ('' if absent), as Starlette's `Headers.get` reads it."""
    for name, value in headers:
        if name == b"authorization":
            return value.decode("latin-1")
    return ""


class OpenGate:
    """Serves every request anonymously (no authentication configured)."""

    async def authorize(self, request: Request, needs: tuple[ScopeNeed, ...]) -> Principal:  # noqa: ARG002 - the port's signature
        """Allow."""
        return ANONYMOUS


class TokenGate:
    """Checks each request's credentials against its needs with the token service."""

    def __init__(self, registry_auth: auth.RegistryAuth, realm: str) -> None:
        self._auth = registry_auth
        self._realm = realm

    def _header(self, realm: str, needs: tuple[ScopeNeed, ...], error: str | None) -> str:
        scope = " ".join(dict.fromkeys(need.scope for need in needs))
        return challenge(realm, self._auth.login_server, scope or None, error)

    def _challenge(self, realm: str, needs: tuple[ScopeNeed, ...], error: str | None) -> UnauthorizedError:
        detail = [
            {"Type": need.resource_type, "Name": need.name, "Action": a}
            for need in needs
            for a in need.challenge
        ]
        header = self._header(realm, needs, error)
        return UnauthorizedError(detail=detail or None, headers={"WWW-Authenticate": header})

    async def authorize(self, request: Request, needs: tuple[ScopeNeed, ...]) -> Principal:
        """The caller, if its credentials meet every need."""
        header = _authorization(request.scope["headers"])
        state = request.scope.setdefault("state", {})
        if header and "network_bypass" not in state:
            remembered = self._auth.remembered(header, needs)
            if remembered is not None:
                state["principal"] = remembered.principal
                return remembered.principal
        listener = state.get("listener")
        realm = self._realm if listener is None else listener.realm
        if not header:
            raise self._challenge(realm, needs, None)
        try:
            verdict = await self._auth.check_request(
                header, needs, caller_info(request), admission_for(state)
            )
        except NetworkRefusedError as error:
            state["auth_refusal"] = error.reason
            raise DeniedError(error.message) from None
        except AuthError as error:
            state["auth_refusal"] = error.reason
            raise self._challenge(realm, needs, "invalid_token") from None
        state["principal"] = verdict.principal
        if verdict.missing is not None:
            raise self._challenge(realm, needs, "insufficient_scope")
        if verdict.denied is not None:
            need = needs[needs.index(verdict.denied)]
            detail = [{"Type": need.resource_type, "Name": need.name, "Action": a} for a in need.challenge]
            # The challenge tells a client that reuses one token across operations (oras) what to ask for.
            header = self._header(realm, needs, "insufficient_scope")
            raise DeniedError(detail=detail, headers={"WWW-Authenticate": header})
        return verdict.principal
