"""Content digests as the OCI image spec defines them: ``algorithm ":" encoded``.

Only registered algorithms are accepted (``sha256`` and ``sha512``); a digest that follows the general
grammar but names another algorithm raises `UnsupportedAlgorithmError`, a subclass of
`InvalidDigestError`, so callers that do not care about the difference catch one type.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.core.errors import CeruleanError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "ALGORITHMS",
    "Digest",
    "DigestAlgorithm",
    "InvalidDigestError",
    "UnsupportedAlgorithmError",
    "hasher_for",
]

# The general grammar from the image spec (descriptor.md#digests).
_GRAMMAR: Final = re.compile(r"[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+")
# Long enough for sha512 and anything plausible; longer input is refused before the regex runs.
_MAX_LENGTH: Final = 256


class InvalidDigestError(CeruleanError):
    """The text is not a well-formed digest of a registered algorithm."""


class UnsupportedAlgorithmError(InvalidDigestError):
    """The digest is well-formed but its algorithm is not one Cerulean supports."""


@dataclass(frozen=True, slots=True)
class DigestAlgorithm:
    """A registered digest algorithm: its name and the shape of its encoded part."""

    name: str
    hex_length: int

    def new(self) -> hashlib._Hash:
        """Return a fresh hasher for this algorithm."""
        return hashlib.new(self.name)

    def matches(self, encoded: str) -> bool:
        """Whether `encoded` is a lowercase hex string of the right length."""
        return len(encoded) == self.hex_length and _is_lower_hex(encoded)


ALGORITHMS: Final[Mapping[str, DigestAlgorithm]] = {
    "sha256": DigestAlgorithm("sha256", 64),
    "sha512": DigestAlgorithm("sha512", 128),
}

_HEX: Final = frozenset("0123456789abcdef")


def _is_lower_hex(text: str) -> bool:
    return not (set(text) - _HEX)


def hasher_for(algorithm: str) -> hashlib._Hash:
    """Return a new hasher for a registered algorithm name."""
    try:
        return ALGORITHMS[algorithm].new()
    except KeyError:
        raise UnsupportedAlgorithmError(f"unsupported digest algorithm {algorithm!r}") from None


@dataclass(frozen=True, slots=True, order=True)
class Digest:
    """A validated content digest such as ``sha256:2c26b4...``."""

    algorithm: str
    encoded: str

    def __str__(self) -> str:
        return f"{self.algorithm}:{self.encoded}"

    @classmethod
    def parse(cls, text: str) -> Digest:
        """Parse and validate `text`; raise `InvalidDigestError` if it is not a supported digest."""
        if len(text) > _MAX_LENGTH or _GRAMMAR.fullmatch(text) is None:
            raise InvalidDigestError(f"invalid digest {text[:80]!r}")
        algorithm, _, encoded = text.partition(":")
        spec = ALGORITHMS.get(algorithm)
        if spec is None:
            raise UnsupportedAlgorithmError(f"unsupported digest algorithm {algorithm!r}")
        if not spec.matches(encoded):
            raise InvalidDigestError(f"invalid {algorithm} digest {text[:80]!r}")
        return cls(algorithm, encoded)

    @classmethod
    def of(cls, data: bytes, algorithm: str = "sha256") -> Digest:
        """Compute the digest of `data`."""
        hasher = hasher_for(algorithm)
        hasher.update(data)
        return cls(algorithm, hasher.hexdigest())

    @classmethod
    def from_hasher(cls, hasher: hashlib._Hash) -> Digest:
        """Finish a hasher made by `hasher_for` into a digest."""
        return cls(hasher.name, hasher.hexdigest())
