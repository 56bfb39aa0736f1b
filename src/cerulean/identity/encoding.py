"""Base64url as JOSE writes it: padding optional on the way in."""

from __future__ import annotations

import base64

__all__ = ["b64url_decode"]


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without `=` padding; `ValueError` (binascii.Error) if it is not base64url."""
    bare = text.rstrip("=")
    return base64.urlsafe_b64decode(bare + "=" * (-len(bare) % 4))
