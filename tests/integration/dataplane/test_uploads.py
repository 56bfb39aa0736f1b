"""Uploads: POST+PUT, chunked PATCH, status, order, cancel, mount, digest checks, resume."""

from __future__ import annotations

import os
import re

import httpx
import pytest

from support.client import error_code, push_blob, unique_repository
from support.oci import digest_of
from support.server import RunningServer


def start(client: httpx.Client, repository: str, **params: str) -> str:
    response = client.post(f"/v2/{repository}/blobs/uploads/", params=params)
    assert response.status_code == 202, response.text
    assert response.headers["Range"] == "0-0"
    location = response.headers["Location"]
    assert location.startswith(f"/v2/{repository}/blobs/uploads/")
    assert response.headers["Docker-Upload-UUID"] == location.rsplit("/", 1)[1]
    return location


def patch(client: httpx.Client, location: str, data: bytes, start_at: int | None) -> httpx.Response:
    headers = {"Content-Type": "application/octet-stream"}
    if start_at is not None:
        headers["Content-Range"] = f"{start_at}-{start_at + len(data) - 1}"
    return client.patch(location, content=data, headers=headers)


def test_post_then_put_monolithic(client: httpx.Client) -> None:
    repository = unique_repository()
    data = os.urandom(70_000)
    location = start(client, repository)
    response = client.put(location, params={"digest": digest_of(data)}, content=data)
    assert response.status_code == 201
    assert response.headers["Location"] == f"/v2/{repository}/blobs/{digest_of(data)}"
    assert client.get(response.headers["Location"]).content == data


def test_chunked_upload_reports_progress_and_finishes(client: httpx.Client) -> None:
    repository = unique_repository()
    data = os.urandom(300_001)
    location = start(client, repository)
    offset = 0
    for size in (100_000, 100_000, 100_000):
        response = patch(client, location, data[offset : offset + size], offset)
        assert response.status_code == 202, response.text
        offset += size
        assert response.headers["Range"] == f"0-{offset - 1}"
        location = response.headers["Location"]
    status = client.get(location)
    assert status.status_code == 204
    assert status.headers["Range"] == f"0-{offset - 1}"
    assert status.headers["Location"] == location
    # The last byte travels in the closing PUT.
    response = client.put(
        location,
        params={"digest": digest_of(data)},
        content=data[offset:],
        headers={"Content-Range": f"{offset}-{offset}"},
    )
    assert response.status_code == 201, response.text
    assert client.get(f"/v2/{repository}/blobs/{digest_of(data)}").content == data


def test_streamed_patch_without_content_range(client: httpx.Client) -> None:
    repository = unique_repository()
    data = os.urandom(50_000)
    location = start(client, repository)
    assert patch(client, location, data[:20_000], None).status_code == 202
    assert patch(client, location, data[20_000:], None).status_code == 202
    response = client.put(location, params={"digest": digest_of(data)})
    assert response.status_code == 201


@pytest.mark.parametrize("bad_start", [0, 5, 15])
def test_out_of_order_or_overlapping_chunk_is_416_and_changes_nothing(
    client: httpx.Client, bad_start: int
) -> None:
    repository = unique_repository()
    location = start(client, repository)
    assert patch(client, location, b"0123456789", 0).status_code == 202
    response = patch(client, location, b"abcde", bad_start)
    assert response.status_code == 416
    assert response.headers["Range"] == "0-9"
    assert response.headers["Location"] == location
    status = client.get(location)
    assert status.status_code == 204
    assert status.headers["Range"] == "0-9"
    # The upload continues correctly from where it really stands.
    assert patch(client, location, b"abcde", 10).status_code == 202
    response = client.put(location, params={"digest": digest_of(b"0123456789abcde")})
    assert response.status_code == 201


def test_chunk_shorter_than_its_range_is_refused_and_not_recorded(client: httpx.Client) -> None:
    repository = unique_repository()
    location = start(client, repository)
    response = client.patch(location, content=b"abc", headers={"Content-Range": "0-9"})
    assert response.status_code == 400
    assert error_code(response) == "SIZE_INVALID"
    assert client.get(location).headers["Range"] == "0-0"


