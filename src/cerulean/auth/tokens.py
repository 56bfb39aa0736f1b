"""ACR's tokens: the 3-hour refresh token from `/oauth2/exchange`, the access token from `/oauth2/token`.

Claims follow ACR's (reference §1.7): `jti`, `sub`, `nbf`, `exp`, `iat`, `iss` = ``Azure Container
Registry``, `aud` = the login server, `version` ``1.0``, `grant_type` (``refresh_token`` or
``access_token``), `tenant`, `permissions`/`roles` on refresh tokens and the Docker `access` list on
access tokens. Cerulean adds who the caller is (`oid`, `kind`, `name`) and the registry's permission
mode at minting (`mode`): a token minted under the other mode is refused.

Signed ES256 with a `kid` from a rotated key ring (ACR uses RS256; clients never verify these tokens,
and an ES256 signature costs a twentieth of an RS256 one, which the token endpoint's rate needs).
The payload is serialised so that its base64url form contains neither ``-`` nor ``_``: the Python SDK
decodes it with the standard alphabet (azure-clients.md §3.3). A verified token is remembered until it
expires, so a request pays for the signature check once per token, not once per request.
"""

from __future__ import annotations

import base64
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from joserfc import jws
from joserfc.errors import JoseError

from cerulean.access import AccessEntry, Principal, PrincipalKind
from cerulean.auth.errors import TokenInvalidError
from cerulean.identity.encoding import b64url_decode

if TYPE_CHECKING:
    import datetime as dt

    from cerulean.core.clock import Clock
    from cerulean.identity.keys import KeyRing

__all__ = ["ISSUER", "RegistryClaims", "RegistryTokens", "TokenKind"]

ISSUER: Final = "Azure Container Registry"
_ALGORITHM: Final = "ES256"
_CLOCK_SKEW: Final = 60
_CACHE_LIMIT: Final = 100_000
_JWT_DOTS: Final = 2
_MAX_TOKEN: Final = 16 * 1024


class TokenKind:
    """The two kinds of registry token, by their `grant_type` claim."""

    REFRESH: Final = "refresh_token"
    ACCESS: Final = "access_token"


@dataclass(frozen=True, slots=True)
class RegistryClaims:
    """A verified registry token."""

    kind: str
    jti: str
    principal: Principal
    registry: str  # the login server it was minted for
    mode: str
    issued_at: int
    expires_at: int
    access: tuple[AccessEntry, ...]
    claims: dict[str, Any]

    @property
    def usable_until(self) -> int:
        """The last second `verify` accepts the token (its expiry plus the allowed clock skew)."""
        return self.expires_at + _CLOCK_SKEW


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _clean_payload(claims: dict[str, Any]) -> bytes:
    """JSON whose base64url form has no ``-``/``_`` (a filler claim grows until it has none)."""
    for filler in range(64):
        if filler:
            claims["pad"] = "0" * filler
        payload = json.dumps(claims, separators=(",", ":"), ensure_ascii=True).encode()
        encoded = _b64(payload)
        if "-" not in encoded and "_" not in encoded:
            return payload
    raise AssertionError("no filler length gave a clean payload")  # pragma: no cover - 64 tries


def _principal_claims(principal: Principal) -> dict[str, Any]:
    return {
        "sub": principal.display_name or principal.object_id or "anonymous",
        "oid": principal.object_id,
        "kind": principal.kind.value,
        "tenant": principal.tenant_id,
    }


def _principal_of(claims: dict[str, Any]) -> Principal:
    kind = PrincipalKind(str(claims.get("kind", "")))
    return Principal(
        kind,
        str(claims.get("oid", "")),
        str(claims.get("tenant", "")),
        display_name=str(claims.get("sub", "")),
    )


def _access_of(raw: object) -> tuple[AccessEntry, ...]:
    if not isinstance(raw, list):
        raise TokenInvalidError("the token's access claim is malformed")
    entries = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("actions"), list):
            raise TokenInvalidError("the token's access claim is malformed")
        entries.append(
            AccessEntry(str(item.get("type")), str(item.get("name")), tuple(map(str, item["actions"])))
        )
    return tuple(entries)


