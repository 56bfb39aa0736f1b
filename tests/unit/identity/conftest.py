"""Fixtures for the identity provider's pure parts: a fixed clock and a key ring in memory."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest

from cerulean.core.clock import FixedClock
from cerulean.identity.keys import KeyEncryptionKey, KeyRing
from cerulean.identity.tokens import TokenIssuer
from support.memory_keys import MemorySigningKeys


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC))


@pytest.fixture
def key_store() -> MemorySigningKeys:
    return MemorySigningKeys()


@pytest.fixture
def kek() -> KeyEncryptionKey:
    return KeyEncryptionKey(secrets.token_bytes(32))


@pytest.fixture
async def ring(key_store: MemorySigningKeys, kek: KeyEncryptionKey, clock: FixedClock) -> KeyRing:
    ring = KeyRing(key_store, kek, clock)
    await ring.load()
    return ring


@pytest.fixture
def issuer(ring: KeyRing, clock: FixedClock) -> TokenIssuer:
    return TokenIssuer(ring, clock, "https://127.0.0.1:5000")
