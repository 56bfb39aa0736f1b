"""ACR's metadata API (``/acr/v1/``) in the wire shapes the Azure SDKs deserialize (SPEC-DP)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Final

from starlette.responses import Response

from cerulean.registry.content import parse_digest
from cerulean.registry.errors import RequestInvalidError
from cerulean.registry.properties import AttributeChanges
from cerulean.server.bodies import json_response, read_bounded
from cerulean.server.dataplane.listings import MAX_PAGE, next_link, page_size

if TYPE_CHECKING:
    import datetime as dt

    from cerulean.registry.models import (
        ChangeableAttributes,
        ManifestRecord,
        Reference,
        RepositoryRecord,
        TagRecord,
    )
    from cerulean.server.dataplane.context import RequestContext

__all__ = [
    "catalog",
    "delete_repository",
    "delete_tag",
    "get_manifest",
    "get_repository",
    "get_tag",
    "list_manifests",
    "list_tags",
    "update_manifest",
    "update_repository",
    "update_tag",
]

_ORDERS: Final = frozenset({"", "none", "timeasc", "timedesc"})
_SWITCHES: Final = {
    "deleteEnabled": "delete_enabled",
    "writeEnabled": "write_enabled",
    "listEnabled": "list_enabled",
    "readEnabled": "read_enabled",
}
_MAX_PATCH_BYTES: Final = 64 << 10


def _time(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _switches(attributes: ChangeableAttributes) -> dict[str, bool]:
    return {
        "deleteEnabled": attributes.delete_enabled,
        "writeEnabled": attributes.write_enabled,
        "readEnabled": attributes.read_enabled,
        "listEnabled": attributes.list_enabled,
    }


def _repository(ctx: RequestContext, record: RepositoryRecord) -> dict[str, object]:
    return {
        "registry": ctx.login_server,
        "imageName": record.name,
        "createdTime": _time(record.created_at),
        "lastUpdateTime": _time(record.updated_at),
        "manifestCount": record.manifest_count,
        "tagCount": record.tag_count,
        "changeableAttributes": _switches(record.attributes),
    }


def _tag(record: TagRecord) -> dict[str, object]:
    return {
        "name": record.name,
        "digest": str(record.digest),
        "createdTime": _time(record.created_at),
        "lastUpdateTime": _time(record.updated_at),
        "signed": False,
        "changeableAttributes": _switches(record.attributes),
    }


def _manifest(record: ManifestRecord, references: list[Reference] | None = None) -> dict[str, object]:
    document: dict[str, object] = {
        "digest": str(record.digest),
        "imageSize": record.image_size,
        "createdTime": _time(record.created_at),
        "lastUpdateTime": _time(record.updated_at),
        "mediaType": record.media_type,
        "tags": list(record.tags),
        "changeableAttributes": _switches(record.attributes),
    }
    if record.platform.architecture:
        document["architecture"] = record.platform.architecture
    if record.platform.os:
        document["os"] = record.platform.os
    if record.config_media_type:
        document["configMediaType"] = record.config_media_type
    if references:
        document["references"] = [
            {
                "digest": str(r.digest),
                **({"architecture": r.platform.architecture} if r.platform.architecture else {}),
                **({"os": r.platform.os} if r.platform.os else {}),
            }
            for r in references
        ]
    return document


async def _changes(ctx: RequestContext) -> AttributeChanges:
    body = await read_bounded(ctx.request, _MAX_PATCH_BYTES)
    if body is None:
        raise RequestInvalidError("request body too large")
    try:
        document = json.loads(body or b"{}")
    except ValueError as exc:
        raise RequestInvalidError("the body is not valid JSON") from exc
    if not isinstance(document, dict):
        raise RequestInvalidError("the body must be a JSON object")
    values: dict[str, bool] = {}
    for wire, field in _SWITCHES.items():
        value = document.get(wire)
        if value is None:
            continue
        if not isinstance(value, bool):
            raise RequestInvalidError(f"{wire} must be a boolean", detail={"field": wire})
        values[field] = value
    return AttributeChanges(**values)


def _order(ctx: RequestContext) -> str:
    order = ctx.request.query_params.get("orderby", "")
    if order not in _ORDERS:
        raise RequestInvalidError("orderby must be timeasc, timedesc or none", detail={"orderby": order[:32]})
    return order


async def catalog(ctx: RequestContext) -> Response:
    """``GET /acr/v1/_catalog``."""
    query = ctx.request.query_params
    limit = page_size(query, default=MAX_PAGE)
    last = query.get("last") or None
    page = await ctx.registry.content.catalog(last, limit) if limit else None
    headers = {}
    if page is not None and page.has_more and page.items:
        headers["Link"] = next_link("/acr/v1/_catalog", {"last": page.items[-1], "n": str(limit)})
    return json_response({"repositories": [] if page is None else list(page.items)}, headers=headers)


async def get_repository(ctx: RequestContext) -> Response:
    """``GET /acr/v1/{name}``."""
    return json_response(_repository(ctx, await ctx.registry.properties.repository(ctx.name)))


async def update_repository(ctx: RequestContext) -> Response:
    """``PATCH /acr/v1/{name}``."""
    changes = await _changes(ctx)
    return json_response(_repository(ctx, await ctx.registry.properties.update_repository(ctx.name, changes)))


async def delete_repository(ctx: RequestContext) -> Response:
    """``DELETE /acr/v1/{name}``: 202 with what was removed."""
    deleted = await ctx.registry.properties.delete_repository(ctx.name)
    return json_response(
        {
            "manifestsDeleted": [str(d) for d in deleted.manifests],
            "tagsDeleted": list(deleted.tags),
        },
        status=202,
    )


async def list_tags(ctx: RequestContext) -> Response:
    """``GET /acr/v1/{name}/_tags`` with ``n``, ``last``, ``orderby``, ``digest``."""
    query = ctx.request.query_params
    limit = page_size(query, default=100)
    order = _order(ctx)
    digest = parse_digest(query["digest"]) if query.get("digest") else None
    page = await ctx.registry.properties.tags(
        ctx.name, query.get("last") or None, limit, order or "name", digest
    )
    headers = {}
    if page.has_more and page.items:
        params = {"last": page.items[-1].name, "n": str(limit)}
        if order:
            params["orderby"] = order
        headers["Link"] = next_link(f"/acr/v1/{ctx.name}/_tags", params)
    return json_response(
        {
            "registry": ctx.login_server,
            "imageName": ctx.name,
            "tags": [_tag(t) for t in page.items],
        },
        headers=headers,
    )


async def get_tag(ctx: RequestContext) -> Response:
    """``GET /acr/v1/{name}/_tags/{tag}``."""
    record = await ctx.registry.properties.tag(ctx.name, ctx.match.argument)
    return json_response({"registry": ctx.login_server, "imageName": ctx.name, "tag": _tag(record)})


async def update_tag(ctx: RequestContext) -> Response:
    """``PATCH /acr/v1/{name}/_tags/{tag}``."""
    changes = await _changes(ctx)
    record = await ctx.registry.properties.update_tag(ctx.name, ctx.match.argument, changes)
    return json_response({"registry": ctx.login_server, "imageName": ctx.name, "tag": _tag(record)})


async def delete_tag(ctx: RequestContext) -> Response:
    """``DELETE /acr/v1/{name}/_tags/{tag}``: untag."""
    await ctx.registry.properties.delete_tag(ctx.name, ctx.match.argument)
    return Response(status_code=202, headers={"Content-Length": "0"})


async def list_manifests(ctx: RequestContext) -> Response:
    """``GET /acr/v1/{name}/_manifests`` with ``n``, ``last``, ``orderby``."""
    query = ctx.request.query_params
    limit = page_size(query, default=100)
    order = _order(ctx)
    page = await ctx.registry.properties.manifests(
        ctx.name, query.get("last") or None, limit, order or "digest"
    )
    headers = {}
    if page.has_more and page.items:
        params = {"last": str(page.items[-1].digest), "n": str(limit)}
        if order:
            params["orderby"] = order
        headers["Link"] = next_link(f"/acr/v1/{ctx.name}/_manifests", params)
    return json_response(
        {
            "registry": ctx.login_server,
            "imageName": ctx.name,
            "manifests": [_manifest(m) for m in page.items],
        },
        headers=headers,
    )


async def get_manifest(ctx: RequestContext) -> Response:
    """``GET /acr/v1/{name}/_manifests/{digest}``."""
    digest = parse_digest(ctx.match.argument)
    record, references = await ctx.registry.properties.manifest(ctx.name, digest)
    return json_response(
        {
            "registry": ctx.login_server,
            "imageName": ctx.name,
            "manifest": _manifest(record, references),
        }
    )


async def update_manifest(ctx: RequestContext) -> Response:
    """``PATCH /acr/v1/{name}/_manifests/{digest}``."""
    digest = parse_digest(ctx.match.argument)
    changes = await _changes(ctx)
    record, references = await ctx.registry.properties.update_manifest(ctx.name, digest, changes)
    return json_response(
        {
            "registry": ctx.login_server,
            "imageName": ctx.name,
            "manifest": _manifest(record, references),
        }
    )
