"""The data plane's one route table: every (endpoint, method) with its handler and required access.

A route missing here does not exist; `tests/unit/server/dataplane/test_routes.py` proves that every
endpoint has an entry for each method it serves and that each entry declares its access.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from starlette.responses import Response

from cerulean.server.dataplane import acr, blobs, listings, manifests, uploads
from cerulean.server.dataplane.access import RequiredAccess
from cerulean.server.dataplane.paths import Endpoint

if TYPE_CHECKING:
    from cerulean.server.dataplane.context import RequestContext

__all__ = ["ROUTES", "Handler", "Route"]

Handler = Callable[["RequestContext"], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class Route:
    """A handler, the access it needs (None: only authentication, as on ``GET /v2/``), its name."""

    handler: Handler
    access: RequiredAccess | None
    operation: str


async def _base(_ctx: RequestContext) -> Response:
    return Response(b"{}", media_type="application/json")


_PULL: Final = RequiredAccess.repository("pull")
_PUSH: Final = RequiredAccess.repository("push", challenge=("pull", "push"))
_DELETE: Final = RequiredAccess.repository("delete")
# Removing a tag is ACR's untag operation; clients ask for it with the `delete` scope (the token
# service adds `untag` to a `delete` grant when the caller may untag).
_UNTAG: Final = RequiredAccess.repository("untag", challenge=("delete",))
_META_READ: Final = RequiredAccess.repository("metadata_read")
_META_WRITE: Final = RequiredAccess.repository("metadata_write")
_TAG_LIST: Final = RequiredAccess.repository("pull", alternative=("metadata_read",))
_CATALOG: Final = RequiredAccess.catalog()

ROUTES: Final[Mapping[tuple[Endpoint, str], Route]] = {
    (Endpoint.BASE, "GET"): Route(_base, None, "registry.check"),
    (Endpoint.BASE, "HEAD"): Route(_base, None, "registry.check"),
    (Endpoint.CATALOG, "GET"): Route(listings.catalog, _CATALOG, "catalog.list"),
    (Endpoint.TAGS, "GET"): Route(listings.list_tags, _TAG_LIST, "tags.list"),
    (Endpoint.MANIFEST, "GET"): Route(manifests.get_manifest, _PULL, "manifest.pull"),
    (Endpoint.MANIFEST, "HEAD"): Route(manifests.head_manifest, _PULL, "manifest.head"),
    (Endpoint.MANIFEST, "PUT"): Route(manifests.put_manifest, _PUSH, "manifest.push"),
    (Endpoint.MANIFEST, "DELETE"): Route(manifests.delete_manifest, _DELETE, "manifest.delete"),
    (Endpoint.BLOB, "GET"): Route(blobs.get_blob, _PULL, "blob.pull"),
    (Endpoint.BLOB, "HEAD"): Route(blobs.head_blob, _PULL, "blob.head"),
    (Endpoint.BLOB, "DELETE"): Route(blobs.delete_blob, _DELETE, "blob.delete"),
    # A mount also needs pull on its source repository; the dispatcher adds that need.
    (Endpoint.UPLOADS, "POST"): Route(uploads.start_upload, _PUSH, "upload.start"),
    (Endpoint.UPLOAD, "GET"): Route(uploads.upload_status, _PUSH, "upload.status"),
    (Endpoint.UPLOAD, "PATCH"): Route(uploads.patch_upload, _PUSH, "upload.chunk"),
    (Endpoint.UPLOAD, "PUT"): Route(uploads.finish_upload, _PUSH, "upload.finish"),
    (Endpoint.UPLOAD, "DELETE"): Route(uploads.cancel_upload, _PUSH, "upload.cancel"),
    (Endpoint.REFERRERS, "GET"): Route(manifests.get_referrers, _PULL, "referrers.list"),
    (Endpoint.ACR_CATALOG, "GET"): Route(acr.catalog, _CATALOG, "acr.catalog"),
    (Endpoint.ACR_REPOSITORY, "GET"): Route(acr.get_repository, _META_READ, "acr.repository.get"),
    (Endpoint.ACR_REPOSITORY, "PATCH"): Route(acr.update_repository, _META_WRITE, "acr.repository.update"),
    (Endpoint.ACR_REPOSITORY, "DELETE"): Route(acr.delete_repository, _DELETE, "acr.repository.delete"),
    (Endpoint.ACR_TAGS, "GET"): Route(acr.list_tags, _META_READ, "acr.tags.list"),
    (Endpoint.ACR_TAG, "GET"): Route(acr.get_tag, _META_READ, "acr.tag.get"),
    (Endpoint.ACR_TAG, "PATCH"): Route(acr.update_tag, _META_WRITE, "acr.tag.update"),
    (Endpoint.ACR_TAG, "DELETE"): Route(acr.delete_tag, _UNTAG, "acr.tag.delete"),
    (Endpoint.ACR_MANIFESTS, "GET"): Route(acr.list_manifests, _META_READ, "acr.manifests.list"),
    (Endpoint.ACR_MANIFEST, "GET"): Route(acr.get_manifest, _META_READ, "acr.manifest.get"),
    (Endpoint.ACR_MANIFEST, "PATCH"): Route(acr.update_manifest, _META_WRITE, "acr.manifest.update"),
}
