"""The one renderer per protocol. Today: OCI errors for the data plane.

Domain code raises typed errors (`cerulean.registry.errors`); this module is the only place that turns
them into bytes. Anything unexpected becomes an opaque 500 that names only the correlation id.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from starlette.responses import Response

from cerulean.registry.errors import RegistryError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["EndpointUnknownError", "internal_error", "oci_error", "oci_error_body"]


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
