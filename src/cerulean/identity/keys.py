"""Token-signing keys: RSA 2048 (RS256) or P-256 (ES256), encrypted at rest, rotated, published by `kid`.

Private keys are stored (in the database, so every node signs with the same key) as AES-256-GCM
ciphertext under a key-encryption key that lives in a file of the data directory (mode 0600), with the
`kid` as associated data so a ciphertext cannot be moved to another key id. Rotation makes a new key
the signing key; the previous one stays published, and usable to verify, until every token it signed
has expired (`retire_at`), then it is purged.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from joserfc.jwk import ECKey, KeySet, RSAKey

if TYPE_CHECKING:
    from joserfc.jwk import KeyParameters

from cerulean.identity.errors import IdentityError
from cerulean.identity.interfaces import StoredSigningKey
from cerulean.identity.tokens import REFRESH_TOKEN_LIFETIME

if TYPE_CHECKING:
    from pathlib import Path

    from cerulean.core.clock import Clock
    from cerulean.identity.interfaces import SigningKeyStore

__all__ = ["RETIRED_KEY_LIFETIME", "KeyEncryptionKey", "KeyRing", "SigningAlgorithm", "SigningKey"]

SigningAlgorithm = Literal["RS256", "ES256"]

_KEK_BYTES: Final = 32
_NONCE_BYTES: Final = 12
_RSA_BITS: Final = 2048
# How long a key stays published after another replaced it: the longest a token it signed lives, and a day.
RETIRED_KEY_LIFETIME: Final = REFRESH_TOKEN_LIFETIME + dt.timedelta(days=1)
_UNKNOWN_KID_RELOAD_SECONDS: Final = 1.0


class KeyEncryptionKey:
    """The AES-256-GCM key that encrypts signing keys at rest."""

    def __init__(self, key: bytes) -> None:
        if len(key) != _KEK_BYTES:
            raise IdentityError("the key-encryption key must be 32 bytes")
        self._aead = AESGCM(key)

    @classmethod
    def load_or_create(cls, path: Path) -> KeyEncryptionKey:
        """Read the key file, creating it (0600, written atomically) on first start."""
        if path.exists():
            if path.stat().st_mode & 0o077:
                raise IdentityError(f"{path} must be readable by its owner only (chmod 600)")
            return cls(path.read_bytes())
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temporary = path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        key = secrets.token_bytes(_KEK_BYTES)
        try:
            os.write(fd, key)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, path)  # fails if another node created it first: then use theirs
        except FileExistsError:
            temporary.unlink()
            return cls(path.read_bytes())
        temporary.unlink()
        return cls(key)

    def seal(self, kid: str, plaintext: bytes) -> bytes:
        """Encrypt, binding the ciphertext to `kid`."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, kid.encode())

    def open(self, kid: str, sealed: bytes) -> bytes:
        """Decrypt; `IdentityError` if the ciphertext was altered, moved, or sealed under another key."""
        try:
            return self._aead.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], kid.encode())
        except InvalidTag as exc:
            raise IdentityError(
                f"signing key {kid} cannot be decrypted with this key-encryption key: every node sharing the "
                "database needs the same key-encryption key file (key_encryption_key_file)"
            ) from exc


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A usable key: its id, the joserfc key, and when it stops being published."""

    kid: str
    key: RSAKey | ECKey
    retire_at: dt.datetime | None


class KeyRing:
    """The keys this node signs and verifies with, loaded from the store and refreshed on demand."""

    def __init__(
        self,
        store: SigningKeyStore,
        kek: KeyEncryptionKey,
        clock: Clock,
        algorithm: SigningAlgorithm = "RS256",
        *,
        retired_key_lifetime: dt.timedelta = RETIRED_KEY_LIFETIME,
    ) -> None:
        self._store = store
        self._kek = kek
        self._clock = clock
        self._keys: list[SigningKey] = []
        self.algorithm: SigningAlgorithm = algorithm
        self._retired_key_lifetime = retired_key_lifetime
        self._unknown_reloaded_at = -_UNKNOWN_KID_RELOAD_SECONDS

    async def load(self) -> None:
        """Load every published key; create the first one on an empty store.

        Two nodes starting together on an empty store may both create one: the second retires the first
        only after `RETIRED_KEY_LIFETIME`, so tokens either signed stay verifiable everywhere.
        """
        await self.reload()
        if not self._keys:
            await self.rotate(self._retired_key_lifetime)

    def _unseal(self, stored: StoredSigningKey) -> SigningKey:
        pem = self._kek.open(stored.kid, stored.encrypted_private_key)
        parameters: KeyParameters = {"kid": stored.kid, "use": "sig", "alg": self.algorithm}
        key: RSAKey | ECKey = (
            RSAKey.import_key(pem, parameters)
            if self.algorithm == "RS256"
            else ECKey.import_key(pem, parameters)
        )
        return SigningKey(stored.kid, key, stored.retire_at)

    async def rotate(self, keep_previous_for: dt.timedelta | None = None) -> str:
        """Make a new key the signing key; the old one stays published for `keep_previous_for`.

        Without it, for the ring's retired-key lifetime.
        """
        if keep_previous_for is None:
            keep_previous_for = self._retired_key_lifetime
        now = self._clock.now()
        kid = uuid.uuid4().hex
        private = (
            rsa.generate_private_key(public_exponent=65537, key_size=_RSA_BITS)
            if self.algorithm == "RS256"
            else ec.generate_private_key(ec.SECP256R1())
        )
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        stored = StoredSigningKey(kid, self._kek.seal(kid, pem), now, None)
        await self._store.add_signing_key(stored, retire_others_at=now + keep_previous_for)
        await self._store.purge_signing_keys(now)
        await self.reload()
        return kid

    @property
    def signing_key(self) -> SigningKey:
        """The key new tokens are signed with."""
        for key in self._keys:
            if key.retire_at is None:
                return key
        raise IdentityError("no signing key: KeyRing.load() was not awaited")

    def published(self) -> list[SigningKey]:
        """Keys whose tokens may still be in use."""
        now = self._clock.now()
        return [key for key in self._keys if key.retire_at is None or key.retire_at > now]

    def key_set(self) -> KeySet:
        """The published keys, for verifying."""
        return KeySet([key.key for key in self.published()])

    def jwks(self) -> dict[str, object]:
        """The public JWKS document."""
        keys: list[dict[str, object]] = []
        for key in self.published():
            public = key.key.as_dict(private=False)
            if self.algorithm == "RS256":
                keys.append({"kty": "RSA", "use": "sig", "kid": key.kid, "n": public["n"], "e": public["e"]})
            else:
                keys.append(
                    {"kty": "EC", "use": "sig", "kid": key.kid, "crv": public["crv"], "x": public["x"],
                     "y": public["y"], "alg": "ES256"}
                )  # fmt: skip
        return {"keys": keys}

    async def reload(self) -> None:
        """Pick up keys another node (or `cerulean ad keys-rotate`) added or retired."""
        stored = await self._store.signing_keys()
        if stored:
            self._keys = [self._unseal(key) for key in stored]

    async def refresh_if_unknown(self, kid: str) -> None:
        """Reload when a token names a key this node has not seen yet, at most once per second.

        The kid comes from an unverified token: without the limit, anyone could make every request
        cost a database read and the unsealing of every key by sending made-up kids.
        """
        if any(key.kid == kid for key in self._keys):
            return
        now = time.monotonic()
        if now - self._unknown_reloaded_at < _UNKNOWN_KID_RELOAD_SECONDS:
            return
        self._unknown_reloaded_at = now
        await self.reload()
