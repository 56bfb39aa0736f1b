"""``/v2/<name>/blobs/<digest>``: GET (with ranges), HEAD, DELETE."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from starlette.responses import Response, StreamingResponse

from cerulean.registry.content import parse_digest
from cerulean.server.dataplane.ranges import Unsatisfiable, parse_range

if TYPE_CHECKING:
    from cerulean.server.dataplane.context import RequestContext

__all__ = ["delete_blob", "get_blob", "head_blob"]

# Content-addressed bytes never change: caches may keep them for a year.
_IMMUTABLE: Final = "max-age=31536000, immutable"


def _headers(digest: str, length: int) -> dict[str, str]:
    return {
        "Content-Length": str(length),
        "Docker-Content-Digest": digest,
        "ETag": f'"{digest}"',
        "Cache-Control": _IMMUTABLE,
        "Accept-Ranges": "bytes",
    }


async def head_blob(ctx: RequestContext) -> Response:
    """Whether the repository has the blob, and its size."""
    digest = parse_digest(ctx.match.argument)
    blob = await ctx.registry.content.blob(ctx.name, digest)
    return Response(
        status_code=200,
        media_type="application/octet-stream",
        headers=_headers(str(digest), blob.size),
    )


async def get_blob(ctx: RequestContext) -> Response:
    """The blob's bytes, whole or the one range asked for."""
    digest = parse_digest(ctx.match.argument)
    content = ctx.registry.content
    blob = await content.blob(ctx.name, digest)
    headers = _headers(str(digest), blob.size)
    if ctx.request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers={k: v for k, v in headers.items() if k != "Content-Length"})
    try:
        wanted = parse_range(ctx.request.headers.get("range"), blob.size)
    except Unsatisfiable:
        return Response(
            status_code=416,
            headers={"Content-Range": f"bytes */{blob.size}", "Docker-Content-Digest": str(digest)},
        )
    redirect = await content.blob_redirect(digest)
    if redirect is not None:  # an object store serves the bytes; the client follows
        return Response(status_code=307, headers={"Location": redirect, "Docker-Content-Digest": str(digest)})
    if wanted is None:
        return StreamingResponse(
            content.read_blob(digest, 0, blob.size),
            media_type="application/octet-stream",
            headers=headers,
        )
    first, last = wanted
    headers["Content-Length"] = str(last - first + 1)
    headers["Content-Range"] = f"bytes {first}-{last}/{blob.size}"
    return StreamingResponse(
        content.read_blob(digest, first, last - first + 1),
        status_code=206,
        media_type="application/octet-stream",
        headers=headers,
    )


async def delete_blob(ctx: RequestContext) -> Response:
    """Unlink the blob from the repository."""
    digest = parse_digest(ctx.match.argument)
    await ctx.registry.content.delete_blob(ctx.name, digest)
    return Response(status_code=202, headers={"Docker-Content-Digest": str(digest), "Content-Length": "0"})
