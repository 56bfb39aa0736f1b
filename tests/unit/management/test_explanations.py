from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from cerulean.arm.models import RegistryResource
from cerulean.management import BadRequestError
from cerulean.management.explanations import (
    AccessExplanation,
    NetworkExplanation,
    NetworkQuestion,
    explain_network_access,
)
from cerulean.network import ConnectionStatus, PrivateEndpointConnection

NOW = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
REGISTRY = RegistryResource(
    "sub", "rg", "cerulean", "local", "Premium", "127.0.0.1:5000", False, False,
    "LegacyRegistryPermissions", NOW, network_default_action="Deny", ip_rules=("10.0.0.0/8",),
)  # fmt: skip
PE_ID = "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/privateEndpoints/build"
PRINCIPAL = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def test_no_address_and_no_endpoint_asks_no_network_question():
    assert NetworkQuestion.parse(None, None) is None


@pytest.mark.parametrize(
    ("client_ip", "endpoint", "expected"),
    [
        (" 10.1.2.3 ", None, NetworkQuestion("10.1.2.3", None)),
        ("::ffff:10.1.2.3", None, NetworkQuestion("10.1.2.3", None)),  # as the gate reads a dual stack
        ("2001:DB8::1", None, NetworkQuestion("2001:db8::1", None)),
        ("UNKNOWN", None, NetworkQuestion("unknown", None)),
        (None, "build", NetworkQuestion("unknown", "build")),
        ("10.1.2.3", PE_ID, NetworkQuestion("10.1.2.3", "build")),
    ],
)
def test_questions_are_normalised_as_the_gate_sees_them(client_ip, endpoint, expected):
    assert NetworkQuestion.parse(client_ip, endpoint) == expected


@pytest.mark.parametrize(
    ("client_ip", "endpoint", "target"),
    [
        ("10.1.2", None, "clientIp"),
        ("10.0.0.0/8", None, "clientIp"),
        ("0177.0.0.1", None, "clientIp"),
        ("x" * 5000, None, "clientIp"),
        ("10.1.2.3", "no spaces please", "privateEndpoint"),
        ("10.1.2.3", "/subscriptions/s/privateEndpoints/x", "privateEndpoint"),
        ("10.1.2.3", "", "privateEndpoint"),
    ],
)
def test_bad_questions_name_their_field(client_ip, endpoint, target):
    with pytest.raises(BadRequestError) as refused:
        NetworkQuestion.parse(client_ip, endpoint)
    assert refused.value.target == target
    assert refused.value.status == 400


def test_network_part_names_the_client_and_the_rule():
    outside = explain_network_access(
        REGISTRY, NetworkQuestion("8.8.8.8", None), [], [], PRINCIPAL, "cerulean"
    )
    assert not outside.allowed
    assert outside.text.startswith("client 8.8.8.8 on the public endpoint\n")
    assert "no IP rule matches client 8.8.8.8" in outside.text
    assert "note:" not in outside.text
    inside = explain_network_access(
        REGISTRY, NetworkQuestion("10.9.9.9", None), [], [], PRINCIPAL, "cerulean"
    )
    assert inside.allowed
    assert "matches IP rule '10.0.0.0/8'" in inside.text


def test_network_part_with_a_private_endpoint_and_a_trusted_principal():
    closed = dataclasses.replace(REGISTRY, public_network_access=False)
    approved = PrivateEndpointConnection(
        "cerulean", "link", PE_ID, ConnectionStatus.APPROVED, "", "None", NOW
    )
    via = explain_network_access(
        closed, NetworkQuestion("unknown", "build"), [approved], [], PRINCIPAL, "cerulean"
    )
    assert via.allowed
    assert "client unknown on private endpoint 'build'" in via.text
    bypassed = explain_network_access(
        closed, NetworkQuestion("8.8.8.8", None), [approved], [PRINCIPAL.upper()], PRINCIPAL, "cerulean"
    )
    assert bypassed.allowed
    assert f"principal {PRINCIPAL} is a trusted identity (bypass, once it" in bypassed.text


def test_a_registry_this_deployment_does_not_serve_is_said_to_be_unenforced():
    other = explain_network_access(REGISTRY, NetworkQuestion("8.8.8.8", None), [], [], PRINCIPAL, "served")
    assert "no gate here enforces the rules of 'cerulean'" in other.text


def test_without_a_network_part_the_answer_is_the_engines():
    answer = AccessExplanation.of("ALLOWED: …", {"allowed": True}, None, engine_allowed=True)
    assert (answer.allowed, answer.text, answer.network) == (True, "ALLOWED: …", None)


@pytest.mark.parametrize(
    ("network", "engine", "allowed", "verdict"),
    [
        (True, True, True, "ALLOWED: the network gate lets the client through"),
        (False, True, False, "DENIED by the network gate"),
        (False, False, False, "DENIED by the network gate"),
        (True, False, False, "DENIED by the access engine"),
    ],
)
def test_both_must_allow_and_the_network_comes_first(network, engine, allowed, verdict):
    part = NetworkExplanation(network, "client 1.2.3.4 on the public endpoint\nrefused: …")
    answer = AccessExplanation.of("ENGINE\nreasons:\n    x", {}, part, engine_allowed=engine)
    assert answer.allowed is allowed
    assert answer.engine_allowed is engine
    lines = answer.text.splitlines()
    assert lines[0].startswith(verdict)
    assert lines[1:] == [
        "network gate:", "  client 1.2.3.4 on the public endpoint", "  refused: …",
        "access engine:", "  ENGINE", "  reasons:", "      x",
    ]  # fmt: skip
    assert answer.network is part
    assert part.to_json() == {"allowed": network, "text": part.text}