@pytest.mark.parametrize("header", ["garbage", "5-2", "bytes=a-b"])
def test_malformed_content_range_is_400(client: httpx.Client, header: str) -> None:
    location = start(client, unique_repository())
    response = client.patch(location, content=b"abc", headers={"Content-Range": header})
    assert response.status_code == 400
    assert error_code(response) == "BLOB_UPLOAD_INVALID"


def test_digest_mismatch_is_400_and_nothing_is_stored(client: httpx.Client) -> None:
    repository = unique_repository()
    wrong = digest_of(b"other content")
    location = start(client, repository)
    response = client.put(location, params={"digest": wrong}, content=b"actual content")
    assert response.status_code == 400
    assert error_code(response) == "DIGEST_INVALID"
    assert client.head(f"/v2/{repository}/blobs/{wrong}").status_code == 404
    assert client.head(f"/v2/{repository}/blobs/{digest_of(b'actual content')}").status_code == 404
    assert client.get(location).status_code == 404  # the session is gone
    single = client.post(
        f"/v2/{repository}/blobs/uploads/", params={"digest": wrong}, content=b"actual content"
    )
    assert single.status_code == 400
    assert error_code(single) == "DIGEST_INVALID"
    assert client.head(f"/v2/{repository}/blobs/{wrong}").status_code == 404


def test_put_without_digest_is_400(client: httpx.Client) -> None:
    location = start(client, unique_repository())
    response = client.put(location, content=b"x")
    assert response.status_code == 400
    assert error_code(response) == "DIGEST_INVALID"


def test_cancel_then_unknown(client: httpx.Client) -> None:
    location = start(client, unique_repository())
    assert patch(client, location, b"data", 0).status_code == 202
    assert client.delete(location).status_code == 204
    for method in ("GET", "PATCH", "PUT", "DELETE"):
        response = client.request(method, location, params={"digest": digest_of(b"data")})
        assert response.status_code == 404
        assert error_code(response) == "BLOB_UPLOAD_UNKNOWN"


def test_upload_of_another_repository_is_unknown(client: httpx.Client) -> None:
    location = start(client, unique_repository())
    upload_id = location.rsplit("/", 1)[1]
    response = client.get(f"/v2/{unique_repository()}/blobs/uploads/{upload_id}")
    assert response.status_code == 404
    assert error_code(response) == "BLOB_UPLOAD_UNKNOWN"
    for bogus in ("not-an-id", "0" * 32, "..%2F..%2Fx"):
        assert client.get(f"/v2/{unique_repository()}/blobs/uploads/{bogus}").status_code in {
            400,
            404,
        }


def test_sha512_session_via_digest_algorithm(client: httpx.Client) -> None:
    repository = unique_repository()
    data = os.urandom(40_000)
    location = start(client, repository, **{"digest-algorithm": "sha512"})
    assert patch(client, location, data, 0).status_code == 202
    response = client.put(location, params={"digest": digest_of(data, "sha512")})
    assert response.status_code == 201
    assert response.headers["Docker-Content-Digest"] == digest_of(data, "sha512")


def test_sha512_digest_on_a_default_session_rehashes(client: httpx.Client) -> None:
    repository = unique_repository()
    data = os.urandom(40_000)
    location = start(client, repository)
    assert patch(client, location, data, 0).status_code == 202
    response = client.put(location, params={"digest": digest_of(data, "sha512")})
    assert response.status_code == 201


def test_unknown_digest_algorithm_is_refused(client: httpx.Client) -> None:
    response = client.post(f"/v2/{unique_repository()}/blobs/uploads/", params={"digest-algorithm": "md5"})
    assert response.status_code == 400
    assert error_code(response) == "DIGEST_INVALID"


