"""The network gate at the edge: listeners, the client address, and the registry's network rules.

Where it sits (see `cerulean.server.app`): outermost the `ListenerTag` of a private endpoint listener
(none on the public listener), then `Envelope`, then `NetworkGate`, then the dispatch by path. For every
request the gate resolves the client address (`cerulean.network.ClientResolver`: trusted proxies may
name it) and writes it into the scope's ``client``, so every later stage — audit, throttling, the
access log — sees the same address. Then, for the registry's own endpoints only (``/v2/``,
``/acr/v1/``, ``/oauth2/``), it asks the compiled `RegistryNetwork` before any credential is looked at:

    allowed                 → on to the endpoint
    refused by the rules,   → on, with a `PendingBypass` in the scope's state: the token gate and the
      a trusted identity      token endpoints let only a credential that names a trusted identity be
      exists                  verified (`cerulean.server.bypass`), and only a verified trusted caller
    refused otherwise       → 403 ``DENIED`` with ACR's firewall message, recorded in the audit log

The management API, the identity provider and Graph are not the registry's endpoints (in Azure they are
ARM's and Entra's, which a registry's firewall does not cover), so the gate does not apply to them.

The rules are compiled once per policy version: a change to a registry's network properties or to a
private endpoint connection bumps that version, and each node recompiles at its next policy check.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import structlog

from cerulean.audit import AUDIT_VERSION, AuditCategory, AuditEvent
from cerulean.network import UNKNOWN, PendingBypass, RegistryNetwork
from cerulean.server.dataplane.app import audited_operation
from cerulean.server.errors import oci_error_body

if TYPE_CHECKING:
    from collections.abc import Iterable

    from starlette.types import ASGIApp, Receive, Scope, Send

    from cerulean.audit import AuditRecorder
    from cerulean.auth.policy import PolicyCache
    from cerulean.core.clock import Clock
    from cerulean.network import ClientAddress, ClientResolver, NetworkDecision
    from cerulean.network.interfaces import PrivateEndpointStore

__all__ = ["Listener", "ListenerTag", "NetworkControls", "NetworkGate", "is_registry_path"]

_log = structlog.get_logger("cerulean.network")
_REGISTRY_PREFIXES: Final = ("/v2/", "/acr/v1/", "/oauth2/")
_LOGIN_OPERATIONS: Final = {"/oauth2/exchange": "exchange", "/oauth2/token": "token"}
_JSON: Final = (b"content-type", b"application/json; charset=utf-8")


def is_registry_path(path: str) -> bool:
    """Whether a path is one of the registry's own endpoints (the ones its network rules cover)."""
    return path.startswith(_REGISTRY_PREFIXES) or path == "/v2"


@dataclass(frozen=True, slots=True)
class Listener:
    """What a listener tells the requests it accepts: its private endpoint (None: public) and realm."""

    private_endpoint: str | None
    realm: str  # the token endpoint a 401 challenge on this listener names


@dataclass(frozen=True, slots=True)
class NetworkControls:
    """What the gate needs from the composition root."""

    registry_name: str
    policy: PolicyCache
    endpoints: PrivateEndpointStore
    resolver: ClientResolver
    trusted_services: frozenset[str]


