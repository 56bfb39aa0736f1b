"""Tag lists and the catalog: byte order, ``n``/``last``, ``Link``."""

from __future__ import annotations

import httpx
import pytest

from support.client import error_code, push_image, unique_repository
from support.oci import OCI_MANIFEST, make_image

TAGS = ["v10", "V2", "latest", "1.0", "_private", "a-b", "a.b", "a_b", "Z"]


@pytest.fixture
def tagged(client: httpx.Client) -> str:
    repository = unique_repository()
    image = make_image()
    push_image(client, repository, image, tag=TAGS[0])
    for tag in TAGS[1:]:
        response = client.put(
            f"/v2/{repository}/manifests/{tag}",
            content=image.manifest,
            headers={"Content-Type": OCI_MANIFEST},
        )
        assert response.status_code == 201
    return repository


def test_all_tags_in_byte_order(client: httpx.Client, tagged: str) -> None:
    response = client.get(f"/v2/{tagged}/tags/list")
    assert response.status_code == 200
    assert response.json() == {"name": tagged, "tags": sorted(TAGS)}
    assert "Link" not in response.headers


def test_pages_follow_link_headers_to_the_end(client: httpx.Client, tagged: str) -> None:
    seen: list[str] = []
    url = f"/v2/{tagged}/tags/list?n=4"
    while url:
        response = client.get(url)
        page = response.json()["tags"]
        assert len(page) <= 4
        seen += page
        link = response.headers.get("Link")
        if link is None:
            break
        assert link.endswith('>; rel="next"')
        url = link[1 : link.index(">")]
        assert len(page) == 4
    assert seen == sorted(TAGS)


def test_last_is_exclusive(client: httpx.Client, tagged: str) -> None:
    ordered = sorted(TAGS)
    response = client.get(f"/v2/{tagged}/tags/list", params={"last": ordered[2], "n": 2})
    assert response.json()["tags"] == ordered[3:5]
    response = client.get(f"/v2/{tagged}/tags/list", params={"last": ordered[-1]})
    assert response.json()["tags"] == []


def test_n_zero_is_empty_without_link(client: httpx.Client, tagged: str) -> None:
    response = client.get(f"/v2/{tagged}/tags/list", params={"n": 0})
    assert response.status_code == 200
    assert response.json()["tags"] == []
    assert "Link" not in response.headers


@pytest.mark.parametrize("n", ["-1", "abc", "1.5", "99999999999"])
def test_bad_n_is_400(client: httpx.Client, tagged: str, n: str) -> None:
    response = client.get(f"/v2/{tagged}/tags/list", params={"n": n})
    assert response.status_code == 400
    assert error_code(response) == "PAGINATION_NUMBER_INVALID"


def test_tags_of_unknown_repository_is_name_unknown(client: httpx.Client) -> None:
    response = client.get(f"/v2/{unique_repository()}/tags/list")
    assert response.status_code == 404
    assert error_code(response) == "NAME_UNKNOWN"


def test_catalog_pages_through_every_repository(client: httpx.Client) -> None:
    mine = sorted(unique_repository("catalog") for _ in range(5))
    for repository in mine:
        push_image(client, repository, make_image(layers=1, layer_size=16))
    names: list[str] = []
    url = "/v2/_catalog?n=2"
    while True:
        response = client.get(url)
        assert response.status_code == 200
        names += response.json()["repositories"]
        link = response.headers.get("Link")
        if link is None:
            break
        url = link[1 : link.index(">")]
    assert names == sorted(names)
    assert set(mine) <= set(names)
    assert len(names) == len(set(names))
