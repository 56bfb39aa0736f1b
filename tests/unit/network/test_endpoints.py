from __future__ import annotations

import datetime as dt

import pytest

from cerulean.network import (
    ConnectionStatus,
    InvalidPrivateEndpointError,
    PrivateEndpointConnection,
    parse_connection_status,
    parse_private_endpoint_id,
)

PE = "/subscriptions/s1/resourceGroups/net/providers/Microsoft.Network/privateEndpoints/build-agents"


def test_private_endpoint_ids_are_normalised():
    lower = PE.lower().replace("build-agents", "Build-Agents") + "/"
    assert parse_private_endpoint_id(lower) == (
        "/subscriptions/s1/resourceGroups/net/providers/Microsoft.Network/privateEndpoints/Build-Agents",
        "Build-Agents",
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "build-agents",
        "/subscriptions/s1/resourceGroups/net/providers/Microsoft.Network/networkInterfaces/nic",
        PE + "/extra",
        PE.replace("build-agents", "bad name"),
        PE + "x" * 2000,
    ],
)
def test_anything_else_is_refused(text):
    with pytest.raises(InvalidPrivateEndpointError):
        parse_private_endpoint_id(text)


def test_statuses():
    assert parse_connection_status("approved") is ConnectionStatus.APPROVED
    assert parse_connection_status(" Disconnected ") is ConnectionStatus.DISCONNECTED
    with pytest.raises(InvalidPrivateEndpointError, match="Approved, Pending, Rejected, Disconnected"):
        parse_connection_status("Maybe")


def test_a_connection_is_served_on_its_endpoint_name():
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    connection = PrivateEndpointConnection("r", "c", PE, ConnectionStatus.APPROVED, "", "None", now)
    assert connection.endpoint_name == "build-agents"
    assert connection.approved
