"""`SigningKeyStore` in memory, for the identity provider's unit tests."""

from __future__ import annotations

import datetime as dt

from cerulean.identity.interfaces import StoredSigningKey


class MemorySigningKeys:
    """`SigningKeyStore` in a list."""

    def __init__(self) -> None:
        self.keys: list[StoredSigningKey] = []

    async def signing_keys(self) -> list[StoredSigningKey]:
        return sorted(self.keys, key=lambda k: k.created_at, reverse=True)

    async def add_signing_key(self, key: StoredSigningKey, *, retire_others_at: dt.datetime) -> None:
        self.keys = [
            StoredSigningKey(k.kid, k.encrypted_private_key, k.created_at, retire_others_at)
            if k.retire_at is None
            else k
            for k in self.keys
        ]
        self.keys.append(key)

    async def purge_signing_keys(self, now: dt.datetime) -> int:
        before = len(self.keys)
        self.keys = [k for k in self.keys if k.retire_at is None or k.retire_at >= now]
        return before - len(self.keys)
