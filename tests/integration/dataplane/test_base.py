"""``GET /v2/``, the headers on every response, unknown paths and methods, repository names."""

from __future__ import annotations

import json

import httpx
import pytest

from support.client import error_code, raw_request
from support.server import RunningServer


def test_version_check_answers_200_with_registry_headers(client: httpx.Client) -> None:
    response = client.get("/v2/")
    assert response.status_code == 200
    assert response.headers["Docker-Distribution-Api-Version"] == "registry/2.0"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    first = response.headers["X-Ms-Correlation-Request-Id"]
    second = client.get("/v2/").headers["X-Ms-Correlation-Request-Id"]
    assert first != second
    assert len(first) == 36


def test_unknown_path_is_404_in_oci_format(client: httpx.Client) -> None:
    for path in ("/v2/team/app/nothing/here", "/elsewhere", "/v2/app"):
        response = client.get(path)
        assert response.status_code == 404
        assert error_code(response) == "UNSUPPORTED"


def test_unsupported_method_is_405_with_allow(client: httpx.Client) -> None:
    response = client.post("/v2/team/app/manifests/latest")
    assert response.status_code == 405
    assert error_code(response) == "UNSUPPORTED"
    assert set(response.headers["Allow"].split(", ")) == {"DELETE", "GET", "HEAD", "PUT"}


@pytest.mark.parametrize(
    "path",
    [
        "/v2/Team/app/tags/list",  # uppercase
        "/v2/team/../app/tags/list",
        "/v2/team/%2e%2e/app/tags/list",
        "/v2/team/%2E%2E/secret/manifests/latest",
        "/v2//abs/tags/list",
        "/v2/team/app%00/tags/list",
        "/v2/team/app-/tags/list",
        "/v2/team//app/tags/list",
        "/v2/" + "a" * 257 + "/tags/list",
        "/acr/v1/..%2Fescape",
        "/v2/team/app%2F..%2F..%2Fetc/blobs/uploads/",
    ],
)
def test_invalid_names_are_refused_before_anything_is_touched(server: RunningServer, path: str) -> None:
    method = "POST" if "uploads" in path else "GET"
    status, _, body = raw_request(server.url, method, path)
    assert status == 400, body
    assert json.loads(body)["errors"][0]["code"] == "NAME_INVALID"
    assert not (server.data_dir / "storage" / "uploads").exists() or not any(
        (server.data_dir / "storage" / "uploads").iterdir()
    )


def test_longest_valid_name_is_accepted(client: httpx.Client) -> None:
    name = "/".join(["a" * 63] * 4) + "b"  # 4 * 63 + 3 slashes + 1 = 256 characters
    assert len(name) == 256
    response = client.get(f"/v2/{name}/tags/list")
    assert response.status_code == 404
    assert error_code(response) == "NAME_UNKNOWN"
