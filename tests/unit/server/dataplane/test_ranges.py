from __future__ import annotations

import pytest

from cerulean.registry.errors import BlobUploadInvalidError
from cerulean.server.dataplane.ranges import Unsatisfiable, parse_content_range, parse_range


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("bytes=0-0", (0, 0)),
        ("bytes=5-", (5, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=-1000", (0, 99)),
        ("bytes=90-1000", (90, 99)),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
        ("bytes=-", None),
    ],
)
def test_range(header: str | None, expected: tuple[int, int] | None) -> None:
    assert parse_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=100-200", "bytes=-0", "bytes=5-2", "bytes=500-0"])
def test_unsatisfiable(header: str) -> None:
    with pytest.raises(Unsatisfiable):
        parse_range(header, 100)


def test_content_range_forms() -> None:
    assert parse_content_range(None) is None
    assert parse_content_range("0-99") == (0, 99)
    assert parse_content_range("bytes 100-199/*") == (100, 199)
    assert parse_content_range("bytes=5-5") == (5, 5)
    for bad in ("", "abc", "9-1", "-1-2", "1-", "1" * 30 + "-2"):
        with pytest.raises(BlobUploadInvalidError):
            parse_content_range(bad)
