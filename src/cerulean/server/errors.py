"""The one renderer per protocol: OCI errors (data plane), Entra's OAuth2 errors (identity provider).

Domain code raises typed errors (`cerulean.registry.errors`); this module is the only place that turns
them into bytes. Anything unexpected becomes an opaque 500 that names only the correlation id.
"""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING

from starlette.responses import Response

from cerulean.registry.errors import RegistryError

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping

    from cerulean.identity.errors import EntraError

__all__ = ["EndpointUnknownError", "entra_error", "internal_error", "oci_error", "oci_error_body"]


class EndpointUnknownError(RegistryError):
    """A path that names no data-plane endpoint."""

    code = "UNSUPPORTED"
    status = 404
    default_message = "no such endpoint"


def oci_error_body(code: str, message: str, detail: object = None) -> bytes:
    """``{"errors": [{"code", "message", "detail"}]}`` as compact JSON."""
    error: dict[str, object] = {"code": code, "message": message}
    if detail is not None:
        error["detail"] = detail
    return json.dumps({"errors": [error]}, separators=(",", ":")).encode()


def oci_error(error: RegistryError, headers: Mapping[str, str] | None = None) -> Response:
    """Render a registry error with its status and any headers it carries."""
    merged = {**error.headers, **(headers or {})}
    return Response(
        oci_error_body(error.code, error.message, error.detail),
        status_code=error.status,
        media_type="application/json; charset=utf-8",
        headers=merged,
    )


def internal_error(correlation_id: str) -> Response:
    """A 500 that reveals nothing but the id to quote when reporting it."""
    return Response(
        oci_error_body(
            "UNKNOWN",
            "internal server error",
            {"correlationId": correlation_id},
        ),
        status_code=500,
        media_type="application/json; charset=utf-8",
    )


def entra_error(error: EntraError, correlation_id: str, now: dt.datetime) -> Response:
    """Entra's error body: `error`, a description ending in trace and correlation ids, `error_codes`."""
    trace_id = str(uuid.uuid4())
    stamp = now.strftime("%Y-%m-%d %H:%M:%SZ")
    body = {
        "error": error.error,
        "error_description": (
            f"{error.description}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}"
            f"\r\nTimestamp: {stamp}"
        ),
        "error_codes": [error.code],
        "timestamp": stamp,
        "trace_id": trace_id,
        "correlation_id": correlation_id,
        "error_uri": f"https://login.microsoftonline.com/error?code={error.code}",
    }
    return Response(
        json.dumps(body).encode(),
        status_code=error.status,
        media_type="application/json; charset=utf-8",
        headers={"Cache-Control": "no-store", "Pragma": "no-cache", **error.headers},
    )
