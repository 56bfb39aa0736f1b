from __future__ import annotations

import pytest

from cerulean.identity.secrets import ProvenSecrets, SecretHasher, generate_client_secret

pytestmark = pytest.mark.anyio


class CountingHasher(SecretHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost_kib=1024)
        self.calls = 0

    def verify(self, stored_hash: str, secret: str) -> bool:
        self.calls += 1
        return super().verify(stored_hash, secret)


def test_client_secret_shape() -> None:
    secret = generate_client_secret()
    assert len(secret) == 40
    assert secret[3:6] == "8Q~"
    assert generate_client_secret() != secret


def test_hashes_are_salted_argon2id() -> None:
    hasher = SecretHasher(time_cost=1, memory_cost_kib=1024)
    first, second = hasher.hash("s3cret-value"), hasher.hash("s3cret-value")
    assert first.startswith("$argon2id$")
    assert first != second
    assert hasher.verify(first, "s3cret-value")
    assert not hasher.verify(first, "s3cret-valuE")
    assert not hasher.verify("not a hash", "s3cret-value")


async def test_only_successes_are_remembered() -> None:
    hasher = CountingHasher()
    proven = ProvenSecrets(hasher, ttl_seconds=60)
    stored = hasher.hash("right")
    assert await proven.verify(stored, "right")
    assert await proven.verify(stored, "right")
    assert hasher.calls == 1
    assert not await proven.verify(stored, "wrong")
    assert not await proven.verify(stored, "wrong")
    assert hasher.calls == 3  # every wrong guess pays the full price
    other = hasher.hash("right")  # a new hash (a rotated secret) is checked afresh
    assert await proven.verify(other, "right")
    assert hasher.calls == 4
