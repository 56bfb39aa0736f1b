"""HTTP byte ranges: ``Range`` on blob GETs (RFC 9110 §14) and ``Content-Range`` on upload chunks."""

from __future__ import annotations

import re
from typing import Final

from cerulean.registry.errors import BlobUploadInvalidError

__all__ = ["Unsatisfiable", "parse_content_range", "parse_range"]

_RANGE: Final = re.compile(r"bytes=(\d*)-(\d*)")
# OCI chunks say "<start>-<end>"; Docker-era clients also send "bytes <start>-<end>/<total|*>".
_CONTENT_RANGE: Final = re.compile(r"(?:bytes[ =])?(\d{1,19})-(\d{1,19})(?:/(?:\d{1,19}|\*))?")


class Unsatisfiable(Exception):  # noqa: N818 - a signal for a 416, not an error of ours
    """The range lies wholly outside the representation."""


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte a single ``Range`` asks for, or None to send everything.

    Multiple ranges and syntax the server does not understand are ignored, as RFC 9110 allows.
    Raises `Unsatisfiable` when the range starts at or after the end, or ends before it starts.
    """
    if header is None:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first_text, last_text = match.groups()
    if first_text == "":
        if last_text == "":
            return None
        suffix = int(last_text)
        if suffix == 0:
            raise Unsatisfiable
        return max(size - suffix, 0), size - 1
    first = int(first_text)
    last = size - 1 if last_text == "" else min(int(last_text), size - 1)
    if last_text != "" and int(last_text) < first:
        raise Unsatisfiable  # "bytes=500-0": answered 416, as the OCI conformance suite prefers
    if first >= size:
        raise Unsatisfiable
    return first, last


def parse_content_range(header: str | None) -> tuple[int, int] | None:
    """The inclusive (start, end) of an upload chunk, None if absent; BLOB_UPLOAD_INVALID if bad."""
    if header is None:
        return None
    match = _CONTENT_RANGE.fullmatch(header.strip())
    if match is None:
        raise BlobUploadInvalidError("malformed Content-Range", detail={"Content-Range": header[:64]})
    start, end = int(match.group(1)), int(match.group(2))
    if end < start:
        raise BlobUploadInvalidError("Content-Range ends before it starts")
    return start, end
