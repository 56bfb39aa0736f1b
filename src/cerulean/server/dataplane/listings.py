"""``/v2/_catalog`` and ``/v2/<name>/tags/list``, paginated with ``n``, ``last`` and a ``Link`` header."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final
from urllib.parse import urlencode

from cerulean.registry.errors import PaginationNumberInvalidError
from cerulean.server.bodies import json_response

if TYPE_CHECKING:
    from collections.abc import Mapping

    from starlette.responses import Response

    from cerulean.server.dataplane.context import RequestContext

__all__ = ["MAX_PAGE", "catalog", "list_tags", "next_link", "page_size"]

MAX_PAGE: Final = 1000
_MAX_N_DIGITS: Final = 9  # keeps int() cheap; anything larger is capped anyway
# Without `n` the spec wants the whole list; this bounds one response and pages beyond it.
_UNBOUNDED_PAGE: Final = 10_000


def page_size(query: Mapping[str, str], *, default: int = _UNBOUNDED_PAGE) -> int:
    """The ``n`` parameter: absent → `default`; above `MAX_PAGE` (when given) → capped with a Link."""
    text = query.get("n")
    if text is None or text == "":
        return default
    if not text.isdigit() or len(text) > _MAX_N_DIGITS:
        raise PaginationNumberInvalidError(detail={"n": text[:32]})
    return min(int(text), MAX_PAGE)


def next_link(path: str, params: Mapping[str, str]) -> str:
    """An RFC 5988 ``Link`` to the next page."""
    return f'<{path}?{urlencode(params)}>; rel="next"'


def _json(document: object, headers: dict[str, str]) -> Response:
    return json_response(document, headers=headers, media_type="application/json")


async def list_tags(ctx: RequestContext) -> Response:
    """The repository's tags in byte order."""
    query = ctx.request.query_params
    limit = page_size(query)
    last = query.get("last") or None
    if limit == 0:
        await ctx.registry.content.tag_names(ctx.name, last, 0)  # still 404 for unknown names
        return _json({"name": ctx.name, "tags": []}, {})
    page = await ctx.registry.content.tag_names(ctx.name, last, limit)
    headers = {}
    if page.has_more and page.items:
        headers["Link"] = next_link(f"/v2/{ctx.name}/tags/list", {"n": str(limit), "last": page.items[-1]})
    return _json({"name": ctx.name, "tags": list(page.items)}, headers)


async def catalog(ctx: RequestContext) -> Response:
    """Repository names in byte order."""
    query = ctx.request.query_params
    limit = page_size(query, default=MAX_PAGE)
    last = query.get("last") or None
    if limit == 0:
        return _json({"repositories": []}, {})
    page = await ctx.registry.content.catalog(last, limit)
    headers = {}
    if page.has_more and page.items:
        headers["Link"] = next_link("/v2/_catalog", {"n": str(limit), "last": page.items[-1]})
    return _json({"repositories": list(page.items)}, headers)
