"""Trusting access tokens from another OIDC issuer (a real Entra tenant, for instance) as well as ours.

Each trusted issuer is configured with the audiences it may address and the tenant its tokens must name;
a token from it is verified with the issuer's published keys (OIDC discovery + JWKS, cached, or a JWKS
file for offline use) and mapped by `tid`/`oid` to a principal that role assignments can name.
`AccessTokenVerifier` is what the registry's token exchange and the management plane call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from joserfc import jwt
from joserfc.errors import JoseError

from cerulean.identity.assertions import parse_assertion
from cerulean.identity.errors import EntraError
from cerulean.identity.resources import normalise_resource
from cerulean.identity.tokens import TokenRejectedError, check_claims

if TYPE_CHECKING:
    from cerulean.core.clock import Clock
    from cerulean.identity.interfaces import IssuerKeySource
    from cerulean.identity.tokens import TokenIssuer

__all__ = ["AccessTokenVerifier", "TrustedIssuer", "VerifiedIdentity"]

_ALGORITHMS: Final = ("RS256",)


@dataclass(frozen=True, slots=True)
class TrustedIssuer:
    """An external issuer whose access tokens are accepted."""

    issuer: str
    tenant_id: str
    audiences: tuple[str, ...]
    jwks_file: str | None = None


@dataclass(frozen=True, slots=True)
class VerifiedIdentity:
    """Who a verified access token speaks for."""

    tenant_id: str
    object_id: str
    kind: str  # "user" or "app"
    client_id: str
    issuer: str
    external: bool
    claims: dict[str, Any]


class AccessTokenVerifier:
    """Verifies an access token from this identity provider or from a trusted external issuer."""

    def __init__(
        self, issuer: TokenIssuer, trusted: tuple[TrustedIssuer, ...], keys: IssuerKeySource, clock: Clock
    ) -> None:
        self._issuer = issuer
        self._trusted = {t.issuer: t for t in trusted}
        self._keys = keys
        self._clock = clock

    async def verify(self, token: str, audiences: frozenset[str]) -> VerifiedIdentity:
        """Who `token` speaks for, if it is valid for one of `audiences`; `TokenRejectedError` otherwise."""
        try:
            unverified = parse_assertion(token)
        except EntraError as exc:
            raise TokenRejectedError("malformed") from exc
        issuer = unverified.claims.get("iss")
        if isinstance(issuer, str) and issuer in self._trusted:
            claims = await self._verify_external(token, self._trusted[issuer], audiences)
            external = True
        else:
            claims = await self._issuer.verify_access_token(token, audiences)
            external = False
        object_id, tenant_id = claims.get("oid"), claims.get("tid")
        if not isinstance(object_id, str) or not isinstance(tenant_id, str):
            raise TokenRejectedError("no oid or tid")
        kind = "user" if claims.get("idtyp") == "user" or "scp" in claims else "app"
        client_id = str(claims.get("appid") or claims.get("azp") or "")
        return VerifiedIdentity(
            tenant_id.lower(), object_id.lower(), kind, client_id, str(issuer), external, claims
        )

    async def _verify_external(
        self, token: str, trusted: TrustedIssuer, audiences: frozenset[str]
    ) -> dict[str, Any]:
        claims: dict[str, Any] | None = None
        for refresh in (False, True):
            key_set = await self._keys.keys_for(trusted.issuer, refresh=refresh)
            try:
                claims = jwt.decode(token, key_set, algorithms=list(_ALGORITHMS)).claims
                break
            except (JoseError, ValueError):
                continue
        if claims is None:
            raise TokenRejectedError("signature")
        check_claims(claims, self._clock, "exp")
        if str(claims.get("tid", "")).lower() != trusted.tenant_id.lower():
            raise TokenRejectedError("tenant")
        wanted = {normalise_resource(a) for a in audiences} & {
            normalise_resource(a) for a in trusted.audiences
        }
        audience = claims.get("aud")
        if not isinstance(audience, str) or normalise_resource(audience) not in wanted:
            raise TokenRejectedError("audience")
        return claims
