"""The OCI repository name and tag grammars (distribution-spec, "Pulling manifests").

Validation happens before any storage path or database row is derived from a name, so names containing
``..``, percent-escapes, absolute paths or NUL never get further than this module.
"""

from __future__ import annotations

import functools
import re
from typing import Final

from cerulean.core.errors import CeruleanError

__all__ = [
    "MAX_NAME_LENGTH",
    "MAX_TAG_LENGTH",
    "InvalidNameError",
    "InvalidTagError",
    "is_valid_name",
    "is_valid_tag",
    "validate_name",
    "validate_tag",
]

MAX_NAME_LENGTH: Final = 256
MAX_TAG_LENGTH: Final = 128

_COMPONENT: Final = r"[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*"
_NAME: Final = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*")
_TAG: Final = re.compile(r"[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}")


class InvalidNameError(CeruleanError):
    """A repository name that does not match the OCI grammar or is too long."""


class InvalidTagError(CeruleanError):
    """A tag that does not match the OCI grammar."""


@functools.lru_cache(maxsize=4096)
def is_valid_name(name: str) -> bool:
    """Whether `name` is a valid OCI repository name of at most 256 characters (memoised: hot path)."""
    return len(name) <= MAX_NAME_LENGTH and _NAME.fullmatch(name) is not None


def validate_name(name: str) -> str:
    """Return `name` unchanged, or raise `InvalidNameError`."""
    if not is_valid_name(name):
        raise InvalidNameError(f"invalid repository name {name[:80]!r}")
    return name


def is_valid_tag(tag: str) -> bool:
    """Whether `tag` is a valid OCI tag."""
    return _TAG.fullmatch(tag) is not None


def validate_tag(tag: str) -> str:
    """Return `tag` unchanged, or raise `InvalidTagError`."""
    if not is_valid_tag(tag):
        raise InvalidTagError(f"invalid tag {tag[:80]!r}")
    return tag
