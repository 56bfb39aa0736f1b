"""`explainAccess` with a client address against a real server, checked against what the gate does.

Each explanation is compared with a real request from the same 127.0.0.x source (or on the same private
endpoint): the verdict must agree, and for a refusal the reason the audit log records must be the one
the explanation gives. The server has a private endpoint listener ``pe1`` on 127.0.0.9 and is restarted
once so that its ``trusted_services`` setting can name the ``builder`` service principal. ``puller``
holds AcrPull and is not trusted; the bootstrap owner asks.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from cerulean.auth.administration import RegistryAdministration
from cerulean.network import ConnectionStatus
from support.identity import ad, bootstrap
from support.network import (
    FIREWALL,
    audit_events,
    client_from,
    drop_connections,
    endpoint_url,
    put_connection,
    reset_network,
    set_network,
)
from support.registry_admin import administer
from support.server import RunningServer, start_server

ARM_SCOPE = "https://management.azure.com/.default"
REGISTRY_SCOPE = "https://containerregistry.azure.net/.default"


@dataclass
class Net:
    server: RunningServer
    record: dict[str, str]
    builder: dict[str, str]
    puller: dict[str, str]

    @property
    def registry_id(self) -> str:
        r = self.record
        return (
            f"/subscriptions/{r['subscriptionId']}/resourceGroups/{r['resourceGroup']}"
            f"/providers/Microsoft.ContainerRegistry/registries/{r['registryName']}"
        )

    def endpoint_id(self, name: str) -> str:
        return (
            f"/subscriptions/{self.record['subscriptionId']}/resourceGroups/network"
            f"/providers/Microsoft.Network/privateEndpoints/{name}"
        )

    def entra(self, who: dict[str, str] | None, scope: str) -> str:
        client_id, secret = (who["appId"], who["secret"]) if who else (
            self.record["clientId"], self.record["clientSecret"]
        )  # fmt: skip
        response = httpx.post(
            f"{self.server.url}/{self.record['tenantId']}/oauth2/v2.0/token",
            data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret,
                  "scope": scope},
        )  # fmt: skip
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def arm(self, who: dict[str, str] | None = None) -> httpx.Client:
        token = self.entra(who, ARM_SCOPE)
        return httpx.Client(
            base_url=self.server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    def explain(
        self, principal: str, *, who: dict[str, str] | None = None, **question: Any
    ) -> httpx.Response:
        body = {"principalId": principal, "action": "pull", "repository": "explain/app", **question}
        with self.arm(who) as client:
            return client.post(f"{self.registry_id}/explainAccess?api-version=2025-11-01", json=body)

    def verdict(self, principal: str, **question: Any) -> dict[str, Any]:
        response = self.explain(principal, **question)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer


def _app(server: RunningServer, name: str) -> dict[str, str]:
    app = ad(server, "app", "create", name)
    return {**app, "secret": ad(server, "app", "add-secret", app["appId"])["secretText"]}


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Net]:
    data = tmp_path_factory.mktemp("explain") / "data"
    args = ("--private-endpoint", "pe1=127.0.0.9:0")
    first = start_server(data, extra_args=args)
    try:
        builder, puller = _app(first, "explain-builder"), _app(first, "explain-puller")
    finally:
        assert first.stop() == 0, "\n".join(first.output)
    trusted = json.dumps([builder["servicePrincipalId"]])
    server = start_server(data, extra_args=args, env={"CERULEAN_TRUSTED_SERVICES": trusted})
    try:
        net = Net(server, bootstrap(server), builder, puller)

        async def assign(admin: RegistryAdministration) -> None:
            for principal in (builder, puller):
                await admin.assign_role(principal["servicePrincipalId"], "AcrPull", net.registry_id)

        administer(server.database_url, assign)
        yield net
    finally:
        assert server.stop() == 0, "\n".join(server.output)


@pytest.fixture(autouse=True)
def defaults(net: Net) -> Iterator[None]:
    reset_network(net.server)
    drop_connections(net.server)
    yield
    reset_network(net.server)
    drop_connections(net.server)


def _status(net: Net, source: str, base_url: str | None = None) -> int:
    with client_from(source, base_url or net.server.url, auth=net.server.auth) as client:
        return client.get("/v2/").status_code


def _refusal(net: Net, source: str) -> str:
    """The audit reason of the gate's refusal of `source` (a trusted service exists here, so the gate
    waited for a credential before refusing, and the reason ends with why no bypass applied)."""
    events = audit_events(net.server, wait_for=f"client {source}", result="403")
    return next(e.reason for e in events if e.caller_ip == source)


# -- IP rules ------------------------------------------------------------------------------------------


def test_an_address_outside_the_rules_is_denied_naming_the_default_action(net: Net) -> None:
    set_network(net.server, network_default_action="Deny", ip_rules=("127.0.0.5", "127.0.1.0/24"))
    answer = net.verdict(net.puller["servicePrincipalId"], clientIp="127.0.0.6")
    assert answer["allowed"] is False
    assert answer["decision"]["allowed"] is True  # AcrPull: the engine alone would allow it
    network = answer["network"]
    assert network["allowed"] is False
    refusal = "refused: default action Deny and no IP rule matches client 127.0.0.6"
    assert refusal in network["text"].splitlines()
    assert "defaultAction Deny, 2 IP rule(s)" in network["text"]
    lines = answer["text"].splitlines()
    assert lines[0].startswith("DENIED by the network gate")
    assert lines.index("network gate:") < lines.index("access engine:")  # the gate runs first
    assert f"  {refusal}" in lines
    # The gate agrees, and records the same reason.
    with client_from("127.0.0.6", net.server.url, auth=net.server.auth) as client:
        refused = client.get("/v2/")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["message"] == FIREWALL.format(ip="127.0.0.6")
    assert _refusal(net, "127.0.0.6").startswith(f"network: {refusal}; no trusted-service bypass")


def test_an_address_inside_a_cidr_rule_is_allowed(net: Net) -> None:
    set_network(net.server, network_default_action="Deny", ip_rules=("127.0.0.5", "127.0.1.0/24"))
    answer = net.verdict(net.puller["servicePrincipalId"], clientIp="127.0.1.77")
    assert (answer["allowed"], answer["network"]["allowed"]) == (True, True)
    assert "allowed: client 127.0.1.77 matches IP rule '127.0.1.0/24'" in answer["network"]["text"]
    assert answer["text"].startswith("ALLOWED: the network gate lets the client through")
    assert _status(net, "127.0.1.77") == 200


def test_the_network_passes_and_the_engine_refuses(net: Net) -> None:
    answer = net.verdict(net.puller["servicePrincipalId"], clientIp="127.0.0.6", action="push")
    assert (answer["allowed"], answer["network"]["allowed"], answer["decision"]["allowed"]) == (
        False, True, False,
    )  # fmt: skip
    assert answer["text"].startswith("DENIED by the access engine")
    assert "allowed: public network access enabled, default action Allow" in answer["network"]["text"]


# -- private endpoints ---------------------------------------------------------------------------------


def test_public_access_disabled_and_an_approved_private_endpoint(net: Net) -> None:
    set_network(net.server, public_network_access=False)
    put_connection(net.server, "pe1", ConnectionStatus.APPROVED)
    principal = net.puller["servicePrincipalId"]
    for endpoint in ("pe1", "PE1", net.endpoint_id("pe1")):  # its name, or its resource id
        via = net.verdict(principal, clientIp="127.0.0.1", privateEndpoint=endpoint)
        assert via["allowed"] is True, via["text"]
        assert "client 127.0.0.1 on private endpoint" in via["network"]["text"]
        assert "(connection Approved)" in via["network"]["text"]
    assert _status(net, "127.0.0.1", endpoint_url(net.server, "pe1")) == 200
    public = net.verdict(principal, clientIp="127.0.0.1")
    assert public["allowed"] is False
    refusal = "refused: public network access is disabled (client 127.0.0.1)"
    assert refusal in public["network"]["text"]
    assert _status(net, "127.0.0.1") == 403
    assert _refusal(net, "127.0.0.1").startswith(f"network: {refusal}; no trusted-service bypass")
    # Without an address the client is `unknown`, as on a unix-socket listener: the endpoint decides.
    alone = net.verdict(principal, privateEndpoint="pe1")
    assert alone["allowed"] is True
    assert "client unknown on private endpoint 'pe1'" in alone["network"]["text"]


def test_a_pending_private_endpoint_is_denied(net: Net) -> None:
    set_network(net.server, public_network_access=False)
    put_connection(net.server, "pe1", ConnectionStatus.PENDING)
    answer = net.verdict(net.puller["servicePrincipalId"], clientIp="127.0.0.1", privateEndpoint="pe1")
    assert answer["allowed"] is False
    text = answer["network"]["text"]
    assert "refused: private endpoint 'pe1' has no Approved connection to the registry" in text
    assert "connections of that endpoint: pe1-connection: Pending" in text
    assert _status(net, "127.0.0.1", endpoint_url(net.server, "pe1")) == 403
    # The connection's name is not the private endpoint's: the gate knows no listener by it.
    by_connection = net.verdict(
        net.puller["servicePrincipalId"], clientIp="127.0.0.1", privateEndpoint="pe1-connection"
    )
    assert "connections of that endpoint: none" in by_connection["network"]["text"]


# -- trusted services ----------------------------------------------------------------------------------


def _exchange_status(net: Net, source: str, who: dict[str, str]) -> int:
    entra = net.entra(who, REGISTRY_SCOPE)
    with client_from(source, net.server.url) as client:
        form = {"grant_type": "access_token", "service": net.server.host, "access_token": entra}
        return client.post("/oauth2/exchange", data=form).status_code


def test_a_trusted_service_bypass_is_explained(net: Net) -> None:
    set_network(net.server, network_default_action="Deny")
    trusted = net.verdict(net.builder["servicePrincipalId"], clientIp="127.0.0.6")
    assert trusted["allowed"] is True
    text = trusted["network"]["text"]
    assert "refused: default action Deny and no IP rule matches client 127.0.0.6" in text
    builder = net.builder["servicePrincipalId"]
    assert f"allowed: principal {builder} is a trusted identity (bypass, once it authenticates" in text
    assert _exchange_status(net, "127.0.0.6", net.builder) == 200
    with client_from(
        "127.0.0.6", net.server.url, auth=(net.builder["appId"], net.builder["secret"])
    ) as client:
        assert client.get("/v2/").status_code == 403  # as it says: a password credential is refused

    other = net.verdict(net.puller["servicePrincipalId"], clientIp="127.0.0.6")
    assert other["allowed"] is False
    assert (
        f"principal {net.puller['servicePrincipalId']} is not a trusted identity" in other["network"]["text"]
    )
    assert _exchange_status(net, "127.0.0.6", net.puller) == 403

    set_network(net.server, bypass_azure_services=False)  # networkRuleBypassOptions: None
    off = net.verdict(net.builder["servicePrincipalId"], clientIp="127.0.0.6")
    assert off["allowed"] is False
    assert "networkRuleBypassOptions None" in off["network"]["text"]
    assert "no trusted-service bypass applies" in off["network"]["text"]
    assert _exchange_status(net, "127.0.0.6", net.builder) == 403


# -- the question itself -------------------------------------------------------------------------------


def test_without_a_client_the_answer_is_the_engines_alone(net: Net) -> None:
    set_network(net.server, public_network_access=False)
    answer = net.verdict(net.puller["servicePrincipalId"])
    assert "network" not in answer
    assert answer["allowed"] is True
    assert answer["text"].startswith("ALLOWED: ")
    assert "network gate" not in answer["text"]


@pytest.mark.parametrize(
    ("question", "target"),
    [
        ({"clientIp": "127.0.0.256"}, "clientIp"),
        ({"clientIp": "127.0.0.0/24"}, "clientIp"),
        ({"clientIp": ""}, "clientIp"),
        ({"clientIp": "127.0.0.1", "privateEndpoint": "not a name"}, "privateEndpoint"),
        ({"clientIp": "127.0.0.1", "privateEndpoint": "/subscriptions/s/endpoints/x"}, "privateEndpoint"),
    ],
)
def test_a_bad_question_is_a_400_naming_the_field(net: Net, question: dict[str, str], target: str) -> None:
    response = net.explain(net.puller["servicePrincipalId"], **question)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert (error["code"], error["target"]) == ("InvalidRequestContent", target)


def test_a_client_address_of_the_wrong_type_is_refused(net: Net) -> None:
    response = net.explain(net.puller["servicePrincipalId"], clientIp=2130706433)
    assert response.status_code == 400
    assert "clientIp" in response.text


def test_who_may_not_read_role_assignments_may_not_ask(net: Net) -> None:
    response = net.explain(net.puller["servicePrincipalId"], who=net.puller, clientIp="127.0.0.6")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AuthorizationFailed"


# -- private endpoint connections: usage and dedicated data endpoints ----------------------------------


def test_a_first_private_endpoint_enables_data_endpoints_and_is_counted(net: Net) -> None:
    set_network(net.server, data_endpoint_enabled=False)
    connections = f"{net.registry_id}/privateEndpointConnections"
    with net.arm() as owner:

        def usage() -> dict[str, Any]:
            listed = owner.get(f"{net.registry_id}/listUsages").json()["value"]
            return next(u for u in listed if u["name"] == "PrivateEndpointConnections")

        assert owner.get(net.registry_id).json()["properties"]["dataEndpointEnabled"] is False
        assert usage() == {
            "name": "PrivateEndpointConnections",
            "limit": 200,
            "currentValue": 0,
            "unit": "Count",
        }
        created = owner.put(
            f"{connections}/first", json={"properties": {"privateEndpoint": {"id": net.endpoint_id("pe-a")}}}
        )
        assert created.status_code == 201, created.text
        assert owner.get(net.registry_id).json()["properties"]["dataEndpointEnabled"] is True
        assert usage()["currentValue"] == 1
        second = owner.put(
            f"{connections}/second", json={"properties": {"privateEndpoint": {"id": net.endpoint_id("pe-b")}}}
        )
        assert second.status_code == 201
        assert usage()["currentValue"] == 2
        assert owner.delete(f"{connections}/first").status_code == 200
        assert usage()["currentValue"] == 1
        # Private endpoints are Premium's: no downgrade while one is connected, none below Premium.
        owner.patch(net.registry_id, json={"properties": {"dataEndpointEnabled": False}}).raise_for_status()
        downgrade = owner.patch(net.registry_id, json={"sku": {"name": "Standard"}})
        assert downgrade.status_code == 400, downgrade.text
        assert downgrade.json()["error"]["code"] == "FeatureNotSupportedForSku"
        assert "'Standard'" in downgrade.json()["error"]["message"]
        assert owner.get(net.registry_id).json()["sku"]["name"] == "Premium"
        assert owner.delete(f"{connections}/second").status_code == 200
        owner.patch(net.registry_id, json={"sku": {"name": "Standard"}}).raise_for_status()
        try:
            third = {"properties": {"privateEndpoint": {"id": net.endpoint_id("pe-c")}}}
            refused = owner.put(f"{connections}/third", json=third)
            assert refused.status_code == 400, refused.text
            assert refused.json()["error"]["code"] == "FeatureNotSupportedForSku"
            assert usage() == {
                "name": "PrivateEndpointConnections", "limit": 0, "currentValue": 0, "unit": "Count"
            }  # fmt: skip
        finally:
            owner.patch(net.registry_id, json={"sku": {"name": "Premium"}}).raise_for_status()
    set_network(net.server, data_endpoint_enabled=False)
