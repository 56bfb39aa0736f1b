from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json

import pytest

from cerulean.core.clock import FixedClock
from cerulean.identity.interfaces import StoredSigningKey
from cerulean.identity.keys import RETIRED_KEY_LIFETIME, KeyEncryptionKey, KeyRing
from cerulean.identity.tokens import Subject, TokenIssuer, TokenRejectedError, client_info
from support.identity import unverified_claims
from support.memory_keys import MemorySigningKeys

pytestmark = pytest.mark.anyio

TENANT = "7f1f9c46-2a1f-4d61-9f62-4bd7a3f5b3b1"
APP = Subject("0b8c3a1e-1111-4f0e-9d3b-222222222222", TENANT, "app", "9d3b3c1e-3333-4f0e-9d3b-444444444444")
USER = Subject(
    "5e5e5e5e-5555-4f0e-9d3b-666666666666",
    TENANT,
    "user",
    "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
    "Alice",
    "alice@example.test",
    auth_method="0",
)
REGISTRY = frozenset({"https://containerregistry.azure.net"})


async def test_access_token_round_trip(issuer: TokenIssuer) -> None:
    token = issuer.access_token(APP, "https://containerregistry.azure.net")
    claims = await issuer.verify_access_token(token.value, REGISTRY)
    assert claims["oid"] == APP.object_id
    assert claims["iss"] == f"https://127.0.0.1:5000/{TENANT}/v2.0"
    assert claims["exp"] - claims["iat"] == 3600
    assert "upn" not in claims


async def test_audience_spellings_are_normalised(issuer: TokenIssuer) -> None:
    token = issuer.access_token(APP, "https://management.core.windows.net/")
    assert await issuer.verify_access_token(token.value, frozenset({"https://management.core.windows.net"}))
    with pytest.raises(TokenRejectedError, match="audience"):
        await issuer.verify_access_token(token.value, REGISTRY)


async def test_expired_token_is_rejected(issuer: TokenIssuer, clock: FixedClock) -> None:
    token = issuer.access_token(APP, "https://containerregistry.azure.net")
    clock.advance(dt.timedelta(hours=1, minutes=4))
    assert await issuer.verify_access_token(token.value, REGISTRY)  # within the 5-minute skew
    clock.advance(dt.timedelta(minutes=2))
    with pytest.raises(TokenRejectedError, match="exp"):
        await issuer.verify_access_token(token.value, REGISTRY)


async def test_forged_and_foreign_tokens_are_rejected(issuer: TokenIssuer, clock: FixedClock) -> None:
    token = issuer.access_token(APP, "https://containerregistry.azure.net").value
    head, body, signature = token.split(".")
    with pytest.raises(TokenRejectedError, match="signature"):
        await issuer.verify_access_token(f"{head}.{body}.{signature[::-1]}", REGISTRY)
    other = TokenIssuer(await _ring(clock), clock, "https://127.0.0.1:5000")
    with pytest.raises(TokenRejectedError):
        await issuer.verify_access_token(
            other.access_token(APP, "https://containerregistry.azure.net").value, REGISTRY
        )
    with pytest.raises(TokenRejectedError, match="malformed"):
        await issuer.verify_access_token("not-a-token", REGISTRY)


async def _ring(clock: FixedClock) -> KeyRing:
    ring = KeyRing(MemorySigningKeys(), KeyEncryptionKey(b"k" * 32), clock)
    await ring.load()
    return ring


async def test_refresh_and_access_tokens_cannot_stand_in_for_each_other(issuer: TokenIssuer) -> None:
    refresh = issuer.refresh_token(USER, "https://containerregistry.azure.net/.default offline_access").value
    access = issuer.access_token(USER, "https://containerregistry.azure.net").value
    assert (await issuer.verify_refresh_token(refresh, USER.client_id))["sub"] == USER.object_id
    with pytest.raises(TokenRejectedError, match="header"):
        await issuer.verify_refresh_token(access, USER.client_id)
    with pytest.raises(TokenRejectedError, match="header"):
        await issuer.verify_access_token(refresh, REGISTRY)
    with pytest.raises(TokenRejectedError, match="client"):
        await issuer.verify_refresh_token(refresh, APP.client_id)


