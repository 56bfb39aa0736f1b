"""Primitives every other package may use: digests, OCI names and references, clock, ids, base errors."""

from cerulean.core.clock import Clock, FixedClock, SystemClock
from cerulean.core.digests import (
    ALGORITHMS,
    Digest,
    DigestAlgorithm,
    InvalidDigestError,
    UnsupportedAlgorithmError,
    hasher_for,
)
from cerulean.core.errors import CeruleanError
from cerulean.core.names import (
    MAX_NAME_LENGTH,
    MAX_TAG_LENGTH,
    InvalidNameError,
    InvalidTagError,
    is_valid_name,
    is_valid_tag,
    validate_name,
    validate_tag,
)

__all__ = [
    "ALGORITHMS",
    "MAX_NAME_LENGTH",
    "MAX_TAG_LENGTH",
    "CeruleanError",
    "Clock",
    "Digest",
    "DigestAlgorithm",
    "FixedClock",
    "InvalidDigestError",
    "InvalidNameError",
    "InvalidTagError",
    "SystemClock",
    "UnsupportedAlgorithmError",
    "hasher_for",
    "is_valid_name",
    "is_valid_tag",
    "validate_name",
    "validate_tag",
]
