"""Blob GET/HEAD/DELETE, ranges, caching headers, repository isolation, digest validation."""

from __future__ import annotations

import os

import httpx
import pytest

from support.client import error_code, push_blob, unique_repository
from support.oci import digest_of


@pytest.fixture
def stored(client: httpx.Client) -> tuple[str, bytes, str]:
    repository = unique_repository()
    data = os.urandom(100_000)
    return repository, data, push_blob(client, repository, data)


def test_get_returns_bytes_with_digest_etag_and_immutable_caching(
    client: httpx.Client, stored: tuple[str, bytes, str]
) -> None:
    repository, data, digest = stored
    response = client.get(f"/v2/{repository}/blobs/{digest}")
    assert response.status_code == 200
    assert response.content == data
    assert response.headers["Docker-Content-Digest"] == digest
    assert response.headers["ETag"] == f'"{digest}"'
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert response.headers["Content-Length"] == str(len(data))
    assert response.headers["Accept-Ranges"] == "bytes"


def test_head_gives_size_without_body(client: httpx.Client, stored: tuple[str, bytes, str]) -> None:
    repository, data, digest = stored
    response = client.head(f"/v2/{repository}/blobs/{digest}")
    assert response.status_code == 200
    assert response.headers["Content-Length"] == str(len(data))
    assert response.headers["Docker-Content-Digest"] == digest
    assert response.content == b""


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=500-", 500, 99_999),
        ("bytes=-100", 99_900, 99_999),
        ("bytes=99990-200000", 99_990, 99_999),
    ],
)
def test_single_range_is_206(
    client: httpx.Client, stored: tuple[str, bytes, str], header: str, first: int, last: int
) -> None:
    repository, data, digest = stored
    response = client.get(f"/v2/{repository}/blobs/{digest}", headers={"Range": header})
    assert response.status_code == 206
    assert response.content == data[first : last + 1]
    assert response.headers["Content-Range"] == f"bytes {first}-{last}/{len(data)}"


@pytest.mark.parametrize("header", ["bytes=100000-", "bytes=200000-300000", "bytes=-0", "bytes=500-0"])
def test_unsatisfiable_range_is_416_with_the_size(
    client: httpx.Client, stored: tuple[str, bytes, str], header: str
) -> None:
    repository, data, digest = stored
    response = client.get(f"/v2/{repository}/blobs/{digest}", headers={"Range": header})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(data)}"


def test_unparsable_range_is_ignored(client: httpx.Client, stored: tuple[str, bytes, str]) -> None:
    repository, data, digest = stored
    response = client.get(f"/v2/{repository}/blobs/{digest}", headers={"Range": "lines=1-2"})
    assert response.status_code == 200
    assert response.content == data


def test_if_none_match_answers_304(client: httpx.Client, stored: tuple[str, bytes, str]) -> None:
    repository, _, digest = stored
    response = client.get(f"/v2/{repository}/blobs/{digest}", headers={"If-None-Match": f'"{digest}"'})
    assert response.status_code == 304
    assert response.content == b""


def test_blob_of_another_repository_is_not_served(
    client: httpx.Client, stored: tuple[str, bytes, str]
) -> None:
    _, _, digest = stored
    other = unique_repository()
    push_blob(client, other, b"something else")
    for method in ("GET", "HEAD"):
        response = client.request(method, f"/v2/{other}/blobs/{digest}")
        assert response.status_code == 404
    assert error_code(client.get(f"/v2/{other}/blobs/{digest}")) == "BLOB_UNKNOWN"
    assert client.get(f"/v2/{unique_repository()}/blobs/{digest}").status_code == 404


@pytest.mark.parametrize(
    "digest",
    [
        "sha256:abc",
        "sha256:" + "G" * 64,
        "md5:" + "0" * 32,
        "sha256",
        "sha512:" + "0" * 64,
        "nonsense",
    ],
)
def test_malformed_digest_is_400_digest_invalid(
    client: httpx.Client, stored: tuple[str, bytes, str], digest: str
) -> None:
    repository, _, _ = stored
    for method in ("GET", "DELETE"):
        response = client.request(method, f"/v2/{repository}/blobs/{digest}")
        assert response.status_code == 400, response.text
        assert error_code(response) == "DIGEST_INVALID"


def test_delete_unlinks_then_404(client: httpx.Client, stored: tuple[str, bytes, str]) -> None:
    repository, _, digest = stored
    response = client.delete(f"/v2/{repository}/blobs/{digest}")
    assert response.status_code == 202
    assert client.get(f"/v2/{repository}/blobs/{digest}").status_code == 404
    again = client.delete(f"/v2/{repository}/blobs/{digest}")
    assert again.status_code == 404
    assert error_code(again) == "BLOB_UNKNOWN"


def test_empty_blob(client: httpx.Client) -> None:
    repository = unique_repository()
    digest = push_blob(client, repository, b"")
    assert digest == digest_of(b"")
    response = client.get(f"/v2/{repository}/blobs/{digest}")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["Content-Length"] == "0"


def test_sha512_blob(client: httpx.Client) -> None:
    repository = unique_repository()
    data = os.urandom(5000)
    digest = push_blob(client, repository, data, "sha512")
    response = client.get(f"/v2/{repository}/blobs/{digest}")
    assert response.content == data
    assert response.headers["Docker-Content-Digest"] == digest
    sha256 = digest_of(data)
    assert client.head(f"/v2/{repository}/blobs/{sha256}").status_code == 404
