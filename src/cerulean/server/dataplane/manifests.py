"""``/v2/<name>/manifests/<reference>`` and ``/v2/<name>/referrers/<digest>``."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from starlette.responses import Response

from cerulean.registry import mediatypes as mt
from cerulean.registry.content import parse_digest, parse_reference
from cerulean.registry.errors import ManifestTooLargeError
from cerulean.server.bodies import read_bounded

if TYPE_CHECKING:
    from cerulean.core.digests import Digest
    from cerulean.registry.models import ManifestRecord
    from cerulean.server.dataplane.context import RequestContext

__all__ = ["delete_manifest", "get_manifest", "get_referrers", "head_manifest", "put_manifest"]


class _ManifestResponse(Response):
    """A manifest with its headers encoded once per manifest, not once per request (the hot path)."""

    def __init__(self, record: ManifestRecord, *, with_body: bool) -> None:
        self.status_code = 200
        self.background = None
        self.body = record.payload if with_body else b""
        self.raw_headers = list(_encoded_headers(record.digest, record.media_type, record.size))
        self.audited = (str(record.digest), record.media_type[:256], record.size)  # for the audit record


@functools.lru_cache(maxsize=4096)
def _encoded_headers(digest: Digest, media_type: str, size: int) -> tuple[tuple[bytes, bytes], ...]:
    text = str(digest).encode()
    return (
        (b"content-length", str(size).encode()),
        (b"content-type", media_type.encode("latin-1")),
        (b"docker-content-digest", text),
        (b"etag", b'"' + text + b'"'),
    )


async def get_manifest(ctx: RequestContext) -> Response:
    """The manifest's exact bytes, with the media type it was pushed with."""
    record = await ctx.registry.content.manifest(ctx.name, parse_reference(ctx.match.argument))
    return _ManifestResponse(record, with_body=True)


async def head_manifest(ctx: RequestContext) -> Response:
    """Headers only: digest, type and size."""
    record = await ctx.registry.content.manifest(ctx.name, parse_reference(ctx.match.argument))
    return _ManifestResponse(record, with_body=False)


async def put_manifest(ctx: RequestContext) -> Response:
    """Store a manifest by tag or digest (and ``?tag=`` extra tags on a digest push)."""
    limit = ctx.registry.content.max_manifest_bytes
    declared = ctx.request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ManifestTooLargeError(f"manifest exceeds {limit} bytes")
    body = await read_bounded(ctx.request, limit)
    if body is None:
        raise ManifestTooLargeError(f"manifest exceeds {limit} bytes")
    reference = parse_reference(ctx.match.argument)
    pushed = await ctx.registry.content.put_manifest(
        ctx.name,
        reference,
        body,
        ctx.request.headers.get("content-type"),
        ctx.request.query_params.getlist("tag"),
    )
    headers = {
        "Location": f"/v2/{ctx.name}/manifests/{pushed.digest}",
        "Docker-Content-Digest": str(pushed.digest),
        "Content-Length": "0",
    }
    if pushed.subject is not None:
        headers["OCI-Subject"] = str(pushed.subject)
    response = Response(status_code=201, headers=headers)
    if pushed.tags and not isinstance(reference, str):
        response.headers["OCI-Tag"] = ", ".join(pushed.tags)
    return response


async def delete_manifest(ctx: RequestContext) -> Response:
    """Delete a manifest by digest, or a tag by name."""
    await ctx.registry.content.delete_manifest(ctx.name, parse_reference(ctx.match.argument))
    return Response(status_code=202, headers={"Content-Length": "0"})


async def get_referrers(ctx: RequestContext) -> Response:
    """An OCI image index of the manifests whose subject is the digest."""
    subject = parse_digest(ctx.match.argument)
    artifact_type = ctx.request.query_params.get("artifactType") or None
    referrers = await ctx.registry.content.referrers(ctx.name, subject, artifact_type)
    headers = {"OCI-Filters-Applied": "artifactType"} if referrers.filtered else {}
    return Response(referrers.index, media_type=mt.OCI_INDEX, headers=headers)
