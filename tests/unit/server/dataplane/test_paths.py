from __future__ import annotations

import pytest

from cerulean.server.dataplane.paths import Endpoint, PathMatch, match_path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/v2/", PathMatch(Endpoint.BASE)),
        ("/v2", PathMatch(Endpoint.BASE)),
        ("/v2/_catalog", PathMatch(Endpoint.CATALOG)),
        ("/v2/a/b/tags/list", PathMatch(Endpoint.TAGS, "a/b")),
        ("/v2/a/manifests/latest", PathMatch(Endpoint.MANIFEST, "a", "latest")),
        ("/v2/x/manifests/y/manifests/z", PathMatch(Endpoint.MANIFEST, "x/manifests/y", "z")),
        ("/v2/a/blobs/sha256:00", PathMatch(Endpoint.BLOB, "a", "sha256:00")),
        ("/v2/a/blobs/uploads/", PathMatch(Endpoint.UPLOADS, "a")),
        ("/v2/a/blobs/uploads", PathMatch(Endpoint.UPLOADS, "a")),
        ("/v2/a/blobs/uploads/abc", PathMatch(Endpoint.UPLOAD, "a", "abc")),
        ("/v2/a/blobs/uploads/blobs/d", PathMatch(Endpoint.BLOB, "a/blobs/uploads", "d")),
        ("/v2/a/referrers/sha256:1", PathMatch(Endpoint.REFERRERS, "a", "sha256:1")),
        ("/acr/v1/_catalog", PathMatch(Endpoint.ACR_CATALOG)),
        ("/acr/v1/a/b", PathMatch(Endpoint.ACR_REPOSITORY, "a/b")),
        ("/acr/v1/a/b/_tags", PathMatch(Endpoint.ACR_TAGS, "a/b")),
        ("/acr/v1/a/_tags/v1", PathMatch(Endpoint.ACR_TAG, "a", "v1")),
        ("/acr/v1/a/_manifests", PathMatch(Endpoint.ACR_MANIFESTS, "a")),
        ("/acr/v1/a/_manifests/sha256:1", PathMatch(Endpoint.ACR_MANIFEST, "a", "sha256:1")),
    ],
)
def test_paths(path: str, expected: PathMatch) -> None:
    assert match_path(path) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/v3/",
        "/v2/a",
        "/v2/a/unknown/x",
        "/v2/manifests/x",
        "/v2/tags/list",
        "/acr/v2/a",
        "/v2/blobs/uploads/",
    ],
)
def test_not_data_plane(path: str) -> None:
    assert match_path(path) is None
