"""ACR's metadata API (``/acr/v1/``) and the lock switches it sets, enforced on every route."""

from __future__ import annotations

import urllib.parse

import httpx
import pytest

from support.client import error_code, push_blob, push_image, unique_repository
from support.oci import OCI_MANIFEST, make_image, make_index

SWITCHES = {"deleteEnabled", "writeEnabled", "readEnabled", "listEnabled"}


def acr(repository: str, suffix: str = "") -> str:
    return f"/acr/v1/{urllib.parse.quote(repository, safe='')}{suffix}"


@pytest.fixture
def pushed(client: httpx.Client) -> tuple[str, str]:
    repository = unique_repository()
    image = make_image(architecture="arm64", os_name="linux")
    push_image(client, repository, image, tag="v1")
    return repository, image.digest


def test_repository_properties(client: httpx.Client, server_login: str, pushed: tuple[str, str]) -> None:
    repository, _ = pushed
    body = client.get(acr(repository)).json()
    assert body["registry"] == server_login
    assert body["imageName"] == repository
    assert (body["manifestCount"], body["tagCount"]) == (1, 1)
    assert body["createdTime"].endswith("Z")
    assert set(body["changeableAttributes"]) == SWITCHES
    assert all(body["changeableAttributes"].values())
    assert client.get(acr(unique_repository())).status_code == 404


def test_catalog(client: httpx.Client, pushed: tuple[str, str]) -> None:
    repository, _ = pushed
    names: list[str] = []
    url = "/acr/v1/_catalog?n=100"
    while url:
        response = client.get(url)
        names += response.json()["repositories"]
        link = response.headers.get("Link")
        url = link[1 : link.index(">")] if link else ""
    assert repository in names


def test_tag_details_and_update(client: httpx.Client, pushed: tuple[str, str]) -> None:
    repository, digest = pushed
    listed = client.get(acr(repository, "/_tags")).json()
    assert listed["imageName"] == repository
    assert [t["name"] for t in listed["tags"]] == ["v1"]
    assert listed["tags"][0]["digest"] == digest
    one = client.get(acr(repository, "/_tags/v1")).json()["tag"]
    assert one["name"] == "v1"
    assert one["signed"] is False
    patched = client.patch(acr(repository, "/_tags/v1"), json={"writeEnabled": False})
    assert patched.status_code == 200
    assert patched.json()["tag"]["changeableAttributes"]["writeEnabled"] is False
    assert patched.json()["tag"]["changeableAttributes"]["deleteEnabled"] is True
    missing = client.get(acr(repository, "/_tags/nope"))
    assert missing.status_code == 404
    assert error_code(missing) == "TAG_UNKNOWN"


def test_manifest_details_with_platform_and_references(client: httpx.Client) -> None:
    repository = unique_repository()
    images = [make_image(architecture="amd64"), make_image(architecture="arm64", os_name="linux")]
    for image in images:
        push_image(client, repository, image, tag=None)
    index = make_index(images)
    response = client.put(
        f"/v2/{repository}/manifests/multi",
        content=index,
        headers={"Content-Type": "application/vnd.oci.image.index.v1+json"},
    )
    index_digest = response.headers["Docker-Content-Digest"]
    single = client.get(acr(repository, f"/_manifests/{images[1].digest}")).json()["manifest"]
    assert (single["architecture"], single["os"]) == ("arm64", "linux")
    assert single["configMediaType"] == "application/vnd.oci.image.config.v1+json"
    assert single["imageSize"] > len(images[1].manifest)
    multi = client.get(acr(repository, f"/_manifests/{index_digest}")).json()["manifest"]
    assert multi["tags"] == ["multi"]
    assert [(r["digest"], r["architecture"]) for r in multi["references"]] == [
        (images[0].digest, "amd64"),
        (images[1].digest, "arm64"),
    ]
    listed = client.get(acr(repository, "/_manifests"), params={"orderby": "timedesc"}).json()
    assert {m["digest"] for m in listed["manifests"]} == {
        index_digest,
        images[0].digest,
        images[1].digest,
    }


