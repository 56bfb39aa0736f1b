"""The ASGI applications: the main listener and the admin listener.

Main listener, outermost first: `Envelope` (correlation id, headers, metrics, access log) → prefix
dispatch → `DataPlane`
(``/v2/``, ``/acr/v1/``). Later pipeline stages (network gate, token service, management plane) are
added here, in this order, as their issues land.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response

from cerulean.server.dataplane.access import OpenGate
from cerulean.server.dataplane.app import DataPlane
from cerulean.server.errors import EndpointUnknownError, oci_error
from cerulean.server.middleware import Envelope

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from cerulean.registry.service import RegistryService
    from cerulean.server.dataplane.access import AccessGate
    from cerulean.server.metrics import Metrics

__all__ = ["build_admin_app", "build_app"]


class _Dispatch:
    """Routes by path prefix to the component that owns it."""

    def __init__(self, dataplane: ASGIApp) -> None:
        self._dataplane = dataplane

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path.startswith(("/v2/", "/acr/v1/")) or path == "/v2":
            await self._dataplane(scope, receive, send)
            return
        await oci_error(EndpointUnknownError())(scope, receive, send)


def build_app(
    registry: RegistryService,
    metrics: Metrics,
    *,
    login_server: str,
    tls: bool,
    access_log: bool,
    gate: AccessGate | None = None,
) -> ASGIApp:
    """The main listener's application."""
    dataplane = DataPlane(registry, gate or OpenGate(), login_server)
    return Envelope(_Dispatch(dataplane), metrics, tls=tls, access_log=access_log)


def build_admin_app(metrics: Metrics) -> ASGIApp:
    """The admin listener: ``/metrics`` (Prometheus) and ``/healthz``."""

    async def admin(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/metrics":
            response = Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)
        elif scope["path"] == "/healthz":
            response = Response(b"ok\n", media_type="text/plain")
        else:
            response = Response(b"not found\n", status_code=404, media_type="text/plain")
        await response(scope, receive, send)

    return admin
