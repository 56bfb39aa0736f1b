from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from cerulean.arm.models import RegistryResource
from cerulean.network import (
    UNKNOWN,
    ConnectionStatus,
    NetworkReason,
    PrivateEndpointConnection,
    RegistryNetwork,
    firewall_message,
    parse_address,
)

NOW = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)
BASE = RegistryResource(
    "sub", "rg", "cerulean", "westeurope", "Premium", "127.0.0.1:5000", False, False,
    "LegacyRegistryPermissions", NOW,
)  # fmt: skip
TASKS = "11111111-2222-3333-4444-555555555555"
SERVICE = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"


def registry(**changes) -> RegistryResource:
    return dataclasses.replace(BASE, **changes)


def connection(endpoint: str, status: ConnectionStatus, registry_name: str = "cerulean"):
    return PrivateEndpointConnection(
        registry_name, f"conn-{endpoint}",
        f"/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/privateEndpoints/{endpoint}",
        status, "", "None", NOW,
    )  # fmt: skip


def check(network: RegistryNetwork, ip: str, endpoint: str | None = None):
    return network.check(parse_address(ip) or UNKNOWN, endpoint)


def test_default_allow_lets_everyone_through():
    decision = check(RegistryNetwork.compile(registry()), "203.0.113.9")
    assert decision.allowed
    assert decision.reason is NetworkReason.PUBLIC_ALLOW


def test_default_deny_admits_single_ips_and_cidrs_and_names_the_rule():
    network = RegistryNetwork.compile(
        registry(network_default_action="Deny", ip_rules=("127.0.0.5", "10.0.0.0/8", "10.1.0.0/16"))
    )
    allowed = check(network, "10.1.2.3")
    assert allowed.allowed
    assert (allowed.reason, allowed.rule) == (NetworkReason.IP_RULE, "10.0.0.0/8")  # the first that matches
    assert check(network, "127.0.0.5").rule == "127.0.0.5"
    refused = check(network, "127.0.0.6")
    assert not refused.allowed
    assert refused.reason is NetworkReason.NO_MATCHING_RULE
    assert refused.bypassable
    assert refused.message == firewall_message("127.0.0.6")
    assert refused.message == (
        "client with IP '127.0.0.6' is not allowed access. Refer https://aka.ms/acr/firewall to grant access."
    )


def test_ipv6_and_unknown_clients_match_no_ipv4_rule():
    network = RegistryNetwork.compile(registry(network_default_action="Deny", ip_rules=("0.0.0.0/0",)))
    assert check(network, "203.0.113.9").allowed
    assert check(network, "::ffff:203.0.113.9").allowed
    assert not check(network, "2001:db8::1").allowed
    assert not check(network, "nonsense").allowed
    assert check(RegistryNetwork.compile(registry()), "nonsense").allowed  # Allow admits anyone


def test_rules_that_cannot_apply_are_skipped_not_fatal():
    network = RegistryNetwork.compile(
        registry(network_default_action="Deny", ip_rules=("2001:db8::/32", "bogus", "10.0.0.1"))
    )
    assert network.skipped_rules == ("2001:db8::/32", "bogus")
    assert check(network, "10.0.0.1").allowed
    assert not check(network, "2001:db8::1").allowed


def test_public_access_disabled_refuses_even_matching_clients():
    network = RegistryNetwork.compile(
        registry(public_network_access=False, network_default_action="Deny", ip_rules=("10.0.0.0/8",))
    )
    decision = check(network, "10.0.0.1")
    assert not decision.allowed
    assert decision.reason is NetworkReason.PUBLIC_ACCESS_DISABLED
    assert decision.bypassable


def test_private_endpoints_ignore_public_access_and_rules_when_approved():
    network = RegistryNetwork.compile(
        registry(public_network_access=False, network_default_action="Deny"),
        [
            connection("build", ConnectionStatus.APPROVED),
            connection("partner", ConnectionStatus.PENDING),
            connection("other", ConnectionStatus.APPROVED, registry_name="elsewhere"),
        ],
    )
    assert check(network, "203.0.113.9", "build").reason is NetworkReason.PRIVATE_ENDPOINT
    assert check(network, "203.0.113.9", "BUILD").allowed  # ARM names ignore case
    for endpoint in ("partner", "other", "unknown"):
        refused = check(network, "203.0.113.9", endpoint)
        assert refused.reason is NetworkReason.ENDPOINT_NOT_APPROVED
        assert not refused.bypassable  # not a path to the registry at all


def test_a_missing_registry_is_left_to_authentication():
    decision = check(RegistryNetwork.compile(None), "203.0.113.9")
    assert decision.allowed
    assert decision.reason is NetworkReason.NO_REGISTRY


def test_bypass_identities():
    assert RegistryNetwork.compile(registry(), trusted_services=[SERVICE.upper()]).bypass_ids == {SERVICE}
    off = registry(bypass_azure_services=False, bypass_for_tasks=True, system_identity_id=TASKS)
    assert RegistryNetwork.compile(off, trusted_services=[SERVICE]).bypass_ids == {TASKS}
    assert not RegistryNetwork.compile(registry(bypass_for_tasks=True), trusted_services=[]).bypass_ids
    tasks_off = registry(system_identity_id=TASKS)
    assert RegistryNetwork.compile(tasks_off, trusted_services=[]).bypass_ids == frozenset()


def test_decisions_are_remembered_and_the_memory_is_bounded(monkeypatch):
    network = RegistryNetwork.compile(registry(network_default_action="Deny", ip_rules=("10.0.0.0/8",)))
    first = check(network, "10.0.0.1")
    assert check(network, "10.0.0.1") is first
    monkeypatch.setattr("cerulean.network.policy._CACHE_LIMIT", 3)
    for i in range(10):
        check(network, f"10.0.0.{i}")
    assert len(network._cache) <= 3


def test_descriptions_name_the_reason():
    network = RegistryNetwork.compile(
        registry(network_default_action="Deny", ip_rules=("10.0.0.0/8",)),
        [connection("build", ConnectionStatus.REJECTED)],
    )
    assert check(network, "10.1.1.1").describe() == "allowed: client 10.1.1.1 matches IP rule '10.0.0.0/8'"
    assert "no IP rule matches client 8.8.8.8" in check(network, "8.8.8.8").describe()
    assert "'build' has no Approved connection" in check(network, "8.8.8.8", "build").describe()


rules = st.lists(
    st.one_of(
        st.ip_addresses(v=4).map(str),
        st.tuples(st.ip_addresses(v=4), st.integers(0, 32)).map(lambda t: f"{t[0]}/{t[1]}"),
    ),
    max_size=20,
)


@given(rules, st.lists(st.ip_addresses(v=4), min_size=1, max_size=20))
def test_matches_what_ipaddress_says(values, clients):
    network = RegistryNetwork.compile(registry(network_default_action="Deny", ip_rules=tuple(values)))
    for client in clients:
        expected = next((v for v in values if client in ipaddress.ip_network(v, strict=False)), None)
        decision = check(network, str(client))
        assert decision.allowed == (expected is not None)
        assert decision.rule == expected