class RegistryTokens:
    """Mints and verifies the registry's tokens for one login server."""

    def __init__(
        self,
        keys: KeyRing,
        clock: Clock,
        login_server: str,
        *,
        access_lifetime: dt.timedelta,
        refresh_lifetime: dt.timedelta,
    ) -> None:
        self._keys = keys
        self._clock = clock
        self.login_server = login_server
        self.access_lifetime = access_lifetime
        self.refresh_lifetime = refresh_lifetime
        self._verified: dict[str, RegistryClaims] = {}

    def _mint(self, claims: dict[str, Any]) -> str:
        key = self._keys.signing_key
        header = {"typ": "JWT", "alg": _ALGORITHM, "kid": key.kid}
        return jws.serialize_compact(header, _clean_payload(claims), key.key, algorithms=[_ALGORITHM])

    def _base(self, kind: str, lifetime: dt.timedelta, principal: Principal, mode: str) -> dict[str, Any]:
        now = int(self._clock.now().timestamp())
        return {
            "jti": str(uuid.uuid4()),
            **_principal_claims(principal),
            "nbf": now,
            "exp": now + int(lifetime.total_seconds()),
            "iat": now,
            "iss": ISSUER,
            "aud": self.login_server,
            "version": "1.0",
            "grant_type": kind,
            "mode": mode,
            "roles": [],
        }

    def mint_refresh(self, principal: Principal, mode: str, actions: list[str]) -> tuple[str, str]:
        """A refresh token (and its `jti`) carrying a snapshot of the caller's registry actions."""
        claims = self._base(TokenKind.REFRESH, self.refresh_lifetime, principal, mode)
        claims["permissions"] = {"actions": actions, "notActions": []}
        return self._mint(claims), claims["jti"]

    def mint_access(
        self, principal: Principal, mode: str, access: tuple[AccessEntry, ...]
    ) -> tuple[str, str]:
        """An access token (and its `jti`) whose `access` claim is exactly `access`."""
        claims = self._base(TokenKind.ACCESS, self.access_lifetime, principal, mode)
        claims["access"] = [{"type": e.type, "name": e.name, "actions": list(e.actions)} for e in access]
        return self._mint(claims), claims["jti"]

    async def verify(self, token: str, kind: str) -> RegistryClaims:
        """The claims of a valid, unexpired `kind` token for this login server; `TokenInvalidError` if not."""
        now = int(self._clock.seconds())
        known = self._verified.get(token)
        if known is None:
            known = await self._verify_signature(token)
            if len(self._verified) >= _CACHE_LIMIT:
                self._verified.clear()  # bounded memory; the next use re-verifies
            self._verified[token] = known
        if known.kind != kind:
            raise TokenInvalidError(
                f"a {known.kind.replace('_', ' ')} cannot be used as a {kind.replace('_', ' ')}"
            )
        if now > known.usable_until:
            self._verified.pop(token, None)
            raise TokenInvalidError("the token has expired")
        if now + _CLOCK_SKEW < int(known.claims.get("nbf", known.issued_at)):
            raise TokenInvalidError("the token is not valid yet")
        return known

    async def _verify_signature(self, token: str) -> RegistryClaims:
        if token.count(".") != _JWT_DOTS or len(token) > _MAX_TOKEN:
            raise TokenInvalidError("the token is not a JWT")
        try:
            header = json.loads(b64url_decode(token.split(".", 1)[0]))
        except (ValueError, UnicodeDecodeError) as exc:
            raise TokenInvalidError("the token's header is not valid") from exc
        if not isinstance(header, dict) or header.get("alg") != _ALGORITHM:
            raise TokenInvalidError("the token is not signed with the registry's algorithm")
        kid = str(header.get("kid", ""))
        await self._keys.refresh_if_unknown(kid)
        try:
            verified = jws.deserialize_compact(token, self._keys.key_set(), algorithms=[_ALGORITHM])
            claims = json.loads(verified.payload)
        except (JoseError, ValueError) as exc:
            raise TokenInvalidError("the token's signature is not valid") from exc
        if not isinstance(claims, dict):
            raise TokenInvalidError("the token's claims are not an object")
        if claims.get("iss") != ISSUER or claims.get("aud") != self.login_server:
            raise TokenInvalidError("the token was issued for another registry")
        kind = claims.get("grant_type")
        if kind not in (TokenKind.REFRESH, TokenKind.ACCESS):
            raise TokenInvalidError("the token is not a registry token")
        try:
            principal = _principal_of(claims)
            access = _access_of(claims.get("access")) if kind == TokenKind.ACCESS else ()
            return RegistryClaims(
                kind,
                str(claims["jti"]),
                principal,
                str(claims["aud"]),
                str(claims["mode"]),
                int(claims["iat"]),
                int(claims["exp"]),
                access,
                claims,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise TokenInvalidError("the token's claims are incomplete") from exc
