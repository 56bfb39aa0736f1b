from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cerulean.core.digests import Digest, InvalidDigestError, UnsupportedAlgorithmError, hasher_for


def test_parse_round_trips_sha256_and_sha512() -> None:
    for algorithm in ("sha256", "sha512"):
        text = f"{algorithm}:{hashlib.new(algorithm, b'x').hexdigest()}"
        digest = Digest.parse(text)
        assert str(digest) == text
        assert digest == Digest.of(b"x", algorithm)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "sha256",
        "sha256:",
        ":abc",
        "sha256:" + "A" * 64,  # uppercase hex is not canonical
        "sha256:" + "0" * 63,
        "sha256:" + "0" * 65,
        "sha512:" + "0" * 64,
        "SHA256:" + "0" * 64,
        "sha256:" + "0" * 64 + "\n",
        "sha256:" + "g" * 64,
        "x" * 1000,
    ],
)
def test_malformed_digests_are_refused(text: str) -> None:
    with pytest.raises(InvalidDigestError):
        Digest.parse(text)


def test_well_formed_but_unregistered_algorithm_is_unsupported() -> None:
    with pytest.raises(UnsupportedAlgorithmError):
        Digest.parse("md5:" + "0" * 32)
    with pytest.raises(UnsupportedAlgorithmError):
        hasher_for("sha1")


@given(st.text(max_size=300))
def test_parse_raises_only_the_typed_error(text: str) -> None:
    try:
        digest = Digest.parse(text)
    except InvalidDigestError:
        return
    assert str(digest) == text


def test_from_hasher() -> None:
    hasher = hasher_for("sha512")
    hasher.update(b"abc")
    assert Digest.from_hasher(hasher) == Digest.of(b"abc", "sha512")
