"""Pure ASGI middleware (no BaseHTTPMiddleware: bodies stream through untouched).

Order, outermost first (see `cerulean.server.app.build_app`):
1. `ResponseHeaders`: a fresh ``X-Ms-Correlation-Request-Id`` on every response (ACR's header) plus
   the fixed headers every ACR response carries.
2. `Observe`: Prometheus counts and latency, and one access-log line per request.
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from cerulean.server.metrics import Metrics

__all__ = ["Observe", "ResponseHeaders"]

_access_log = structlog.get_logger("cerulean.access")
_VERSION_4 = 0x4000 << 64 | 0x8000 << 48  # the version and variant bits of a random UUID
_CLEAR = ~(0xF000 << 64 | 0xC000 << 48)


def _correlation_id() -> str:
    """A random (version 4) GUID, as ACR's ids are; not a secret, so the fast generator will do."""
    h = f"{random.getrandbits(128) & _CLEAR | _VERSION_4:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class ResponseHeaders:
    """Adds the correlation id and the fixed headers."""

    def __init__(self, app: ASGIApp, *, tls: bool) -> None:
        self._app = app
        fixed = [
            (b"docker-distribution-api-version", b"registry/2.0"),
            (b"x-content-type-options", b"nosniff"),
        ]
        if tls:
            fixed.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
        self._fixed = fixed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Tag the request and its response."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        correlation_id = _correlation_id()
        scope.setdefault("state", {})["correlation_id"] = correlation_id
        extra = [*self._fixed, (b"x-ms-correlation-request-id", correlation_id.encode())]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), *extra]
            await send(message)

        await self._app(scope, receive, send_with_headers)


class Observe:
    """Counts, times and logs each request once its response is complete."""

    def __init__(self, app: ASGIApp, metrics: Metrics, *, access_log: bool) -> None:
        self._app = app
        self._metrics = metrics
        self._access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Measure one request."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self._app(scope, receive, send_observed)
        finally:
            elapsed = time.perf_counter() - started
            state = scope.get("state", {})
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
                    correlation_id=state.get("correlation_id"),
                )
