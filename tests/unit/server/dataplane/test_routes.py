"""Every route declares the access it needs, in the one table."""

from __future__ import annotations

from cerulean.server.dataplane.paths import Endpoint
from cerulean.server.dataplane.routes import ROUTES

EXPECTED_METHODS = {
    Endpoint.BASE: {"GET", "HEAD"},
    Endpoint.CATALOG: {"GET"},
    Endpoint.TAGS: {"GET"},
    Endpoint.MANIFEST: {"GET", "HEAD", "PUT", "DELETE"},
    Endpoint.BLOB: {"GET", "HEAD", "DELETE"},
    Endpoint.UPLOADS: {"POST"},
    Endpoint.UPLOAD: {"GET", "PATCH", "PUT", "DELETE"},
    Endpoint.REFERRERS: {"GET"},
    Endpoint.ACR_CATALOG: {"GET"},
    Endpoint.ACR_REPOSITORY: {"GET", "PATCH", "DELETE"},
    Endpoint.ACR_TAGS: {"GET"},
    Endpoint.ACR_TAG: {"GET", "PATCH", "DELETE"},
    Endpoint.ACR_MANIFESTS: {"GET"},
    Endpoint.ACR_MANIFEST: {"GET", "PATCH"},
}

REPOSITORY_ACTIONS = {"pull", "push", "delete", "untag", "metadata_read", "metadata_write"}


def test_every_endpoint_serves_exactly_its_methods() -> None:
    for endpoint in Endpoint:
        served = {method for (e, method) in ROUTES if e is endpoint}
        assert served == EXPECTED_METHODS[endpoint], endpoint


def test_every_route_declares_its_access() -> None:
    for (endpoint, method), route in ROUTES.items():
        if endpoint is Endpoint.BASE:
            assert route.access is None  # authentication only, no scope
            continue
        assert route.access is not None, (endpoint, method)
        if endpoint in {Endpoint.CATALOG, Endpoint.ACR_CATALOG}:
            assert (route.access.resource_type, route.access.actions) == (
                "registry",
                frozenset({"*"}),
            )
        else:
            assert route.access.resource_type == "repository"
            assert route.access.actions <= REPOSITORY_ACTIONS
            assert route.access.challenge


def test_reads_need_pull_writes_push_deletes_delete() -> None:
    def actions(endpoint: Endpoint, method: str) -> frozenset[str]:
        access = ROUTES[endpoint, method].access
        assert access is not None
        return access.actions

    assert actions(Endpoint.MANIFEST, "GET") == {"pull"}
    assert actions(Endpoint.BLOB, "HEAD") == {"pull"}
    assert actions(Endpoint.MANIFEST, "PUT") == {"push"}
    assert ROUTES[Endpoint.MANIFEST, "PUT"].access.challenge == ("pull", "push")  # type: ignore[union-attr]
    for method in ("GET", "PATCH", "PUT", "DELETE"):
        assert actions(Endpoint.UPLOAD, method) == {"push"}
    assert actions(Endpoint.MANIFEST, "DELETE") == {"delete"}
    assert actions(Endpoint.ACR_TAG, "DELETE") == {"untag"}
    assert ROUTES[Endpoint.ACR_TAG, "DELETE"].access.challenge == ("delete",)  # type: ignore[union-attr]
    assert actions(Endpoint.ACR_TAG, "PATCH") == {"metadata_write"}
    assert actions(Endpoint.ACR_MANIFESTS, "GET") == {"metadata_read"}
    tags = ROUTES[Endpoint.TAGS, "GET"].access
    assert tags is not None
    assert tags.alternative == {"metadata_read"}
