"""``/v2/<name>/blobs/uploads/[<id>]``: start, mount, monolithic, chunked, status, finish, cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from cerulean.core.names import is_valid_name
from cerulean.registry.content import parse_digest
from cerulean.registry.errors import (
    BlobUnknownError,
    DigestInvalidError,
    NameInvalidError,
    RangeInvalidError,
)
from cerulean.server.dataplane.ranges import parse_content_range

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from cerulean.registry.models import UploadSession
    from cerulean.server.dataplane.context import RequestContext

__all__ = [
    "cancel_upload",
    "finish_upload",
    "patch_upload",
    "start_upload",
    "upload_status",
]


def _upload_location(name: str, upload_id: str) -> str:
    return f"/v2/{name}/blobs/uploads/{upload_id}"


def _progress(name: str, session: UploadSession, status: int) -> Response:
    return Response(
        status_code=status,
        headers={
            "Location": _upload_location(name, session.id),
            "Range": f"0-{max(session.size - 1, 0)}",
            "Docker-Upload-UUID": session.id,
            "Content-Length": "0",
        },
    )


def _created(name: str, digest: str) -> Response:
    return Response(
        status_code=201,
        headers={
            "Location": f"/v2/{name}/blobs/{digest}",
            "Docker-Content-Digest": digest,
            "Content-Length": "0",
        },
    )


def _has_body(ctx: RequestContext) -> bool:
    headers = ctx.request.headers
    length = headers.get("content-length")
    if length is not None:
        return length.strip() not in {"", "0"}
    return "chunked" in headers.get("transfer-encoding", "").lower()


def _body(ctx: RequestContext) -> AsyncIterator[bytes]:
    return ctx.request.stream()


async def start_upload(ctx: RequestContext) -> Response:
    """POST: mount (``mount``+``from``), single-request upload (``digest``), or a new session."""
    query = ctx.request.query_params
    uploads = ctx.registry.uploads
    mount = query.get("mount")
    if mount is not None:
        digest = parse_digest(mount)
        source = query.get("from")
        if source is not None and not is_valid_name(source):
            raise NameInvalidError(detail={"from": source[:256]})
        if source is not None:
            try:
                await uploads.mount(ctx.name, digest, source)
            except BlobUnknownError:
                pass  # the spec's answer: start an ordinary upload instead
            else:
                return _created(ctx.name, str(digest))
    digest_text = query.get("digest")
    if digest_text is not None and mount is None:
        digest = parse_digest(digest_text)
        blob = await uploads.upload_whole(ctx.name, digest, _body(ctx))
        return _created(ctx.name, str(blob.digest))
    session = await uploads.start(ctx.name, query.get("digest-algorithm", "sha256"))
    return _progress(ctx.name, session, 202)


async def upload_status(ctx: RequestContext) -> Response:
    """GET: where the upload stands (204 with Range)."""
    session = await ctx.registry.uploads.status(ctx.name, ctx.match.argument)
    return _progress(ctx.name, session, 204)


async def patch_upload(ctx: RequestContext) -> Response:
    """PATCH: append a chunk (in order, or 416)."""
    chunk_range = parse_content_range(ctx.request.headers.get("content-range"))
    try:
        session = await ctx.registry.uploads.append(ctx.name, ctx.match.argument, _body(ctx), chunk_range)
    except RangeInvalidError as exc:
        exc.headers["Location"] = _upload_location(ctx.name, ctx.match.argument)
        raise
    return _progress(ctx.name, session, 202)


async def finish_upload(ctx: RequestContext) -> Response:
    """PUT ?digest=: optional last chunk, then verify and commit."""
    digest_text = ctx.request.query_params.get("digest")
    if digest_text is None:
        raise DigestInvalidError("the digest query parameter is required")
    digest = parse_digest(digest_text)
    chunk_range = parse_content_range(ctx.request.headers.get("content-range"))
    body = _body(ctx) if _has_body(ctx) else None
    try:
        blob = await ctx.registry.uploads.complete(ctx.name, ctx.match.argument, digest, body, chunk_range)
    except RangeInvalidError as exc:
        exc.headers["Location"] = _upload_location(ctx.name, ctx.match.argument)
        raise
    return _created(ctx.name, str(blob.digest))


async def cancel_upload(ctx: RequestContext) -> Response:
    """DELETE: abandon the upload."""
    await ctx.registry.uploads.cancel(ctx.name, ctx.match.argument)
    return Response(status_code=204)
