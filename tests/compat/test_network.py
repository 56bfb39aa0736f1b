"""Network controls with real clients: private endpoints through ARM, skopeo and the Azure SDK on a
private endpoint while public access is disabled, and a trusted service through the firewall.

A TLS server (the SDKs refuse bearer tokens over plain HTTP) with a private endpoint listener ``pe1``
on 127.0.0.9, restarted once so that its ``trusted_services`` setting can name the ``builder``
application's service principal (object ids exist only once the directory has made them).
"""

from __future__ import annotations

import base64
import json
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from azure.containerregistry import ContainerRegistryClient
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.identity import ClientSecretCredential
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.containerregistry.models import (
    IPRule,
    NetworkRuleSet,
    PrivateEndpoint,
    PrivateEndpointConnection,
    PrivateLinkServiceConnectionState,
    RegistryUpdateParameters,
)

from cerulean.auth.administration import RegistryAdministration
from support.identity import ad, bootstrap
from support.network import FIREWALL, client_from, endpoint_url, reset_network, set_network
from support.oci import make_image, write_layout
from support.registry_admin import administer
from support.server import RunningServer, start_server

pytestmark = pytest.mark.client

REGISTRY_SCOPE = "https://containerregistry.azure.net/.default"


@dataclass
class Net:
    server: RunningServer
    record: dict[str, str]
    ca: str
    trust_dir: Path
    builder: dict[str, str]
    requester: dict[str, str]

    @property
    def group(self) -> str:
        return self.record["resourceGroup"]

    @property
    def registry_id(self) -> str:
        r = self.record
        return (
            f"/subscriptions/{r['subscriptionId']}/resourceGroups/{r['resourceGroup']}"
            f"/providers/Microsoft.ContainerRegistry/registries/{r['registryName']}"
        )

    def endpoint_id(self, name: str, group: str = "network") -> str:
        return (
            f"/subscriptions/{self.record['subscriptionId']}/resourceGroups/{group}"
            f"/providers/Microsoft.Network/privateEndpoints/{name}"
        )

    def credential(self, who: dict[str, str] | None = None) -> ClientSecretCredential:
        client_id, secret = (
            (who["appId"], who["secret"]) if who else (self.record["clientId"], self.record["clientSecret"])
        )
        return ClientSecretCredential(
            self.record["tenantId"], client_id, secret, authority=self.server.url,
            disable_instance_discovery=True, connection_verify=self.ca,
        )  # fmt: skip

    def arm(self, who: dict[str, str] | None = None) -> ContainerRegistryManagementClient:
        return ContainerRegistryManagementClient(
            self.credential(who),
            self.record["subscriptionId"],
            base_url=self.server.url,
            connection_verify=self.ca,
        )

    def http(self, who: dict[str, str] | None = None) -> httpx.Client:
        token = self.credential(who).get_token("https://management.azure.com/.default").token
        return httpx.Client(
            base_url=self.server.url, verify=ssl.create_default_context(cafile=self.ca),
            headers={"Authorization": f"Bearer {token}"}, timeout=60,
        )  # fmt: skip


def _app(server: RunningServer, name: str) -> dict[str, str]:
    app = ad(server, "app", "create", name)
    return {**app, "secret": ad(server, "app", "add-secret", app["appId"])["secretText"]}


@pytest.fixture(scope="module")
def net(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Net]:
    data = tmp_path_factory.mktemp("network-compat") / "data"
    args = ("--tls", "auto", "--private-endpoint", "pe1=127.0.0.9:0")
    first = start_server(data, extra_args=args)
    try:
        builder = _app(first, "builder")
        requester = _app(first, "requester")
    finally:
        assert first.stop() == 0, "\n".join(first.output)
    trusted = json.dumps([builder["servicePrincipalId"]])
    server = start_server(data, extra_args=args, env={"CERULEAN_TRUSTED_SERVICES": trusted})
    try:
        record = bootstrap(server)
        net = Net(server, record, record["caBundle"], data / "tls" / "trust", builder, requester)

        async def assign(admin: RegistryAdministration) -> None:
            await admin.assign_role(builder["servicePrincipalId"], "AcrPush", net.registry_id)
            scope = f"/subscriptions/{record['subscriptionId']}/resourceGroups/network"
            # Rights where its private endpoint lives (Contributor), none on the registry.
            await admin.assign_role(requester["servicePrincipalId"], "Contributor", scope)

        administer(server.database_url, assign)
        yield net
    finally:
        assert server.stop() == 0, "\n".join(server.output)


