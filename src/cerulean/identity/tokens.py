"""Issuing and verifying this identity provider's tokens: access tokens, ID tokens and refresh tokens.

Access tokens are RS256 JWTs signed with the key ring's current key and named by `kid`; their claims are
the ones Azure resources read (`aud`, `iss`, `tid`, `oid`, `appid`/`azp`, `idtyp`, and for users `upn`,
`name`, `scp`; for managed identities `xms_mirid`). Refresh tokens are JWTs too, with their own `typ`
header and the client as audience, so neither kind can stand in for the other. Verification is written
out (rule 8): one algorithm, the key by `kid`, required claims, issuer, one expected audience set, and a
named leeway, against the injected clock.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwt import ClaimsOption, JWTClaimsRegistry

from cerulean.identity.encoding import b64url_decode
from cerulean.identity.resources import normalise_resource

if TYPE_CHECKING:
    from cerulean.core.clock import Clock
    from cerulean.identity.keys import KeyRing

__all__ = [
    "ACCESS_TOKEN_LIFETIME",
    "CLOCK_SKEW",
    "REFRESH_TOKEN_LIFETIME",
    "IssuedToken",
    "Subject",
    "TokenIssuer",
    "TokenRejectedError",
    "check_claims",
    "client_info",
]

ACCESS_TOKEN_LIFETIME: Final = dt.timedelta(hours=1)
REFRESH_TOKEN_LIFETIME: Final = dt.timedelta(days=90)
CLOCK_SKEW: Final = 300  # seconds of leeway on exp/nbf, as Entra allows
_ALGORITHM: Final = "RS256"
_REFRESH_TYPE: Final = "rt+jwt"


class TokenRejectedError(Exception):
    """A token failed verification; `reason` says which check (for logs, never for the client)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Subject:
    """Who a token is about. `kind` is Entra's `idtyp`: ``user`` or ``app`` (apps and managed identities)."""

    object_id: str
    tenant_id: str
    kind: str
    client_id: str  # the application that asked (the service principal's own app id for app tokens)
    display_name: str = ""
    user_principal_name: str = ""
    managed_identity_resource_id: str = ""
    auth_method: str = "1"  # appidacr: 0 public client, 1 secret, 2 certificate or federated assertion


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A signed token and its lifetime."""

    value: str
    expires_at: dt.datetime

    def expires_in(self, now: dt.datetime) -> int:
        """Seconds left at `now`."""
        return max(0, int((self.expires_at - now).total_seconds()))


def client_info(subject: Subject) -> str:
    """MSAL's `client_info`: base64url of ``{"uid": oid, "utid": tid}``, unpadded."""
    raw = json.dumps({"uid": subject.object_id, "utid": subject.tenant_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).rstrip(b"=").decode()


class TokenIssuer:
    """Signs and verifies tokens for the tenants served at `authority` (``https://host:port``)."""

    def __init__(self, keys: KeyRing, clock: Clock, authority: str) -> None:
        self._keys = keys
        self._clock = clock
        self.authority = authority.rstrip("/")

    def issuer(self, tenant_id: str) -> str:
        """The `iss` of tokens for a tenant (what OIDC discovery announces)."""
        return f"{self.authority}/{tenant_id}/v2.0"

    def _sign(self, claims: dict[str, Any], typ: str = "JWT") -> str:
        key = self._keys.signing_key
        header = {"alg": _ALGORITHM, "typ": typ, "kid": key.kid}
        return jwt.encode(header, claims, key.key, algorithms=[_ALGORITHM])

    def _times(self, lifetime: dt.timedelta) -> tuple[dt.datetime, dict[str, int]]:
        now = self._clock.now()
        expires = now + lifetime
        issued = int(now.timestamp())
        return expires, {"iat": issued, "nbf": issued, "exp": int(expires.timestamp())}

    def access_token(self, subject: Subject, resource: str, *, scp: str = "") -> IssuedToken:
        """An access token for `resource` (already in its canonical spelling)."""
        expires, times = self._times(ACCESS_TOKEN_LIFETIME)
        claims: dict[str, Any] = {
            "aud": resource,
            "iss": self.issuer(subject.tenant_id),
            **times,
            "appid": subject.client_id,
            "appidacr": subject.auth_method,
            "azp": subject.client_id,
            "azpacr": subject.auth_method,
            "idtyp": subject.kind,
            "oid": subject.object_id,
            "sub": subject.object_id,
            "tid": subject.tenant_id,
            "uti": uuid.uuid4().hex,
            "ver": "2.0",
        }
        if subject.kind == "user":
            claims.update(
                name=subject.display_name,
                upn=subject.user_principal_name,
                unique_name=subject.user_principal_name,
                scp=scp or "user_impersonation",
            )
        if subject.managed_identity_resource_id:
            claims["xms_mirid"] = subject.managed_identity_resource_id
        return IssuedToken(self._sign(claims), expires)

    def id_token(self, subject: Subject) -> IssuedToken:
        """An OpenID Connect ID token for a user, addressed to the client that signed in."""
        expires, times = self._times(ACCESS_TOKEN_LIFETIME)
        claims = {
            "aud": subject.client_id,
            "iss": self.issuer(subject.tenant_id),
            **times,
            "name": subject.display_name,
            "oid": subject.object_id,
            "preferred_username": subject.user_principal_name,
            "sub": subject.object_id,
            "tid": subject.tenant_id,
            "ver": "2.0",
        }
        return IssuedToken(self._sign(claims), expires)

    def refresh_token(self, subject: Subject, scope: str) -> IssuedToken:
        """A refresh token for a user session: redeemable by the same client, in the same tenant."""
        expires, times = self._times(REFRESH_TOKEN_LIFETIME)
        claims = {
            "aud": subject.client_id,
            "iss": self.issuer(subject.tenant_id),
            **times,
            "sub": subject.object_id,
            "tid": subject.tenant_id,
            "scope": scope,
            "jti": uuid.uuid4().hex,
        }
        return IssuedToken(self._sign(claims, _REFRESH_TYPE), expires)

    async def verify_access_token(self, token: str, audiences: frozenset[str]) -> dict[str, Any]:
        """The claims of one of our access tokens for one of `audiences`; `TokenRejectedError` otherwise."""
        claims = await self._verify(token, "JWT")
        audience = claims.get("aud")
        if not isinstance(audience, str) or normalise_resource(audience) not in {
            normalise_resource(value) for value in audiences
        }:
            raise TokenRejectedError("audience")
        return claims

    async def verify_refresh_token(self, token: str, client_id: str) -> dict[str, Any]:
        """The claims of a refresh token issued to `client_id`; `TokenRejectedError` otherwise."""
        claims = await self._verify(token, _REFRESH_TYPE)
        if claims.get("aud") != client_id:
            raise TokenRejectedError("client")
        return claims

    async def _verify(self, token: str, typ: str) -> dict[str, Any]:
        header = _header(token)
        kid = header.get("kid")
        if header.get("alg") != _ALGORITHM or header.get("typ") != typ or not isinstance(kid, str):
            raise TokenRejectedError("header")
        await self._keys.refresh_if_unknown(kid)
        try:
            decoded = jwt.decode(token, self._keys.key_set(), algorithms=[_ALGORITHM])
        except (JoseError, ValueError) as exc:
            raise TokenRejectedError("signature") from exc
        claims = decoded.claims
        tenant = claims.get("tid")
        if not isinstance(tenant, str) or claims.get("iss") != self.issuer(tenant):
            raise TokenRejectedError("issuer")
        check_claims(claims, self._clock, "exp", "sub")
        return claims


def check_claims(claims: dict[str, Any], clock: Clock, *required: str) -> None:
    """`exp`/`nbf`/`iat` against `clock` with `CLOCK_SKEW`, and the `required` claims present."""
    essential: dict[str, ClaimsOption] = {name: {"essential": True} for name in required}
    registry = JWTClaimsRegistry(now=lambda: int(clock.now().timestamp()), leeway=CLOCK_SKEW, **essential)
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise TokenRejectedError(f"claims: {exc.error}") from exc


def _header(token: str) -> dict[str, Any]:
    segment = token.split(".", 1)[0]
    try:
        header = json.loads(b64url_decode(segment))
    except (ValueError, UnicodeDecodeError) as exc:
        raise TokenRejectedError("malformed") from exc
    if not isinstance(header, dict):
        raise TokenRejectedError("malformed")
    return header
