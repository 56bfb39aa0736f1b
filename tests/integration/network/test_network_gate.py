"""The network gate against a real server: source addresses, rules, private endpoints, proxies, bypass.

Clients choose their source address in 127.0.0.0/8 (httpx's `local_address`). The server has a TCP
private endpoint listener ``pe1`` on 127.0.0.9, a unix-socket one ``pe2``, and trusts 127.0.0.2 as a
proxy. Settings change through the database between requests; the server never restarts.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cerulean.auth.administration import RegistryAdministration
from cerulean.network import ConnectionStatus
from support.client import push_image
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
from support.oci import make_image
from support.registry_admin import administer
from support.server import RunningServer, start_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    work = tmp_path_factory.mktemp("network")
    socket_path = work / "pe2.sock"
    running = start_server(
        work / "data",
        extra_args=(
            "--private-endpoint",
            "pe1=127.0.0.9:0",
            "--private-endpoint",
            f"pe2=unix:{socket_path}=http://pe2.internal",
            "--trusted-proxy",
            "127.0.0.2/32",
        ),
    )
    yield running
    assert running.stop() == 0, "\n".join(running.output)
    assert not socket_path.exists()  # the socket goes with the server


@pytest.fixture(autouse=True)
def defaults(server: RunningServer) -> Iterator[None]:
    reset_network(server)
    drop_connections(server)
    yield
    reset_network(server)
    drop_connections(server)


def get(server: RunningServer, source: str, path: str = "/v2/", **kwargs) -> httpx.Response:
    with client_from(source, server.url, auth=server.auth) as client:
        return client.get(path, **kwargs)


def assert_firewall(response: httpx.Response, ip: str) -> None:
    assert response.status_code == 403, response.text
    error = response.json()["errors"][0]
    assert error["code"] == "DENIED"
    assert error["message"] == FIREWALL.format(ip=ip)
    assert response.json() == {"errors": [{"code": "DENIED", "message": FIREWALL.format(ip=ip)}]}  # as ACR
    assert response.headers["X-Ms-Correlation-Request-Id"]
    assert response.headers["Content-Type"].startswith("application/json")


# -- rules ---------------------------------------------------------------------------------------------


def test_default_allow_serves_every_address(server: RunningServer) -> None:
    for source in ("127.0.0.1", "127.0.0.3", "127.0.3.4"):
        assert get(server, source).status_code == 200


def test_default_deny_admits_single_ips_and_cidrs(server: RunningServer) -> None:
    set_network(server, network_default_action="Deny", ip_rules=("127.0.0.5", "127.0.1.0/24"))
    assert get(server, "127.0.0.5").status_code == 200
    assert get(server, "127.0.1.77").status_code == 200
    assert_firewall(get(server, "127.0.0.6"), "127.0.0.6")
    assert_firewall(get(server, "127.0.2.1"), "127.0.2.1")
    # Every route, known or not, before any routing or credential: nothing is learned from outside.
    assert_firewall(get(server, "127.0.0.6", "/acr/v1/_catalog"), "127.0.0.6")
    assert_firewall(get(server, "127.0.0.6", "/v2/no/such/endpoint"), "127.0.0.6")
    with client_from("127.0.0.6", server.url) as anonymous:
        assert_firewall(anonymous.get("/v2/"), "127.0.0.6")
        assert anonymous.head("/v2/").status_code == 403


def test_a_rule_change_applies_to_the_next_request(server: RunningServer) -> None:
    assert get(server, "127.0.0.6").status_code == 200
    set_network(server, network_default_action="Deny")
    assert_firewall(get(server, "127.0.0.6"), "127.0.0.6")
    set_network(server, ip_rules=("127.0.0.0/29",))
    assert get(server, "127.0.0.6").status_code == 200
    set_network(server, network_default_action="Allow", ip_rules=())
    assert get(server, "127.0.0.6").status_code == 200


def test_public_access_disabled_overrides_every_rule(server: RunningServer) -> None:
    set_network(server, public_network_access=False, network_default_action="Deny", ip_rules=("127.0.0.5",))
    assert_firewall(get(server, "127.0.0.5"), "127.0.0.5")
    assert_firewall(get(server, "127.0.0.1"), "127.0.0.1")


def test_the_management_api_and_identity_provider_are_not_the_registrys(server: RunningServer) -> None:
    set_network(server, public_network_access=False)
    record = bootstrap(server)
    registry = (
        f"/subscriptions/{record['subscriptionId']}/resourceGroups/{record['resourceGroup']}"
        f"/providers/Microsoft.ContainerRegistry/registries/{record['registryName']}"
    )
    with client_from("127.0.0.6", server.url) as client:
        assert client.get(f"/{record['tenantId']}/v2.0/.well-known/openid-configuration").status_code == 200
        assert client.get(registry).status_code == 401  # ARM's own refusal, not the firewall


# -- the token endpoints -----------------------------------------------------------------------------


def test_token_endpoints_are_blocked_the_same_way(server: RunningServer) -> None:
    set_network(server, network_default_action="Deny")
    username, password = server.auth
    with client_from("127.0.0.6", server.url) as client:
        form = {"grant_type": "password", "service": server.host, "username": username, "password": password}
        assert_firewall(client.post("/oauth2/token", data=form), "127.0.0.6")
        assert_firewall(
            client.get("/oauth2/token", params={"service": server.host}, auth=server.auth), "127.0.0.6"
        )
        exchange = {"grant_type": "access_token", "service": server.host, "access_token": "x.y.z"}
        assert_firewall(client.post("/oauth2/exchange", data=exchange), "127.0.0.6")
    with client_from("127.0.0.1", server.url) as blocked_too:
        assert_firewall(blocked_too.post("/oauth2/token", data=form), "127.0.0.1")
    set_network(server, ip_rules=("127.0.0.6",))
    with client_from("127.0.0.6", server.url) as client:
        assert client.post("/oauth2/token", data={**form, "scope": "registry:catalog:*"}).status_code == 200


def test_blocked_requests_are_audited_with_address_and_rule(server: RunningServer) -> None:
    set_network(server, network_default_action="Deny")
    assert get(server, "127.0.0.7", "/v2/audited/app/manifests/v1").status_code == 403
    with client_from("127.0.0.7", server.url, headers={"User-Agent": "blocked-agent"}) as client:
        client.post("/oauth2/exchange", data={"grant_type": "access_token"})
    categories = {"ContainerRegistryRepositoryEvents", "ContainerRegistryLoginEvents"}
    events = audit_events(
        server, result="403",
        until=lambda found: categories <= {e.category.value for e in found if e.caller_ip == "127.0.0.7"},
    )  # fmt: skip
    mine = [e for e in events if e.caller_ip == "127.0.0.7"]
    pull = next(e for e in mine if e.category.value == "ContainerRegistryRepositoryEvents")
    assert (pull.operation, pull.repository, pull.result_type) == ("Pull", "audited/app", "Failed")
    assert pull.reason == "network: refused: default action Deny and no IP rule matches client 127.0.0.7"
    login = next(e for e in mine if e.category.value == "ContainerRegistryLoginEvents")
    assert (login.operation, login.user_agent) == ("exchange", "blocked-agent")
    assert "no IP rule matches client 127.0.0.7" in login.reason

    set_network(server, network_default_action="Allow", public_network_access=False)
    assert get(server, "127.0.0.8", "/acr/v1/_catalog").status_code == 403
    events = audit_events(server, wait_for="127.0.0.8", result="403")
    catalog = next(e for e in events if e.caller_ip == "127.0.0.8")
    assert catalog.reason == "network: refused: public network access is disabled (client 127.0.0.8)"
    assert catalog.operation == "acr.catalog"


# -- private endpoints ---------------------------------------------------------------------------------


def test_a_private_endpoint_serves_while_public_access_is_disabled(server: RunningServer) -> None:
    set_network(server, public_network_access=False)
    private = endpoint_url(server, "pe1")
    assert private.startswith("http://127.0.0.9:")
    with client_from("127.0.0.1", private, auth=server.auth) as client:
        assert_firewall(client.get("/v2/"), "127.0.0.1")  # no connection yet
        put_connection(server, "pe1", ConnectionStatus.PENDING)
        assert_firewall(client.get("/v2/"), "127.0.0.1")
        put_connection(server, "pe1", ConnectionStatus.APPROVED)
        assert client.get("/v2/").status_code == 200
        push_image(client, "private/app", make_image())
        assert client.get("/v2/private/app/manifests/latest").status_code == 200
        # The challenge on a private endpoint names its own token realm, so clients stay on it.
        challenge = httpx.get(f"{private}/v2/").headers["WWW-Authenticate"]
        assert challenge.startswith(f'Bearer realm="{private}/oauth2/token",service="{server.host}"')
        token = client.get(
            "/oauth2/token", params={"service": server.host, "scope": "repository:private/app:pull"}
        )
        assert token.status_code == 200
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        assert client.get("/v2/private/app/manifests/latest", headers=bearer, auth=None).status_code == 200
        put_connection(server, "pe1", ConnectionStatus.REJECTED)
        assert_firewall(client.get("/v2/"), "127.0.0.1")
    assert_firewall(get(server, "127.0.0.1"), "127.0.0.1")  # the public endpoint stays closed


def test_private_endpoints_ignore_ip_rules(server: RunningServer) -> None:
    set_network(server, network_default_action="Deny", ip_rules=("127.0.0.5",))
    put_connection(server, "pe1")
    with client_from("127.0.0.6", endpoint_url(server, "pe1"), auth=server.auth) as client:
        assert client.get("/v2/").status_code == 200
    assert_firewall(get(server, "127.0.0.6"), "127.0.0.6")


def test_a_unix_socket_private_endpoint(server: RunningServer) -> None:
    where = endpoint_url(server, "pe2")
    assert where.startswith("unix:")
    transport = httpx.HTTPTransport(uds=where.removeprefix("unix:"))
    set_network(server, public_network_access=False)
    with httpx.Client(base_url="http://pe2.internal", transport=transport, auth=server.auth) as client:
        refused = client.get("/v2/")
        assert refused.status_code == 403
        assert refused.json()["errors"][0]["message"] == FIREWALL.format(ip="unknown")
        put_connection(server, "pe2")
        assert client.get("/v2/").status_code == 200
        challenge = client.get("/v2/", auth=None).headers["WWW-Authenticate"]
        assert challenge.startswith('Bearer realm="http://pe2.internal/oauth2/token"')


# -- trusted proxies -----------------------------------------------------------------------------------


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing(server: RunningServer) -> None:
    set_network(server, network_default_action="Deny", ip_rules=("127.0.0.5",))
    spoof = {"X-Forwarded-For": "127.0.0.5", "Forwarded": "for=127.0.0.5"}
    assert_firewall(get(server, "127.0.0.3", headers=spoof), "127.0.0.3")


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(server: RunningServer) -> None:
    set_network(server, network_default_action="Deny", ip_rules=("127.0.0.5",))
    # The client wrote the first entry itself; the proxy 127.0.0.2 appended the address it saw.
    assert get(server, "127.0.0.2", headers={"X-Forwarded-For": "6.6.6.6, 127.0.0.5"}).status_code == 200
    assert_firewall(
        get(server, "127.0.0.2", headers={"X-Forwarded-For": "127.0.0.5, 127.0.0.6"}), "127.0.0.6"
    )
    # The proxy's own requests (no header) are its own address.
    assert_firewall(get(server, "127.0.0.2"), "127.0.0.2")
    # Only X-Forwarded-For is configured: a Forwarded header is the client's text.
    assert_firewall(get(server, "127.0.0.2", headers={"Forwarded": "for=127.0.0.5"}), "127.0.0.2")
    events = audit_events(server, wait_for="127.0.0.6", result="403")
    assert any(e.caller_ip == "127.0.0.6" for e in events)  # the audit names the client, not the proxy


@pytest.mark.parametrize(
    "value",
    [
        "unknown",
        "127.0.0.5, garbage\u00ff",
        '"[::1',
        "for=",
        ",,,,",
        "1" * 60_000,
        ", ".join(["127.0.0.2"] * 3000),
        "::ffff:127.0.0.5",
        "2001:db8::1",
    ],
)
def test_malformed_and_huge_forwarding_headers_never_fail(server: RunningServer, value: str) -> None:
    set_network(server, network_default_action="Deny", ip_rules=("127.0.0.5",))
    for source in ("127.0.0.2", "127.0.0.3"):
        raw = value.encode("latin-1")
        response = get(server, source, headers={"X-Forwarded-For": raw, "Forwarded": raw})
        assert response.status_code in {200, 403, 431}, response.text
        if response.status_code == 403:
            ip = response.json()["errors"][0]["message"].split("'")[1]
            assert ip in {source, "unknown", "2001:db8::1"}
    mapped = get(server, "127.0.0.2", headers={"X-Forwarded-For": "::ffff:127.0.0.5"})
    assert mapped.status_code == 200  # an IPv4-mapped address is the IPv4 address


# -- trusted-service bypass (the registry's task identity) ---------------------------------------------


def _entra_token(server: RunningServer, app: dict[str, str], secret: str) -> str:
    tenant = bootstrap(server)["tenantId"]
    response = httpx.post(
        f"{server.url}/{tenant}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["appId"],
            "client_secret": secret,
            "scope": "https://containerregistry.azure.net/.default",
        },
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.fixture(scope="module")
def principals(server: RunningServer) -> dict[str, tuple[dict[str, str], str]]:
    record = bootstrap(server)
    registry_id = (
        f"/subscriptions/{record['subscriptionId']}/resourceGroups/{record['resourceGroup']}"
        f"/providers/Microsoft.ContainerRegistry/registries/{record['registryName']}"
    )
    found = {}
    for name in ("tasks", "outsider"):
        app = ad(server, "app", "create", f"network-{name}")
        secret = ad(server, "app", "add-secret", app["appId"])["secretText"]

        async def assign(admin: RegistryAdministration, principal: str = app["servicePrincipalId"]) -> None:
            await admin.assign_role(principal, "AcrPull", registry_id)

        administer(server.database_url, assign)
        found[name] = (app, secret)
    return found


def _exchange(client: httpx.Client, server: RunningServer, entra: str) -> httpx.Response:
    return client.post(
        "/oauth2/exchange", data={"grant_type": "access_token", "service": server.host, "access_token": entra}
    )


def test_the_task_identity_passes_the_rules_when_allowed(server: RunningServer, principals) -> None:
    tasks, secret = principals["tasks"]
    set_network(
        server,
        network_default_action="Deny",
        bypass_for_tasks=True,
        system_identity_id=tasks["servicePrincipalId"],
    )
    entra = _entra_token(server, tasks, secret)
    with client_from("127.0.0.6", server.url) as client:
        # Without credentials the client is challenged (a trusted service must learn where to log in).
        assert client.get("/v2/").status_code == 401
        exchanged = _exchange(client, server, entra)
        assert exchanged.status_code == 200, exchanged.text
        refresh = exchanged.json()["refresh_token"]
        token = client.post(
            "/oauth2/token",
            data={"grant_type": "refresh_token", "service": server.host, "refresh_token": refresh,
                  "scope": "registry:catalog:*"},
        )  # fmt: skip
        assert token.status_code == 200, token.text
        bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
        assert client.get("/v2/", headers=bearer).status_code == 200
        # Basic with the null GUID and the refresh token (docker login after az acr login).
        null = base64.b64encode(f"00000000-0000-0000-0000-000000000000:{refresh}".encode()).decode()
        assert client.get("/v2/", headers={"Authorization": f"Basic {null}"}).status_code == 200
    set_network(server, bypass_for_tasks=False)
    with client_from("127.0.0.6", server.url) as client:
        assert_firewall(_exchange(client, server, entra), "127.0.0.6")
        assert_firewall(client.get("/v2/", headers=bearer), "127.0.0.6")


def test_others_are_refused_before_their_credentials_are_checked(server: RunningServer, principals) -> None:
    tasks, _ = principals["tasks"]
    outsider, secret = principals["outsider"]
    set_network(
        server,
        network_default_action="Deny",
        bypass_for_tasks=True,
        system_identity_id=tasks["servicePrincipalId"],
    )
    with client_from("127.0.0.4", server.url) as client:
        assert_firewall(_exchange(client, server, _entra_token(server, outsider, secret)), "127.0.0.4")
        assert_firewall(client.get("/v2/", auth=server.auth), "127.0.0.4")  # the admin account is no service
        assert_firewall(client.get("/v2/", headers={"Authorization": "Bearer not-a-token"}), "127.0.0.4")
        form = {"grant_type": "password", "service": server.host, "username": "x", "password": "y"}
        assert_firewall(client.post("/oauth2/token", data=form), "127.0.0.4")
        # A forged token claiming the trusted identity gets as far as verification, and no further.
        claims = base64.urlsafe_b64encode(json.dumps({"oid": tasks["servicePrincipalId"]}).encode()).decode()
        forged = f"eyJhbGciOiJFUzI1NiJ9.{claims.rstrip('=')}.c2ln"
        assert client.get("/v2/", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
        assert _exchange(client, server, forged).status_code in {401, 403}
    events = audit_events(server, wait_for="does not name a trusted identity", result="Failed")
    refusal = next(
        e for e in events if "does not name a trusted identity" in e.reason and e.caller_ip == "127.0.0.4"
    )
    assert refusal.reason.startswith(
        "network: refused: default action Deny and no IP rule matches client 127.0.0.4"
    )


# -- IPv6 ----------------------------------------------------------------------------------------------


def test_ipv6_clients_match_no_ipv4_rule(tmp_path: Path) -> None:
    running = start_server(tmp_path / "v6", extra_args=("--listen", "[::1]:0"))
    try:
        assert running.url.startswith("http://[::1]:")
        set_network(running, network_default_action="Deny", ip_rules=("0.0.0.0/0",))
        with httpx.Client(base_url=running.url, auth=running.auth) as client:
            assert_firewall(client.get("/v2/"), "::1")
        set_network(running, network_default_action="Allow")
        with httpx.Client(base_url=running.url, auth=running.auth) as client:
            assert client.get("/v2/").status_code == 200
    finally:
        assert running.stop() == 0, "\n".join(running.output)


def test_the_serving_line_names_every_listener(server: RunningServer) -> None:
    line = next(line for line in server.output if "Cerulean is serving" in line)
    assert re.search(r"private endpoint pe1 at http://127\.0\.0\.9:\d+", line)
    assert "private endpoint pe2 at unix:" in line
