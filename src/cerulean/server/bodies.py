"""Small request and response pieces every protocol edge shares: bounded bodies and JSON answers."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from starlette.responses import Response

if TYPE_CHECKING:
    from starlette.requests import Request

__all__ = ["json_response", "read_bounded"]


async def read_bounded(request: Request, limit: int) -> bytes | None:
    """The whole body, or None once it exceeds `limit` bytes (each edge refuses in its own format)."""
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def json_response(
    document: object,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    media_type: str = "application/json; charset=utf-8",
) -> Response:
    """`document` as compact JSON."""
    return Response(
        json.dumps(document, separators=(",", ":")).encode(),
        status_code=status,
        media_type=media_type,
        headers=headers,
    )