def test_mount_from_a_repository_that_has_the_blob(client: httpx.Client) -> None:
    source, target = unique_repository(), unique_repository()
    digest = push_blob(client, source, os.urandom(1000))
    response = client.post(f"/v2/{target}/blobs/uploads/", params={"mount": digest, "from": source})
    assert response.status_code == 201
    assert response.headers["Location"] == f"/v2/{target}/blobs/{digest}"
    assert response.headers["Docker-Content-Digest"] == digest
    assert client.head(f"/v2/{target}/blobs/{digest}").status_code == 200


def test_mount_that_cannot_be_done_starts_an_upload(client: httpx.Client) -> None:
    source, target = unique_repository(), unique_repository()
    missing = digest_of(b"never pushed")
    for params in ({"mount": missing, "from": source}, {"mount": missing}):
        response = client.post(f"/v2/{target}/blobs/uploads/", params=params)
        assert response.status_code == 202
        assert "/blobs/uploads/" in response.headers["Location"]
    # Knowing a digest is not enough: without `from` nothing is mounted, even if it exists elsewhere.
    digest = push_blob(client, source, b"private bytes")
    response = client.post(f"/v2/{target}/blobs/uploads/", params={"mount": digest})
    assert response.status_code == 202
    assert client.head(f"/v2/{target}/blobs/{digest}").status_code == 404


def _challenged(response: httpx.Response) -> tuple[str, str, str | None]:
    """Realm, scope and error of a 401's Bearer challenge."""
    header = response.headers["WWW-Authenticate"]
    realm = re.search(r'realm="([^"]+)"', header)
    scope = re.search(r'scope="([^"]+)"', header)
    error = re.search(r'error="([^"]+)"', header)
    assert realm is not None, header
    assert scope is not None, header
    return realm.group(1), scope.group(1), error.group(1) if error else None


def test_mount_challenge_names_the_source_repository_too(server: RunningServer) -> None:
    # Clients that fetch one token for exactly the challenged scope and retry once (the OCI conformance
    # suite's) could not mount when the challenge named only the target.
    source, target = unique_repository(), unique_repository()
    with httpx.Client(base_url=server.url, timeout=30, auth=server.auth) as basic:
        digest = push_blob(basic, source, os.urandom(1000))
    mount = {"mount": digest, "from": source}
    with httpx.Client(base_url=server.url, timeout=30) as http:
        refused = http.post(f"/v2/{target}/blobs/uploads/", params=mount)
        assert refused.status_code == 401
        realm, scope, _ = _challenged(refused)
        assert scope == f"repository:{target}:pull,push repository:{source}:pull"
        detail = refused.json()["errors"][0]["detail"]
        assert [(d["Name"], d["Action"]) for d in detail] == [
            (target, "pull"), (target, "push"), (source, "pull")
        ]  # fmt: skip

        def token(scope: str) -> str:
            granted = http.get(realm, params={"service": server.host, "scope": scope}, auth=server.auth)
            assert granted.status_code == 200, granted.text
            return str(granted.json()["access_token"])

        # A token for the target alone is told to ask for everything, not only the part it lacks.
        partial = {"Authorization": f"Bearer {token(f'repository:{target}:pull,push')}"}
        short = http.post(f"/v2/{target}/blobs/uploads/", params=mount, headers=partial)
        assert short.status_code == 401
        assert _challenged(short)[1:] == (scope, "insufficient_scope")
        full = {"Authorization": f"Bearer {token(scope)}"}
        mounted = http.post(f"/v2/{target}/blobs/uploads/", params=mount, headers=full)
        assert mounted.status_code == 201, mounted.text
        assert mounted.headers["Location"] == f"/v2/{target}/blobs/{digest}"


def test_mount_with_invalid_source_name_is_400(client: httpx.Client) -> None:
    response = client.post(
        f"/v2/{unique_repository()}/blobs/uploads/",
        params={"mount": digest_of(b"x"), "from": "../etc"},
    )
    assert response.status_code == 400
    assert error_code(response) == "NAME_INVALID"
