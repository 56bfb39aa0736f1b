from __future__ import annotations

import dataclasses
import datetime as dt

from cerulean.arm.models import RegistryResource
from cerulean.network import ConnectionStatus, PrivateEndpointConnection, explain_network

NOW = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
BASE = RegistryResource(
    "sub", "rg", "cerulean", "westeurope", "Premium", "127.0.0.1:5000", False, False,
    "LegacyRegistryPermissions", NOW, network_default_action="Deny", ip_rules=("10.0.0.0/8", "::1"),
)  # fmt: skip
SERVICE = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
PE = "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/privateEndpoints/build"


def test_without_skipped_rules_nothing_is_said_of_them():
    allowed, text = explain_network(dataclasses.replace(BASE, ip_rules=("10.0.0.0/8",)), "10.2.3.4")
    assert allowed
    assert "cannot apply" not in text


def test_allowed_by_a_rule():
    allowed, text = explain_network(BASE, "10.2.3.4")
    assert allowed
    assert "allowed: client 10.2.3.4 matches IP rule '10.0.0.0/8'" in text
    assert "defaultAction Deny, 2 IP rule(s)" in text
    assert "cannot apply (not IPv4 addresses or CIDRs): ::1" in text


def test_refused_with_and_without_a_trusted_caller():
    allowed, text = explain_network(BASE, "8.8.8.8")
    assert not allowed
    assert "no trusted-service bypass applies" in text
    allowed, text = explain_network(BASE, "8.8.8.8", trusted_services=[SERVICE])
    assert not allowed
    assert "1 trusted identity may still pass once authenticated" in text
    allowed, text = explain_network(BASE, "8.8.8.8", trusted_services=[SERVICE], principal_id=SERVICE)
    assert allowed
    assert f"principal {SERVICE} is a trusted identity" in text
    allowed, text = explain_network(BASE, "8.8.8.8", trusted_services=[SERVICE], principal_id="x")
    assert not allowed
    assert "is not a trusted identity" in text


def test_ipv6_and_garbage_clients():
    assert "is IPv6: IP rules are IPv4 only" in explain_network(BASE, "2001:db8::1")[1]
    assert "is not an IP address" in explain_network(BASE, "unknown")[1]


def test_private_endpoints():
    closed = dataclasses.replace(BASE, public_network_access=False)
    pending = PrivateEndpointConnection("cerulean", "c1", PE, ConnectionStatus.PENDING, "", "None", NOW)
    allowed, text = explain_network(closed, "10.0.0.1", "build", connections=[pending])
    assert not allowed
    assert "connections of that endpoint: c1: Pending" in text
    approved = dataclasses.replace(pending, status=ConnectionStatus.APPROVED)
    allowed, text = explain_network(closed, "10.0.0.1", "build", connections=[approved])
    assert allowed
    assert "arrived on private endpoint 'build'" in text
    allowed, text = explain_network(closed, "10.0.0.1")
    assert not allowed
    assert "public network access is disabled" in text