@pytest.fixture(autouse=True)
def trust(net: Net, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", net.ca)
    monkeypatch.setenv("SSL_CERT_FILE", net.ca)
    reset_network(net.server)
    yield
    reset_network(net.server)


def _connection(
    endpoint_id: str, status: str | None = None, description: str | None = None
) -> PrivateEndpointConnection:
    state = (
        None
        if status is None and description is None
        else PrivateLinkServiceConnectionState(status=status, description=description)
    )
    return PrivateEndpointConnection(
        private_endpoint=PrivateEndpoint(id=endpoint_id), private_link_service_connection_state=state
    )


# -- ARM: registries/{r}/privateEndpointConnections ---------------------------------------------------


def test_an_owner_creates_an_approved_connection(net: Net) -> None:
    connections = net.arm().private_endpoint_connections
    created = connections.begin_create_or_update(
        net.group, "cerulean", "owner-link", _connection(net.endpoint_id("owner-pe"))
    ).result()
    assert created.id == f"{net.registry_id}/privateEndpointConnections/owner-link"
    assert created.type == "Microsoft.ContainerRegistry/registries/privateEndpointConnections"
    assert created.private_endpoint.id == net.endpoint_id("owner-pe")
    state = created.private_link_service_connection_state
    assert (state.status, state.description, state.actions_required) == ("Approved", "Auto-Approved", "None")
    assert created.provisioning_state == "Succeeded"
    assert connections.get(net.group, "cerulean", "OWNER-LINK").name == "owner-link"
    assert "owner-link" in [c.name for c in connections.list(net.group, "cerulean")]
    listed = net.arm().registries.get(net.group, "cerulean").private_endpoint_connections
    assert [(c.name, c.private_link_service_connection_state.status) for c in listed] == [
        ("owner-link", "Approved")
    ]
    connections.begin_delete(net.group, "cerulean", "owner-link").result()
    with pytest.raises(HttpResponseError) as missing:
        connections.get(net.group, "cerulean", "owner-link")
    assert missing.value.status_code == 404
    assert missing.value.error.code == "PrivateEndpointConnectionNotFound"
    connections.begin_delete(net.group, "cerulean", "owner-link").result()  # absent: 204, no error


def test_a_request_without_approval_rights_waits_for_the_owner(net: Net) -> None:
    requested = (
        net.arm(net.requester)
        .private_endpoint_connections.begin_create_or_update(
            net.group, "cerulean", "partner-link", _connection(net.endpoint_id("partner-pe"), "Approved")
        )
        .result()
    )
    state = requested.private_link_service_connection_state
    assert (state.status, state.description) == ("Pending", "Awaiting approval")
    with pytest.raises(HttpResponseError) as refused:  # the requester may not approve it himself
        net.arm(net.requester).private_endpoint_connections.begin_create_or_update(
            net.group, "cerulean", "partner-link", _connection(net.endpoint_id("partner-pe"), "Approved")
        ).result()
    assert refused.value.status_code == 403
    assert "privateEndpointConnectionsApproval/action" in refused.value.error.message
    owner = net.arm().private_endpoint_connections
    approved = owner.begin_create_or_update(
        net.group, "cerulean", "partner-link", _connection(net.endpoint_id("partner-pe"), "Approved", "ok")
    ).result()
    assert approved.private_link_service_connection_state.status == "Approved"
    disconnected = owner.begin_create_or_update(
        net.group, "cerulean", "partner-link", _connection(net.endpoint_id("partner-pe"), "Disconnected")
    ).result()
    assert disconnected.private_link_service_connection_state.actions_required == "Recreate"
    with pytest.raises(HttpResponseError) as final:
        owner.begin_create_or_update(
            net.group, "cerulean", "partner-link", _connection(net.endpoint_id("partner-pe"), "Approved")
        ).result()
    assert final.value.error.code == "PrivateEndpointConnectionDisconnected"
    owner.begin_delete(net.group, "cerulean", "partner-link").result()


def test_refusals_name_the_field_the_action_or_the_resource(net: Net) -> None:
    path = f"{net.registry_id}/privateEndpointConnections"
    with net.http() as owner:
        bad_id = owner.put(f"{path}/x", json={"properties": {"privateEndpoint": {"id": "/not/an/endpoint"}}})
        assert bad_id.status_code == 400
        assert bad_id.json()["error"]["target"] == "properties.privateEndpoint.id"
        no_id = owner.put(f"{path}/x", json={"properties": {}})
        assert (no_id.status_code, no_id.json()["error"]["target"]) == (400, "properties.privateEndpoint.id")
        bad_status = owner.put(
            f"{path}/x",
            json={"properties": {"privateEndpoint": {"id": net.endpoint_id("x")},
                                 "privateLinkServiceConnectionState": {"status": "Maybe"}}},
        )  # fmt: skip
        assert bad_status.json()["error"]["target"] == "properties.privateLinkServiceConnectionState.status"
        wrong_type = owner.put(f"{path}/x", json={"properties": {"privateEndpoint": {"id": 7}}})
        assert wrong_type.status_code == 400
        elsewhere = owner.get(path.replace("/cerulean/", "/nosuchregistry/"))
        assert elsewhere.status_code == 404
        assert owner.get(f"{path}/nosuch").json()["error"]["code"] == "PrivateEndpointConnectionNotFound"
        first = owner.put(
            f"{path}/one", json={"properties": {"privateEndpoint": {"id": net.endpoint_id("same")}}}
        )
        assert first.status_code == 201
        again = owner.put(
            f"{path}/two", json={"properties": {"privateEndpoint": {"id": net.endpoint_id("same")}}}
        )
        assert (again.status_code, again.json()["error"]["code"]) == (409, "PrivateEndpointConnectionExists")
        moved = owner.put(
            f"{path}/one", json={"properties": {"privateEndpoint": {"id": net.endpoint_id("other")}}}
        )
        assert moved.json()["error"]["code"] == "PrivateEndpointCannotChange"
        same = owner.put(
            f"{path}/one", json={"properties": {"privateEndpoint": {"id": net.endpoint_id("same")}}}
        )
        assert same.status_code == 200  # an unchanged PUT is an update, idempotent
        assert owner.delete(f"{path}/one").status_code == 200
    with net.http(net.builder) as builder:  # AcrPush: no rights on private endpoints at all
        refused = builder.get(path)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "AuthorizationFailed"
        create = builder.put(
            f"{path}/b", json={"properties": {"privateEndpoint": {"id": net.endpoint_id("b")}}}
        )
        assert create.status_code == 403
    with httpx.Client(base_url=net.server.url, verify=ssl.create_default_context(cafile=net.ca)) as anonymous:
        assert anonymous.get(path).status_code == 401


# -- clients on a private endpoint, public access disabled --------------------------------------------


def write_auth_file(path: Path, host: str, username: str, password: str) -> Path:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    path.write_text(json.dumps({"auths": {host: {"auth": token}}}))
    path.chmod(0o600)
    return path


def _skopeo(skopeo: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [skopeo, "--insecure-policy", *args], capture_output=True, text=True, timeout=180, check=False
    )


def test_skopeo_and_the_sdk_on_a_private_endpoint(net: Net, skopeo: str, tmp_path: Path) -> None:
    private = endpoint_url(net.server, "pe1")
    host = private.removeprefix("https://")
    owner = net.arm().private_endpoint_connections
    owner.begin_create_or_update(
        net.group, "cerulean", "pe1-link", _connection(net.endpoint_id("pe1"))
    ).result()
    set_network(net.server, public_network_access=False)
    try:
        auth = write_auth_file(tmp_path / "auth.json", host, *net.server.auth)
        public_auth = write_auth_file(tmp_path / "public.json", net.server.host, *net.server.auth)
        layout = tmp_path / "layout"
        image = make_image()
        write_layout(layout, image, "v1")
        pushed = _skopeo(
            skopeo, "copy", "--authfile", str(auth), "--dest-cert-dir", str(net.trust_dir),
            f"oci:{layout}:v1", f"docker://{host}/private/app:v1",
        )  # fmt: skip
        assert pushed.returncode == 0, pushed.stderr
        inspected = _skopeo(
            skopeo, "inspect", "--authfile", str(auth), "--cert-dir", str(net.trust_dir),
            f"docker://{host}/private/app:v1",
        )  # fmt: skip
        assert json.loads(inspected.stdout)["Digest"] == image.digest
        refused = _skopeo(
            skopeo, "inspect", "--authfile", str(public_auth), "--cert-dir", str(net.trust_dir),
            f"docker://{net.server.host}/private/app:v1",
        )  # fmt: skip
        assert refused.returncode != 0
        # Trusted services exist, so /v2/ challenges (a trusted one must learn its realm); the token
        # endpoint then refuses everyone else.
        assert "Requesting bearer token: invalid status code from registry 403" in refused.stderr

        with ContainerRegistryClient(private, net.credential(net.builder)) as client:
            assert "private/app" in list(client.list_repository_names())
            assert client.get_manifest_properties("private/app", "v1").digest == image.digest
        with ContainerRegistryClient(
            private, net.credential()
        ) as client:  # the Owner: AcrPull-free, but here
            assert client.get_manifest_properties("private/app", "v1").digest == image.digest
        with (
            ContainerRegistryClient(net.server.url, net.credential()) as client,
            pytest.raises((HttpResponseError, ClientAuthenticationError)) as blocked,
        ):
            client.get_manifest_properties("private/app", "v1")
        assert "is not allowed access" in str(blocked.value)
    finally:
        owner.begin_delete(net.group, "cerulean", "pe1-link").result()


# -- a trusted service through the firewall ------------------------------------------------------------


def test_a_trusted_service_passes_the_firewall_and_no_one_else(net: Net) -> None:
    set_network(net.server, network_default_action="Deny")  # and no rule: nobody on the public endpoint
    with ContainerRegistryClient(net.server.url, net.credential(net.builder)) as client:
        assert isinstance(list(client.list_repository_names()), list)
    set_network(net.server, bypass_azure_services=False)  # networkRuleBypassOptions: None
    with (
        ContainerRegistryClient(net.server.url, net.credential(net.builder)) as client,
        pytest.raises((HttpResponseError, ClientAuthenticationError)) as refused,
    ):
        list(client.list_repository_names())
    assert FIREWALL.format(ip="127.0.0.1") in str(refused.value)
    set_network(net.server, bypass_azure_services=True)
    with (
        ContainerRegistryClient(net.server.url, net.credential()) as client,
        pytest.raises((HttpResponseError, ClientAuthenticationError)) as untrusted,
    ):
        list(client.list_repository_names())
    assert FIREWALL.format(ip="127.0.0.1") in str(untrusted.value)


def test_the_challenge_on_the_public_endpoint_stays_closed_without_trusted_services(net: Net) -> None:
    set_network(net.server, network_default_action="Deny", bypass_azure_services=False)
    with httpx.Client(base_url=net.server.url, verify=ssl.create_default_context(cafile=net.ca)) as client:
        response = client.get("/v2/")
    # `az acr login` reads this 403 on /v2/ as "the registry's firewall refused you".
    assert response.status_code == 403
    assert response.json() == {"errors": [{"code": "DENIED", "message": FIREWALL.format(ip="127.0.0.1")}]}


# -- rules set through ARM ------------------------------------------------------------------------------


def test_rules_set_through_arm_apply_to_the_next_request(net: Net) -> None:
    registries = net.arm().registries
    verify = ssl.create_default_context(cafile=net.ca)

    def status(source: str) -> int:
        with client_from(source, net.server.url, verify=verify, auth=net.server.auth) as client:
            return client.get("/v2/").status_code

    assert status("127.0.0.1") == 200
    rules = NetworkRuleSet(default_action="Deny", ip_rules=[IPRule(ip_address_or_range="127.0.0.5")])
    registries.begin_update(net.group, "cerulean", RegistryUpdateParameters(network_rule_set=rules)).result()
    assert (status("127.0.0.1"), status("127.0.0.5")) == (403, 200)
    registries.begin_update(
        net.group, "cerulean", RegistryUpdateParameters(public_network_access="Disabled")
    ).result()
    assert status("127.0.0.5") == 403
    open_again = RegistryUpdateParameters(
        public_network_access="Enabled", network_rule_set=NetworkRuleSet(default_action="Allow", ip_rules=[])
    )
    registries.begin_update(net.group, "cerulean", open_again).result()
    assert status("127.0.0.1") == 200
