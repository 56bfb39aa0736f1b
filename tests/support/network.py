"""Network-controls helpers: clients with a chosen source address, registry network settings, private
endpoint connections and the audit log of a running server's database."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from typing import Any

import httpx

from cerulean.audit import AuditEvent, AuditQuery
from cerulean.auth.administration import RegistryAdministration
from cerulean.db import Database, SqlAuditLog, SqlPrivateEndpointStore
from cerulean.network import ConnectionStatus, PrivateEndpointConnection
from support.registry_admin import REGISTRY, administer, with_database
from support.server import RunningServer

FIREWALL = "client with IP '{ip}' is not allowed access. Refer https://aka.ms/acr/firewall to grant access."
DEFAULTS: dict[str, object] = {
    "public_network_access": True,
    "network_default_action": "Allow",
    "ip_rules": (),
    "bypass_azure_services": True,
    "bypass_for_tasks": False,
    "system_identity_id": None,
}


def endpoint_url(server: RunningServer, name: str) -> str:
    """The URL (or ``unix:/path``) `cerulean serve` printed for private endpoint `name`."""
    for line in server.output:
        found = re.search(rf"private endpoint {re.escape(name)} at (\S+?)(?:,|$)", line)
        if found:
            return found.group(1)
    raise AssertionError(f"no private endpoint {name} in the server's output")


def client_from(address: str, base_url: str, **kwargs: Any) -> httpx.Client:
    """An HTTP client whose connections leave from `address` (any 127.0.0.0/8 address works)."""
    verify = kwargs.pop("verify", True)
    transport = httpx.HTTPTransport(local_address=address, verify=verify)
    return httpx.Client(base_url=base_url, transport=transport, timeout=30, **kwargs)


def set_network(server: RunningServer, **changes: object) -> None:
    """Change the registry's network settings (the server sees them at its next request)."""

    async def run(admin: RegistryAdministration) -> None:
        await admin.update(REGISTRY, **changes)

    administer(server.database_url, run)


def reset_network(server: RunningServer) -> None:
    """ACR's defaults: public, Allow, no rules."""
    set_network(server, **DEFAULTS)


def put_connection(
    server: RunningServer, endpoint: str, status: ConnectionStatus = ConnectionStatus.APPROVED
) -> None:
    """Create or change the connection of private endpoint `endpoint` to the registry."""
    connection = PrivateEndpointConnection(
        REGISTRY,
        f"{endpoint}-connection",
        f"/subscriptions/s/resourceGroups/network/providers/Microsoft.Network/privateEndpoints/{endpoint}",
        status,
        "",
        "Recreate" if status is ConnectionStatus.DISCONNECTED else "None",
        dt.datetime.now(dt.UTC),
    )

    async def run(database: Database) -> None:
        await SqlPrivateEndpointStore(database).put_private_endpoint_connection(connection)

    with_database(server.database_url, run)


def drop_connections(server: RunningServer) -> None:
    """Delete every private endpoint connection of the registry."""

    async def run(database: Database) -> None:
        store = SqlPrivateEndpointStore(database)
        for found in await store.private_endpoint_connections(REGISTRY):
            await store.delete_private_endpoint_connection(REGISTRY, found.name)

    with_database(server.database_url, run)


def audit_events(
    server: RunningServer,
    *,
    wait_for: str = "",
    until: Callable[[list[AuditEvent]], bool] | None = None,
    timeout: float = 10,
    **query: Any,
) -> list[AuditEvent]:
    """Audit records (newest first); with `wait_for`, until a record's reason contains it, with `until`,
    until it holds (records are written in batches, login and repository records apart)."""

    async def run(database: Database) -> list[AuditEvent]:
        return await SqlAuditLog(database).audit_events(AuditQuery(**query))

    deadline = time.monotonic() + timeout
    while True:
        events: list[AuditEvent] = with_database(server.database_url, run)
        found = (not wait_for or any(wait_for in e.reason for e in events)) and (
            until is None or until(events)
        )
        if found or time.monotonic() > deadline:
            return events
        time.sleep(0.1)
