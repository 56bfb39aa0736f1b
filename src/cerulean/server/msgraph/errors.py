"""Microsoft Graph's error shape: ``{"error": {"code", "message", ["details",] "innerError": {...}}}``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from starlette.responses import Response

if TYPE_CHECKING:
    import datetime as dt

__all__ = ["GraphError", "graph_error"]


class GraphError(Exception):
    """A refusal with Graph's status, code and message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        details: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}
        self.details = details or []

    @classmethod
    def bad_request(cls, message: str) -> GraphError:
        """400 Request_BadRequest."""
        return cls(400, "Request_BadRequest", message)

    @classmethod
    def not_found(cls, object_id: str) -> GraphError:
        """404 Request_ResourceNotFound."""
        return cls(
            404,
            "Request_ResourceNotFound",
            f"Resource '{object_id[:100]}' does not exist or one of its queried reference-property objects "
            "are not present.",
        )

    @classmethod
    def denied(cls) -> GraphError:
        """403 Authorization_RequestDenied."""
        return cls(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")


def graph_error(error: GraphError, request_id: str, client_request_id: str, now: dt.datetime) -> Response:
    """Render a Graph error."""
    inner = {
        "date": now.strftime("%Y-%m-%dT%H:%M:%S"),
        "request-id": request_id,
        "client-request-id": client_request_id or request_id,
    }
    shown: dict[str, object] = {"code": error.code, "message": error.message}
    if error.details:
        shown["details"] = error.details
    body = {"error": {**shown, "innerError": inner}}
    return Response(
        json.dumps(body).encode(),
        status_code=error.status,
        media_type="application/json",
        headers={"request-id": request_id, **error.headers},
    )
