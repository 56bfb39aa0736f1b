from __future__ import annotations

import datetime as dt

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from cerulean.core.clock import FixedClock
from cerulean.identity.external import AccessTokenVerifier, TrustedIssuer
from cerulean.identity.tokens import Subject, TokenIssuer, TokenRejectedError

pytestmark = pytest.mark.anyio

ENTRA = "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
REGISTRY = frozenset({"https://containerregistry.azure.net"})


class StaticKeys:
    def __init__(self, *keys: RSAKey) -> None:
        self.keys = list(keys)
        self.fetches: list[bool] = []

    async def keys_for(self, issuer: str, *, refresh: bool = False) -> KeySet:
        assert issuer == ENTRA
        self.fetches.append(refresh)
        return KeySet(self.keys)


def external_token(key: RSAKey, clock: FixedClock, **overrides: object) -> str:
    now = int(clock.now().timestamp())
    claims = {
        "iss": ENTRA,
        "aud": "https://containerregistry.azure.net",
        "tid": TENANT,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "oid": "A1B2C3D4-0000-4000-8000-000000000001",
        "idtyp": "app",
        "appid": "app-1",
    } | overrides
    return jwt.encode({"alg": "RS256", "kid": key.kid or ""}, claims, key)


@pytest.fixture
def entra_key() -> RSAKey:
    return RSAKey.generate_key(2048, {"kid": "entra-1"})


@pytest.fixture
def verifier(issuer: TokenIssuer, clock: FixedClock, entra_key: RSAKey) -> AccessTokenVerifier:
    trusted = TrustedIssuer(ENTRA, TENANT, ("https://containerregistry.azure.net",))
    return AccessTokenVerifier(issuer, (trusted,), StaticKeys(entra_key), clock)


async def test_external_token_maps_to_its_tenant_and_object(
    verifier: AccessTokenVerifier, entra_key: RSAKey, clock: FixedClock
) -> None:
    identity = await verifier.verify(external_token(entra_key, clock), REGISTRY)
    assert (identity.tenant_id, identity.object_id, identity.kind, identity.external) == (
        TENANT,
        "a1b2c3d4-0000-4000-8000-000000000001",
        "app",
        True,
    )


async def test_our_own_tokens_still_verify(verifier: AccessTokenVerifier, issuer: TokenIssuer) -> None:
    token = issuer.access_token(
        Subject("oid-1", "tid-1", "user", "client", "A", "a@x"), "https://containerregistry.azure.net"
    )
    identity = await verifier.verify(token.value, REGISTRY)
    assert (identity.object_id, identity.kind, identity.external) == ("oid-1", "user", False)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"tid": "00000000-0000-0000-0000-000000000000"}, "tenant"),
        ({"aud": "https://management.azure.com"}, "audience"),
        ({"exp": 1}, "claims"),
        ({"iss": "https://login.microsoftonline.com/other/v2.0"}, "signature"),
    ],
)
async def test_external_tokens_that_do_not_fit_are_rejected(
    verifier: AccessTokenVerifier,
    entra_key: RSAKey,
    clock: FixedClock,
    overrides: dict[str, object],
    reason: str,
) -> None:
    with pytest.raises(TokenRejectedError, match=reason):
        await verifier.verify(external_token(entra_key, clock, **overrides), REGISTRY)


async def test_external_token_signed_by_another_key_is_rejected(
    verifier: AccessTokenVerifier, clock: FixedClock
) -> None:
    impostor = RSAKey.generate_key(2048, {"kid": "entra-1"})
    with pytest.raises(TokenRejectedError, match="signature"):
        await verifier.verify(external_token(impostor, clock), REGISTRY)


async def test_expiry_uses_the_injected_clock(
    verifier: AccessTokenVerifier, entra_key: RSAKey, clock: FixedClock
) -> None:
    token = external_token(entra_key, clock)
    clock.advance(dt.timedelta(hours=1, minutes=6))
    with pytest.raises(TokenRejectedError, match="claims"):
        await verifier.verify(token, REGISTRY)
