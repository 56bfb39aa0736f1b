"""The ASGI applications: the main listener and the admin listener.

Main listener, outermost first: `Envelope` (correlation id, headers, metrics, access log) →
`NetworkGate` (the client address behind trusted proxies; the registry's network rules for its own
endpoints, before any credential) → prefix dispatch → `DataPlane` (``/v2/``, ``/acr/v1/``, behind the
`TokenGate`), `TokenEndpoints` (``/oauth2/``), the management API (ARM paths), `GraphApi` (``/v1.0/``)
or `IdentityEndpoints` (Entra's ``/{tenant}/...`` paths and ``/devicelogin``). A private endpoint
listener serves the same application behind a `ListenerTag` naming its private endpoint. The managed
identity endpoint has its own listener.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response

from cerulean.core.clock import SystemClock
from cerulean.server.dataplane.access import OpenGate, TokenGate
from cerulean.server.dataplane.app import DataPlane
from cerulean.server.errors import EndpointUnknownError, oci_error
from cerulean.server.idp import IdentityEndpoints, is_identity_path
from cerulean.server.management import build_management_app, is_management_path
from cerulean.server.middleware import Envelope
from cerulean.server.msgraph import GraphApi
from cerulean.server.network import NetworkGate
from cerulean.server.oauth2 import TokenEndpoints

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Receive, Scope, Send

    from cerulean.audit import AuditRecorder
    from cerulean.auth.service import RegistryAuth
    from cerulean.core.clock import Clock
    from cerulean.identity import IdentityProvider
    from cerulean.management import ResourceManager
    from cerulean.registry.service import RegistryService
    from cerulean.server.dataplane.access import AccessGate
    from cerulean.server.metrics import Metrics
    from cerulean.server.network import NetworkControls

__all__ = ["build_admin_app", "build_app"]


class _Dispatch:
    """Routes by path prefix to the component that owns it."""

    def __init__(
        self,
        dataplane: ASGIApp,
        tokens: ASGIApp | None,
        identity: ASGIApp | None,
        graph: ASGIApp | None,
        management: ASGIApp | None = None,
    ) -> None:
        self._dataplane = dataplane
        self._tokens = tokens
        self._identity = identity
        self._graph = graph
        self._management = management

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path.startswith(("/v2/", "/acr/v1/")) or path == "/v2":
            await self._dataplane(scope, receive, send)
            return
        if self._tokens is not None and path.startswith("/oauth2/"):
            await self._tokens(scope, receive, send)
            return
        if self._management is not None and is_management_path(path):
            await self._management(scope, receive, send)
            return
        if self._graph is not None and path.startswith("/v1.0/"):
            await self._graph(scope, receive, send)
            return
        if self._identity is not None and is_identity_path(path):
            await self._identity(scope, receive, send)
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
    identity: IdentityProvider | None = None,
    registry_auth: RegistryAuth | None = None,
    audit: AuditRecorder | None = None,
    clock: Clock | None = None,
    management: ResourceManager | None = None,
    acr_suffix: str | None = None,
    network: NetworkControls | None = None,
) -> ASGIApp:
    """The main listener's application; with `registry_auth`, every data-plane route needs a token.

    With `management`, the ARM API is served too (and needs `acr_suffix`, the cloud metadata's
    `suffixes.acrLoginServer`). With `network`, the registry's network rules guard its endpoints (and
    need `audit`).
    """
    clock = clock or SystemClock()
    tokens = None
    if registry_auth is not None:
        realm = f"{'https' if tls else 'http'}://{login_server}/oauth2/token"
        gate = TokenGate(registry_auth, realm)
        tokens = TokenEndpoints(registry_auth)
    dataplane = DataPlane(registry, gate or OpenGate(), login_server, audit=audit, clock=clock)
    endpoints = None if identity is None else IdentityEndpoints(identity, clock)
    graph = None if identity is None else GraphApi(identity, clock)
    arm = None
    if management is not None:
        if acr_suffix is None:
            raise ValueError("the management API advertises the registry login-server suffix: it needs one")
        arm = build_management_app(
            management, authority=f"{'https' if tls else 'http'}://{login_server}", acr_suffix=acr_suffix
        )
    app: ASGIApp = _Dispatch(dataplane, tokens, endpoints, graph, arm)
    if network is not None:
        if audit is None:
            raise ValueError("the network gate records its refusals: it needs the audit recorder")
        app = NetworkGate(
            app, registry_name=network.registry_name, login_server=login_server, policy=network.policy,
            endpoints=network.endpoints, resolver=network.resolver, trusted_services=network.trusted_services,
            audit=audit, clock=clock, bypass=registry_auth is not None,
        )  # fmt: skip
    return Envelope(app, metrics, tls=tls, access_log=access_log)


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