async def test_user_claims_and_client_info(issuer: TokenIssuer) -> None:
    claims = unverified_claims(issuer.access_token(USER, "https://management.azure.com").value)
    assert (claims["idtyp"], claims["upn"], claims["name"], claims["scp"]) == (
        "user",
        "alice@example.test",
        "Alice",
        "user_impersonation",
    )
    id_claims = unverified_claims(issuer.id_token(USER).value)
    assert (id_claims["aud"], id_claims["preferred_username"]) == (USER.client_id, "alice@example.test")
    info = json.loads(base64.urlsafe_b64decode(client_info(USER) + "=="))
    assert info == {"uid": USER.object_id, "utid": TENANT}


async def test_rotation_keeps_old_tokens_verifiable_until_retired(
    issuer: TokenIssuer, ring: KeyRing, clock: FixedClock
) -> None:
    old = issuer.access_token(APP, "https://containerregistry.azure.net").value
    old_kid = ring.signing_key.kid
    new_kid = await ring.rotate(dt.timedelta(hours=2))
    assert new_kid != old_kid
    assert {key["kid"] for key in ring.jwks()["keys"]} == {old_kid, new_kid}
    assert await issuer.verify_access_token(old, REGISTRY)
    clock.advance(dt.timedelta(hours=2, seconds=1))
    assert [key["kid"] for key in ring.jwks()["keys"]] == [new_kid]
    with pytest.raises(TokenRejectedError):
        await issuer.verify_access_token(old, REGISTRY)


async def test_a_first_key_replaced_by_a_racing_node_stays_valid(clock: FixedClock) -> None:
    store, kek = MemorySigningKeys(), KeyEncryptionKey(b"k" * 32)
    first, second = KeyRing(store, kek, clock), KeyRing(store, kek, clock)
    await first.load()
    # The second node also found the store empty, so its load() creates a key of its own:
    await second.rotate(RETIRED_KEY_LIFETIME)
    issued = TokenIssuer(first, clock, "https://127.0.0.1:5000")
    access = issued.access_token(APP, "https://containerregistry.azure.net")  # signed with the first key
    refresh = issued.refresh_token(USER, "https://containerregistry.azure.net/.default offline_access")
    verifier = TokenIssuer(second, clock, "https://127.0.0.1:5000")
    assert await verifier.verify_access_token(access.value, REGISTRY)
    clock.advance(dt.timedelta(days=30))
    assert await verifier.verify_refresh_token(refresh.value, USER.client_id)


class _CountingKeys(MemorySigningKeys):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    async def signing_keys(self) -> list[StoredSigningKey]:
        self.reads += 1
        return await super().signing_keys()


async def test_made_up_kids_reload_the_keys_at_most_once_a_second(clock: FixedClock) -> None:
    store, kek = _CountingKeys(), KeyEncryptionKey(b"k" * 32)
    ring, other = KeyRing(store, kek, clock), KeyRing(store, kek, clock)
    await ring.load()
    await ring.refresh_if_unknown(ring.signing_key.kid)  # a known kid never reads the store
    reads = store.reads
    for n in range(100):
        await ring.refresh_if_unknown(f"made-up-{n}")
    assert store.reads == reads + 1
    # A key another node adds is still found: by the next unknown kid after the pause, or the periodic reload.
    new_kid = await other.rotate(RETIRED_KEY_LIFETIME)
    await ring.refresh_if_unknown(new_kid)
    assert new_kid not in [key["kid"] for key in ring.jwks()["keys"]]  # within the second: not reloaded
    await asyncio.sleep(1.05)
    await ring.refresh_if_unknown(new_kid)
    assert new_kid in [key["kid"] for key in ring.jwks()["keys"]]