def test_bad_patch_bodies_are_400(client: httpx.Client, pushed: tuple[str, str]) -> None:
    repository, _ = pushed
    for body in (b"{", b"[]", b'{"writeEnabled": "no"}', b'{"readEnabled": 1}'):
        response = client.patch(acr(repository), content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, body
        assert error_code(response) == "INVALID_REQUEST"
    assert client.get(acr(repository, "/_tags"), params={"orderby": "sideways"}).status_code == 400


def test_write_disabled_repository_refuses_pushes_and_deletes(
    client: httpx.Client, pushed: tuple[str, str]
) -> None:
    repository, digest = pushed
    assert client.patch(acr(repository), json={"writeEnabled": False}).status_code == 200
    image = make_image()
    for data in image.blobs.values():
        push_blob(client, repository, data)  # blobs alone change nothing visible
    response = client.put(
        f"/v2/{repository}/manifests/v2",
        content=image.manifest,
        headers={"Content-Type": OCI_MANIFEST},
    )
    assert response.status_code == 405
    assert error_code(response) == "REGISTRY_DISALLOWED_OPERATION"
    assert response.json()["errors"][0]["message"].startswith("The operation is disallowed")
    for path in (
        f"/v2/{repository}/manifests/{digest}",
        f"/v2/{repository}/manifests/v1",
        acr(repository),
    ):
        assert client.delete(path).status_code == 405
    assert client.get(f"/v2/{repository}/manifests/v1").status_code == 200  # reads still work
    assert client.patch(acr(repository), json={"writeEnabled": True}).status_code == 200  # unlock
    assert (
        client.put(
            f"/v2/{repository}/manifests/v2",
            content=image.manifest,
            headers={"Content-Type": OCI_MANIFEST},
        ).status_code
        == 201
    )


def test_locked_tag_cannot_move_or_be_deleted(client: httpx.Client, pushed: tuple[str, str]) -> None:
    repository, digest = pushed
    client.patch(acr(repository, "/_tags/v1"), json={"writeEnabled": False})
    other = make_image()
    for data in other.blobs.values():
        push_blob(client, repository, data)
    moved = client.put(
        f"/v2/{repository}/manifests/v1",
        content=other.manifest,
        headers={"Content-Type": OCI_MANIFEST},
    )
    assert moved.status_code == 405
    assert client.delete(f"/v2/{repository}/manifests/v1").status_code == 405
    assert client.delete(acr(repository, "/_tags/v1")).status_code == 405
    assert client.delete(f"/v2/{repository}/manifests/{digest}").status_code == 405  # its tag is locked
    assert client.get(f"/v2/{repository}/manifests/v1").headers["Docker-Content-Digest"] == digest


def test_delete_disabled_manifest(client: httpx.Client, pushed: tuple[str, str]) -> None:
    repository, digest = pushed
    client.patch(acr(repository, f"/_manifests/{digest}"), json={"deleteEnabled": False})
    assert client.delete(f"/v2/{repository}/manifests/{digest}").status_code == 405
    assert client.delete(acr(repository)).status_code == 405  # holds locked content
    client.patch(acr(repository, f"/_manifests/{digest}"), json={"deleteEnabled": True})
    assert client.delete(f"/v2/{repository}/manifests/{digest}").status_code == 202


def test_read_disabled_blocks_pulls(client: httpx.Client, pushed: tuple[str, str]) -> None:
    repository, digest = pushed
    layer = client.get(f"/v2/{repository}/manifests/v1").json()["layers"][0]["digest"]
    client.patch(acr(repository, f"/_manifests/{digest}"), json={"readEnabled": False})
    for reference in ("v1", digest):
        response = client.get(f"/v2/{repository}/manifests/{reference}")
        assert response.status_code == 405
        assert error_code(response) == "REGISTRY_DISALLOWED_OPERATION"
    assert client.get(f"/v2/{repository}/blobs/{layer}").status_code == 200
    client.patch(acr(repository), json={"readEnabled": False})
    assert client.get(f"/v2/{repository}/blobs/{layer}").status_code == 405
    client.patch(acr(repository), json={"readEnabled": True})
    client.patch(acr(repository, f"/_manifests/{digest}"), json={"readEnabled": True})
    assert client.get(f"/v2/{repository}/manifests/v1").status_code == 200


def test_list_disabled_hides_from_listings(client: httpx.Client, pushed: tuple[str, str]) -> None:
    repository, digest = pushed
    client.patch(acr(repository, "/_tags/v1"), json={"listEnabled": False})
    assert client.get(f"/v2/{repository}/tags/list").json()["tags"] == []
    assert client.get(acr(repository, "/_tags")).json()["tags"] == []
    assert client.get(f"/v2/{repository}/manifests/v1").status_code == 200  # hidden, not locked
    client.patch(acr(repository, f"/_manifests/{digest}"), json={"listEnabled": False})
    assert client.get(acr(repository, "/_manifests")).json()["manifests"] == []
    client.patch(acr(repository), json={"listEnabled": False})
    assert repository not in client.get("/v2/_catalog").json()["repositories"]


def test_delete_repository_returns_what_it_removed(client: httpx.Client, pushed: tuple[str, str]) -> None:
    repository, digest = pushed
    response = client.delete(acr(repository))
    assert response.status_code == 202
    assert response.json() == {"manifestsDeleted": [digest], "tagsDeleted": ["v1"]}
    assert client.get(f"/v2/{repository}/tags/list").status_code == 404
    assert client.get(f"/v2/{repository}/manifests/v1").status_code == 404
    assert client.delete(acr(repository)).status_code == 404


def test_delete_tag_through_acr(client: httpx.Client, pushed: tuple[str, str]) -> None:
    repository, digest = pushed
    assert client.delete(acr(repository, "/_tags/v1")).status_code == 202
    assert client.get(f"/v2/{repository}/manifests/v1").status_code == 404
    assert client.get(f"/v2/{repository}/manifests/{digest}").status_code == 200
