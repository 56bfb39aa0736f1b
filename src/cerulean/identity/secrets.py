"""Secrets: argon2id hashing, constant-time verification, generation, and a cache of proven secrets.

Every secret the directory keeps (user passwords, client secrets, workload endpoint secrets) is stored
as an argon2id hash. Verifying one costs milliseconds of CPU and memory on purpose, which would cap a
busy token endpoint at a few hundred sign-ins per second per core; `ProvenSecrets` remembers, per
process and for a few minutes, that a given secret matched a given stored hash, keyed by an HMAC under
a per-process random key (so the cache holds no secret and no hash that could be replayed elsewhere).
A failed verification is never cached: every wrong guess pays the full argon2 cost.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import string
import time
from collections import OrderedDict
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = ["ProvenSecrets", "SecretHasher", "generate_client_secret", "generate_token"]

_SECRET_ALPHABET: Final = string.ascii_letters + string.digits + "~._-"
_CLIENT_SECRET_LENGTH: Final = 40


def generate_client_secret() -> str:
    """A client secret shaped like Entra's: 40 characters, a 3-character hint, `Q~` after the hint."""
    body = "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(_CLIENT_SECRET_LENGTH - 6))
    hint = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(3))
    return f"{hint}8Q~{body}"


def generate_token(nbytes: int = 32) -> str:
    """A random URL-safe string (endpoint secrets, device codes)."""
    return secrets.token_urlsafe(nbytes)


class SecretHasher:
    """argon2id with explicit parameters (RFC 9106's second recommended option by default)."""

    def __init__(self, *, time_cost: int = 3, memory_cost_kib: int = 65536, parallelism: int = 1) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism
        )

    def hash(self, secret: str) -> str:
        """The encoded argon2id hash of `secret` (salted, so equal secrets hash differently)."""
        return self._hasher.hash(secret)

    async def hash_async(self, secret: str) -> str:
        """`hash` in a worker thread, for callers on the event loop."""
        return await asyncio.to_thread(self._hasher.hash, secret)

    def verify(self, stored_hash: str, secret: str) -> bool:
        """Whether `secret` matches; argon2 compares in constant time. A corrupt hash never matches."""
        try:
            return self._hasher.verify(stored_hash, secret)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


class ProvenSecrets:
    """A bounded, expiring memory of (stored hash, secret) pairs that verified, so they need not again."""

    def __init__(self, hasher: SecretHasher, *, ttl_seconds: float = 300.0, capacity: int = 4096) -> None:
        self._hasher = hasher
        self._ttl = ttl_seconds
        self._capacity = capacity
        self._key = secrets.token_bytes(32)
        self._proven: OrderedDict[bytes, float] = OrderedDict()

    @property
    def hasher(self) -> SecretHasher:
        """The hasher new secrets are hashed with."""
        return self._hasher

    def _fingerprint(self, stored_hash: str, secret: str) -> bytes:
        message = stored_hash.encode() + b"\x00" + secret.encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    async def verify(self, stored_hash: str, secret: str) -> bool:
        """Like `SecretHasher.verify`, skipping the argon2 work for a pair proven in the last few minutes.

        The argon2 work runs in a worker thread (argon2-cffi releases the GIL), never on the event loop.
        """
        fingerprint = self._fingerprint(stored_hash, secret)
        now = time.monotonic()
        proven_at = self._proven.get(fingerprint)
        if proven_at is not None and now - proven_at < self._ttl:
            return True
        if not await asyncio.to_thread(self._hasher.verify, stored_hash, secret):
            return False
        self._proven[fingerprint] = time.monotonic()
        self._proven.move_to_end(fingerprint)
        while len(self._proven) > self._capacity:
            self._proven.popitem(last=False)
        return True