class ListenerTag:
    """Marks every request of one listener (a private endpoint's) before the shared application."""

    def __init__(self, app: ASGIApp, listener: Listener) -> None:
        self._app = app
        self._listener = listener

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Tag and pass on."""
        scope.setdefault("state", {})["listener"] = self._listener
        await self._app(scope, receive, send)


class NetworkGate:
    """Client address for every request; the registry's network rules for its endpoints."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        registry_name: str,
        login_server: str,
        policy: PolicyCache,
        endpoints: PrivateEndpointStore,
        resolver: ClientResolver,
        trusted_services: Iterable[str],
        audit: AuditRecorder,
        clock: Clock,
        bypass: bool = True,
    ) -> None:
        """`bypass`: whether a refusal by the rules may wait for a trusted identity (needs authentication)."""
        self._app = app
        self._registry_name = registry_name.lower()
        self._login_server = login_server
        self._policy = policy
        self._endpoints = endpoints
        self._resolver = resolver
        self._trusted = frozenset(t.lower() for t in trusted_services)
        self._audit = audit
        self._clock = clock
        self._bypass = bypass
        self._network: RegistryNetwork | None = None
        self._version = -1
        self._lock = asyncio.Lock()

    async def current(self) -> RegistryNetwork:
        """The registry's compiled network controls at the current policy version."""
        view = await self._policy.current()
        network = self._network
        if network is not None and self._version == view.version:
            return network
        async with self._lock:
            if self._network is None or self._version != view.version:
                connections = await self._endpoints.private_endpoint_connections(self._registry_name)
                registry = view.registries.get(self._registry_name)
                self._network = RegistryNetwork.compile(registry, connections, self._trusted)
                self._version = view.version
                if self._network.skipped_rules:
                    _log.warning("IP rules skipped", rules=list(self._network.skipped_rules))
            return self._network

    def client(self, scope: Scope) -> ClientAddress:
        """The request's client address; behind a trusted proxy, written into the scope (once)."""
        peer = scope.get("client")
        host = peer[0] if peer else None
        address = self._resolver.resolve(host, scope["headers"])
        if address.text != host:
            scope.setdefault("state", {})["peer"] = host
            scope["client"] = (address.text, 0)
        return address

    def decide(self, scope: Scope, network: RegistryNetwork) -> NetworkDecision:
        """The decision for one request (the hot path: a resolution and a cached lookup)."""
        listener: Listener | None = scope["state"].get("listener")
        return network.check(self.client(scope), listener.private_endpoint if listener else None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Resolve, decide, and pass on or refuse."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        if not is_registry_path(scope["path"]):
            if self._resolver.uses_proxies:
                self.client(scope)
            await self._app(scope, receive, send)
            return
        decision = self.decide(scope, network := await self.current())
        if decision.allowed:
            await self._app(scope, receive, send)
            return
        if decision.bypassable and self._bypass and network.bypass_ids:
            state["network_bypass"] = PendingBypass(decision, network.bypass_ids)
            await self._app(scope, receive, send)
            return
        await self._refuse(scope, send, decision)

    async def _refuse(self, scope: Scope, send: Send, decision: NetworkDecision) -> None:
        state = scope["state"]
        state["operation"] = "network.denied"
        correlation_id = state.get("correlation_id", "")
        try:
            await self._audit.record(self._event(scope, decision, correlation_id))
        except Exception:  # noqa: BLE001 - the refusal stands even if its record cannot be written
            _log.exception("audit of a network refusal failed", correlation_id=correlation_id)
        body = oci_error_body("DENIED", decision.message)  # ACR's body exactly; the id is in a header
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [_JSON, (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body})

    def _event(self, scope: Scope, decision: NetworkDecision, correlation_id: str) -> AuditEvent:
        path: str = scope["path"]
        agent = next((v for n, v in scope["headers"] if n == b"user-agent"), b"").decode("latin-1")
        if path.startswith("/oauth2/"):
            category, repository = AuditCategory.LOGIN, ""
            operation = _LOGIN_OPERATIONS.get(path, "oauth2")
        else:
            category = AuditCategory.REPOSITORY
            operation, repository = audited_operation(path, scope["method"])
        return AuditEvent(
            version=AUDIT_VERSION,
            time=self._clock.now(),
            category=category,
            operation=operation,
            login_server=self._login_server,
            identity="",
            identity_kind="",
            tenant_id="",
            caller_ip=decision.client_ip if decision.client_ip != UNKNOWN.text else "",
            user_agent=agent[:512],
            correlation_id=correlation_id,
            result_type="Failed",
            result_description="403",
            reason=f"network: {decision.describe()}"[:512],
            repository=repository[:256],
            duration_ms=0,
        )
