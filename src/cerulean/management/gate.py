"""Who calls the management API, and whether the access engine lets them do what they ask."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cerulean.access import InvalidScopeError, decide
from cerulean.access.context import Resource
from cerulean.access.scopes import parse_scope
from cerulean.auth.credentials import ARM_AUDIENCES, principal_of
from cerulean.identity.errors import EntraError
from cerulean.identity.tokens import TokenRejectedError
from cerulean.management.errors import AuthenticationFailedError, AuthorizationFailedError, BadRequestError

if TYPE_CHECKING:
    from cerulean.access.principals import Principal
    from cerulean.auth.policy import PolicyCache, PolicyView
    from cerulean.identity.external import AccessTokenVerifier

__all__ = ["Caller", "Gate", "same", "scope_text"]


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling, and the policy version their call is decided against."""

    principal: Principal
    view: PolicyView


class Gate:
    """Authenticates ARM bearer tokens and asks the engine about ARM actions."""

    def __init__(self, policy: PolicyCache, verifier: AccessTokenVerifier) -> None:
        self._policy = policy
        self._verifier = verifier

    async def authenticate(self, authorization: str) -> Caller:
        """The caller an ``Authorization: Bearer`` header names (an Entra token for ARM)."""
        scheme, _, token = authorization.partition(" ")
        if not authorization:
            raise AuthenticationFailedError("Authentication failed. The 'Authorization' header is missing.")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationFailedError(
                "Authentication failed. The 'Authorization' header is provided in an invalid format."
            )
        try:
            identity = await self._verifier.verify(token.strip(), ARM_AUDIENCES)
        except (EntraError, TokenRejectedError) as error:
            raise AuthenticationFailedError(
                f"The access token is invalid: {error}", code="InvalidAuthenticationToken"
            ) from None
        principal = principal_of(identity.object_id, identity.tenant_id, identity.kind, identity.claims)
        return Caller(principal, await self._policy.current())

    def allows(self, caller: Caller, action: str, scope: str) -> bool:
        """Whether the caller holds `action` at `scope` (400 ``InvalidResourceId`` if it is no scope)."""
        try:
            target = parse_scope(scope)
        except InvalidScopeError as error:
            raise BadRequestError(
                f"The resource id '{scope[:300]}' is not valid: {error}", code="InvalidResourceId"
            ) from None
        return decide(caller.view.snapshot, caller.principal, action, Resource(target)).allowed

    def authorize(self, caller: Caller, action: str, scope: str) -> None:
        """403 ``AuthorizationFailed`` naming the caller, the action and the scope, unless allowed."""
        if not self.allows(caller, action, scope):
            raise AuthorizationFailedError(caller.principal.object_id, action, scope)

    def wrote(self) -> None:
        """Policy changed on this node: the next call reads the new version."""
        self._policy.invalidate()


def same(a: str, b: str) -> bool:
    """ARM names compare without regard to case."""
    return a.casefold() == b.casefold()


def scope_text(scope: str) -> str:
    """A scope from a request path (with or without its leading slash), normalised; 400 if not one."""
    text = "/" + scope.strip("/")
    try:
        return parse_scope(text).text
    except InvalidScopeError as error:
        raise BadRequestError(
            f"The scope '{text[:200]}' is not valid: {error}", code="InvalidScope"
        ) from None
