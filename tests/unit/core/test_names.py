from __future__ import annotations

import pytest

from cerulean.core.names import (
    InvalidNameError,
    is_valid_name,
    is_valid_tag,
    validate_name,
    validate_tag,
)


@pytest.mark.parametrize(
    "name",
    ["a", "library/ubuntu", "a.b_c__d-e---f/g", "x" * 256, "0/1/2", "team1/app", "a-b/c.d"],
)
def test_valid_names(name: str) -> None:
    assert is_valid_name(name)
    assert validate_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "",
        "A",
        "a/",
        "/a",
        "a//b",
        "..",
        "a/../b",
        "a/./b",
        "a_",
        "-a",
        "a___b",
        "a\x00b",
        "a b",
        "x" * 257,
        "%2e%2e",
        "a/b\n",
        "café",
    ],
)
def test_invalid_names(name: str) -> None:
    assert not is_valid_name(name)
    with pytest.raises(InvalidNameError):
        validate_name(name)


@pytest.mark.parametrize("tag", ["latest", "v1.2.3", "_x", "A" * 128, "sha256-abc"])
def test_valid_tags(tag: str) -> None:
    assert validate_tag(tag) == tag


@pytest.mark.parametrize("tag", ["", ".x", "-x", "a" * 129, "a:b", "a/b", "a b"])
def test_invalid_tags(tag: str) -> None:
    assert not is_valid_tag(tag)
