"""The envelope of every request: pure ASGI (no BaseHTTPMiddleware, so bodies stream untouched).

`Envelope` does, in one pass because it wraps every request on the hot path:
* a fresh ``X-Ms-Correlation-Request-Id`` (ACR's header) on the request's state and its response, plus
  the fixed headers every ACR response carries;
* Prometheus counts and latency by operation, and one access-log line per request (when enabled).
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from cerulean.server.metrics import Metrics

__all__ = ["Envelope"]

_access_log = structlog.get_logger("cerulean.access")
_VERSION_4 = 0x4000 << 64 | 0x8000 << 48  # the version and variant bits of a random UUID
_CLEAR = ~(0xF000 << 64 | 0xC000 << 48)


def _correlation_id() -> str:
    """A random (version 4) GUID, as ACR's ids are; not a secret, so the fast generator will do."""
    h = f"{random.getrandbits(128) & _CLEAR | _VERSION_4:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Envelope:
    """Correlation id, fixed headers, metrics and the access log."""

    def __init__(self, app: ASGIApp, metrics: Metrics, *, tls: bool, access_log: bool) -> None:
        self._app = app
        self._metrics = metrics
        self._access_log = access_log
        fixed = [
            (b"docker-distribution-api-version", b"registry/2.0"),
            (b"x-content-type-options", b"nosniff"),
        ]
        if tls:
            fixed.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        self._fixed = tuple(fixed)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Tag, time and count one request."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        correlation_id = _correlation_id()
        state = scope.setdefault("state", {})
        state["correlation_id"] = correlation_id
        extra = (*self._fixed, (b"x-ms-correlation-request-id", correlation_id.encode()))
        status = 500

        async def send_enveloped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        try:
            await self._app(scope, receive, send_enveloped)
        finally:
            elapsed = time.perf_counter() - started
            operation = state.get("operation", "other")
            self._metrics.observe(operation, scope["method"], status, elapsed)
            if self._access_log:
                _access_log.info(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    operation=operation,
                    duration_ms=round(elapsed * 1000, 3),
                    client=(scope.get("client") or ("", 0))[0],
                    correlation_id=correlation_id,
                )
