"""The Graph-shaped API: every route, and the attacker's side (no token, forged, wrong audience, no role)."""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.identity import ad, bootstrap
from support.server import RunningServer, start_server

PASSWORD = "Pa55word-for-tests"


@dataclass
class Graph:
    server: RunningServer
    tenant: str
    admin: httpx.Client

    def token(self, client_id: str, secret: str, scope: str | None = None) -> str:
        response = httpx.post(
            f"{self.server.url}/{self.tenant}/oauth2/v2.0/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
                "scope": scope or "https://graph.microsoft.com/.default",
            },
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def client(self, token: str) -> httpx.Client:
        return httpx.Client(
            base_url=self.server.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Graph]:
    server = start_server(tmp_path_factory.mktemp("graph"))
    try:
        record = bootstrap(server)
        probe = Graph(server, record["tenantId"], httpx.Client())
        token = probe.token(record["clientId"], record["clientSecret"], f"{server.url}/.default")
        with probe.client(token) as admin:
            yield Graph(server, record["tenantId"], admin)
    finally:
        assert server.stop() == 0, "\n".join(server.output)


def _error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["innerError"]["request-id"]
    return error


def _application(graph: Graph, name: str) -> dict[str, Any]:
    """`POST /applications` then `POST /servicePrincipals`, as `az ad sp create-for-rbac` does."""
    app: dict[str, Any] = graph.admin.post("/v1.0/applications", json={"displayName": name}).json()
    created = graph.admin.post("/v1.0/servicePrincipals", json={"appId": app["appId"]})
    assert created.status_code == 201, created.text
    return app


def test_organization(graph: Graph) -> None:
    [organization] = graph.admin.get("/v1.0/organization").json()["value"]
    assert organization["id"] == graph.tenant


def test_users(graph: Graph) -> None:
    created = graph.admin.post(
        "/v1.0/users",
        json={
            "accountEnabled": True,
            "displayName": "Bob",
            "userPrincipalName": "bob@contoso.test",
            "passwordProfile": {"password": PASSWORD},
        },
    )
    assert created.status_code == 201, created.text
    bob = created.json()
    assert PASSWORD not in created.text
    assert "argon2" not in created.text
    assert graph.admin.get(f"/v1.0/users/{bob['id']}").json()["userPrincipalName"] == "bob@contoso.test"
    assert graph.admin.get("/v1.0/users/BOB@contoso.test").json()["id"] == bob["id"]
    found = graph.admin.get(
        "/v1.0/users", params={"$filter": "userPrincipalName eq 'bob@contoso.test'"}
    ).json()
    assert [u["id"] for u in found["value"]] == [bob["id"]]
    duplicate = graph.admin.post(
        "/v1.0/users",
        json={
            "displayName": "Bob",
            "userPrincipalName": "Bob@Contoso.test",
            "passwordProfile": {"password": PASSWORD},
        },
    )
    assert "userPrincipalName already exists" in _error(duplicate, 400, "Request_BadRequest")["message"]
    patched = graph.admin.patch(
        f"/v1.0/users/{bob['id']}", json={"displayName": "Robert", "accountEnabled": False}
    )
    assert patched.status_code == 204
    assert graph.admin.get(f"/v1.0/users/{bob['id']}").json()["accountEnabled"] is False
    _error(graph.admin.get(f"/v1.0/users/{uuid.uuid4()}"), 404, "Request_ResourceNotFound")
    _error(graph.admin.post("/v1.0/users", json={"displayName": "x"}), 400, "Request_BadRequest")
    _error(graph.admin.post("/v1.0/users", content=b"{not json"), 400, "Request_BadRequest")


def test_groups_and_members(graph: Graph) -> None:
    group = graph.admin.post(
        "/v1.0/groups", json={"displayName": "pushers", "mailEnabled": False, "securityEnabled": True}
    ).json()
    app = _application(graph, "member-app")
    [principal] = graph.admin.get(
        "/v1.0/servicePrincipals", params={"$filter": f"appId eq '{app['appId']}'"}
    ).json()["value"]
    reference = {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{principal['id']}"}
    assert graph.admin.post(f"/v1.0/groups/{group['id']}/members/$ref", json=reference).status_code == 204
    _error(
        graph.admin.post(f"/v1.0/groups/{group['id']}/members/$ref", json=reference),
        400,
        "Request_BadRequest",
    )
    members = graph.admin.get(f"/v1.0/groups/{group['id']}/members").json()["value"]
    assert [m["id"] for m in members] == [principal["id"]]
    missing = {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{uuid.uuid4()}"}
    _error(
        graph.admin.post(f"/v1.0/groups/{group['id']}/members/$ref", json=missing),
        404,
        "Request_ResourceNotFound",
    )
    assert graph.admin.delete(f"/v1.0/groups/{group['id']}/members/{principal['id']}/$ref").status_code == 204
    assert graph.admin.get(f"/v1.0/groups/{group['id']}/members").json()["value"] == []
    assert graph.admin.get(f"/v1.0/groups/{group['id']}").json()["displayName"] == "pushers"


def test_applications_passwords_and_federation(graph: Graph) -> None:
    app = graph.admin.post("/v1.0/applications", json={"displayName": "ci"}).json()
    assert app["passwordCredentials"] == []
    added = graph.admin.post(
        f"/v1.0/applications/{app['id']}/addPassword",
        json={"passwordCredential": {"displayName": "pipeline"}},
    ).json()
    secret = added["secretText"]
    assert added["hint"] == secret[:3]
    no_principal = httpx.post(
        f"{graph.server.url}/{graph.tenant}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["appId"],
            "client_secret": secret,
            "scope": "https://containerregistry.azure.net/.default",
        },
    )
    assert no_principal.status_code == 401
    assert (no_principal.json()["error"], no_principal.json()["error_codes"]) == ("invalid_client", [7000229])
    assert graph.admin.post("/v1.0/servicePrincipals", json={"appId": app["appId"]}).status_code == 201
    token = graph.token(app["appId"], secret, "https://containerregistry.azure.net/.default")
    assert token
    listed = graph.admin.get(f"/v1.0/applications/{app['id']}").json()
    assert [c["keyId"] for c in listed["passwordCredentials"]] == [added["keyId"]]
    assert listed["passwordCredentials"][0]["secretText"] is None
    assert secret not in graph.admin.get("/v1.0/applications").text
    by_app_id = graph.admin.get("/v1.0/applications", params={"$filter": f"appId eq '{app['appId']}'"}).json()
    assert [a["id"] for a in by_app_id["value"]] == [app["id"]]
    assert (
        graph.admin.post(
            f"/v1.0/applications/{app['id']}/removePassword", json={"keyId": added["keyId"]}
        ).status_code
        == 204
    )
    refused = httpx.post(
        f"{graph.server.url}/{graph.tenant}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["appId"],
            "client_secret": secret,
            "scope": "https://containerregistry.azure.net/.default",
        },
    )
    assert refused.json()["error_codes"] == [7000215]
    federated = graph.admin.post(
        f"/v1.0/applications/{app['id']}/federatedIdentityCredentials",
        json={
            "name": "github-main",
            "issuer": "https://token.actions.githubusercontent.com",
            "subject": "repo:org/repo:ref:refs/heads/main",
            "audiences": ["api://AzureADTokenExchange"],
        },
    )
    assert federated.status_code == 201, federated.text
    listed_fic = graph.admin.get(f"/v1.0/applications/{app['id']}/federatedIdentityCredentials").json()[
        "value"
    ]
    assert [f["name"] for f in listed_fic] == ["github-main"]


def test_an_application_has_a_service_principal_only_once_one_is_created(graph: Graph) -> None:
    app = graph.admin.post("/v1.0/applications", json={"displayName": "two-step"}).json()
    by_app_id = {"$filter": f"appId eq '{app['appId']}'"}
    assert graph.admin.get("/v1.0/servicePrincipals", params=by_app_id).json()["value"] == []
    found = graph.admin.get("/v1.0/applications", params={"$filter": "startswith(displayName,'TWO-st')"})
    assert [a["id"] for a in found.json()["value"]] == [app["id"]]  # what `az ad app create` asks first

    created = graph.admin.post(
        "/v1.0/servicePrincipals", json={"appId": app["appId"], "accountEnabled": True}
    )
    assert created.status_code == 201, created.text
    principal = created.json()
    assert principal["@odata.type"] == "#microsoft.graph.servicePrincipal"
    assert (principal["appId"], principal["displayName"], principal["servicePrincipalType"]) == (
        app["appId"],
        "two-step",
        "Application",
    )
    assert principal["accountEnabled"] is True
    assert principal["id"] != app["id"]
    assert app["appId"] in principal["servicePrincipalNames"]
    assert graph.admin.get(f"/v1.0/servicePrincipals/{principal['id']}").json() == principal
    assert graph.admin.get("/v1.0/servicePrincipals", params=by_app_id).json()["value"] == [principal]

    again = _error(
        graph.admin.post("/v1.0/servicePrincipals", json={"appId": app["appId"].upper()}),
        409,
        "Request_MultipleObjectsWithSameKeyValue",
    )
    assert again["message"] == (
        "The service principal cannot be created, updated, or restored because the service principal name "
        f"{app['appId'].upper()} is already in use."
    )
    assert len(graph.admin.get("/v1.0/servicePrincipals", params=by_app_id).json()["value"]) == 1


def test_a_service_principal_needs_an_application_of_the_tenant(graph: Graph) -> None:
    unknown = str(uuid.uuid4())
    refused = _error(
        graph.admin.post("/v1.0/servicePrincipals", json={"appId": unknown}), 400, "Request_BadRequest"
    )
    message = f"The appId '{unknown}' of the service principal does not reference a valid application object."
    assert refused["message"] == message
    assert refused["details"] == [
        {"code": "NoBackingApplicationObject", "message": message, "target": "appId"}
    ]
    other = ad(graph.server, "tenant-create", "Northwind", "--domain", "northwind.test")
    foreign = ad(graph.server, "app", "create", "northwind-app", "--tenant", other["tenantId"])
    _error(
        graph.admin.post("/v1.0/servicePrincipals", json={"appId": foreign["appId"]}),
        400,
        "Request_BadRequest",
    )
    app = graph.admin.post("/v1.0/applications", json={"displayName": "bad-bodies"}).json()
    for body in ({}, {"appId": ""}, {"appId": 5}, {"appId": app["appId"], "accountEnabled": "yes"}):
        _error(graph.admin.post("/v1.0/servicePrincipals", json=body), 400, "Request_BadRequest")
    assert (
        graph.admin.get("/v1.0/servicePrincipals", params={"$filter": f"appId eq '{app['appId']}'"}).json()[
            "value"
        ]
        == []
    )
    disabled = graph.admin.post(
        "/v1.0/servicePrincipals", json={"appId": app["appId"], "accountEnabled": False}
    )
    assert disabled.json()["accountEnabled"] is False


def test_creating_a_service_principal_is_refused_without_the_role(graph: Graph) -> None:
    app = graph.admin.post("/v1.0/applications", json={"displayName": "wanted"}).json()
    anonymous = httpx.post(f"{graph.server.url}/v1.0/servicePrincipals", json={"appId": app["appId"]})
    _error(anonymous, 401, "InvalidAuthenticationToken")
    _, nobody = _app_with_role(graph, "sp-creator-without-role", None)
    with nobody:
        denied = _error(
            nobody.post("/v1.0/servicePrincipals", json={"appId": app["appId"]}),
            403,
            "Authorization_RequestDenied",
        )
        assert denied["message"] == "Insufficient privileges to complete the operation."
    assert (
        graph.admin.get("/v1.0/servicePrincipals", params={"$filter": f"appId eq '{app['appId']}'"}).json()[
            "value"
        ]
        == []
    )


def test_service_principal_filters_the_cli_uses(graph: Graph) -> None:
    app = _application(graph, "lookup")
    by_name = graph.admin.get(
        "/v1.0/servicePrincipals", params={"$filter": f"servicePrincipalNames/any(c:c eq '{app['appId']}')"}
    ).json()
    [principal] = by_name["value"]
    assert (principal["appId"], principal["servicePrincipalType"]) == (app["appId"], "Application")
    assert graph.admin.get(f"/v1.0/servicePrincipals/{principal['id']}").json()["id"] == principal["id"]
    uami = ad(graph.server, "identity-create", "graph-uami")
    [mi] = graph.admin.get(
        "/v1.0/servicePrincipals", params={"$filter": f"appId eq '{uami['clientId']}'"}
    ).json()["value"]
    assert mi["servicePrincipalType"] == "ManagedIdentity"
    assert uami["id"] in mi["servicePrincipalNames"]
    for garbage in ("appId ne 'x'", "appId eq 'x' or 1 eq 1", "passwordHash eq 'x'", "appId eq x"):
        _error(
            graph.admin.get("/v1.0/servicePrincipals", params={"$filter": garbage}), 400, "Request_BadRequest"
        )


def test_sign_in_log(graph: Graph) -> None:
    httpx.post(
        f"{graph.server.url}/{graph.tenant}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": str(uuid.uuid4()),
            "client_secret": "guess",
            "scope": "https://containerregistry.azure.net/.default",
        },
    )
    deadline = time.monotonic() + 10  # sign-ins are recorded in batches
    while True:
        events = graph.admin.get("/v1.0/auditLogs/signIns", params={"$top": "50"}).json()["value"]
        if any(e["status"]["errorCode"] == 700016 for e in events) or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert any(e["status"]["errorCode"] == 700016 for e in events)
    assert any(e["status"]["errorCode"] == 0 for e in events)
    _error(graph.admin.get("/v1.0/auditLogs/signIns", params={"$top": "0"}), 400, "Request_BadRequest")


def test_no_token_forged_token_and_wrong_audience(graph: Graph) -> None:
    anonymous = httpx.get(f"{graph.server.url}/v1.0/users")
    _error(anonymous, 401, "InvalidAuthenticationToken")
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    token = graph.admin.headers["Authorization"].split()[1]
    head, body, signature = token.split(".")
    with graph.client(f"{head}.{body}.{signature[:-4]}AAAA") as forged:
        _error(forged.get("/v1.0/users"), 401, "InvalidAuthenticationToken")
    record = bootstrap(graph.server)
    arm = graph.token(record["clientId"], record["clientSecret"], "https://management.azure.com/.default")
    with graph.client(arm) as wrong_audience:
        _error(wrong_audience.get("/v1.0/users"), 401, "InvalidAuthenticationToken")


def test_a_principal_without_directory_roles_is_refused(graph: Graph, tmp_path: Path) -> None:
    app = _application(graph, "no-roles")
    secret = graph.admin.post(f"/v1.0/applications/{app['id']}/addPassword", json={}).json()["secretText"]
    with graph.client(graph.token(app["appId"], secret)) as nobody:
        _error(nobody.get("/v1.0/users"), 403, "Authorization_RequestDenied")
        _error(
            nobody.post("/v1.0/applications", json={"displayName": "sneaky"}),
            403,
            "Authorization_RequestDenied",
        )
        _error(
            nobody.post(f"/v1.0/applications/{app['id']}/addPassword", json={}),
            403,
            "Authorization_RequestDenied",
        )
    assert "sneaky" not in graph.admin.get("/v1.0/applications").text
    del tmp_path


def test_other_tenant_sees_nothing(graph: Graph) -> None:
    other = ad(graph.server, "tenant-create", "Fabrikam", "--domain", "fabrikam.test")
    app = ad(graph.server, "app", "create", "fabrikam-admin", "--tenant", other["tenantId"])
    ad(graph.server, "role-grant", app["servicePrincipalId"], "--role", "global-administrator")
    secret = ad(graph.server, "app", "add-secret", app["appId"], "--tenant", other["tenantId"])["secretText"]
    token = httpx.post(
        f"{graph.server.url}/{other['tenantId']}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": app["appId"],
            "client_secret": secret,
            "scope": "https://graph.microsoft.com/.default",
        },
    ).json()["access_token"]
    home_user = {
        "accountEnabled": True,
        "displayName": "Home",
        "userPrincipalName": "home@contoso.test",
        "passwordProfile": {"password": PASSWORD},
    }  # its own: the test must not rely on others having made users first
    assert graph.admin.post("/v1.0/users", json=home_user).status_code == 201
    home_users = graph.admin.get("/v1.0/users").json()["value"]
    home_apps = graph.admin.get("/v1.0/applications").json()["value"]
    assert home_users
    with graph.client(token) as foreign:
        # A Global Administrator of the other tenant sees only that tenant.
        assert foreign.get("/v1.0/users").json()["value"] == []
        assert [a["appId"] for a in foreign.get("/v1.0/applications").json()["value"]] == [app["appId"]]
        _error(foreign.get(f"/v1.0/users/{home_users[0]['id']}"), 404, "Request_ResourceNotFound")
        _error(
            foreign.post(f"/v1.0/applications/{home_apps[0]['id']}/addPassword", json={}),
            404,
            "Request_ResourceNotFound",
        )
        [organization] = foreign.get("/v1.0/organization").json()["value"]
        assert organization["id"] == other["tenantId"]


def test_unknown_paths_and_methods(graph: Graph) -> None:
    _error(graph.admin.get("/v1.0/devices"), 400, "BadRequest")
    _error(graph.admin.delete("/v1.0/users"), 405, "Request_BadRequest")


def _app_with_role(graph: Graph, name: str, role: str | None) -> tuple[dict[str, Any], httpx.Client]:
    app = _application(graph, name)
    secret = graph.admin.post(f"/v1.0/applications/{app['id']}/addPassword", json={}).json()["secretText"]
    [principal] = graph.admin.get(
        "/v1.0/servicePrincipals", params={"$filter": f"appId eq '{app['appId']}'"}
    ).json()["value"]
    if role:
        ad(graph.server, "role-grant", principal["id"], "--role", role)
    return principal, graph.client(graph.token(app["appId"], secret))


def test_each_directory_role_reads_and_writes_what_it_should(graph: Graph) -> None:
    expected = {
        "directory-readers": (200, 403, 403, 403, 403, 403),
        "user-administrator": (200, 201, 201, 403, 403, 403),
        "groups-administrator": (200, 403, 201, 403, 403, 403),
        "application-administrator": (200, 403, 403, 201, 403, 201),
        "reports-reader": (403, 403, 403, 403, 200, 403),
    }
    for role, statuses in expected.items():
        _, client = _app_with_role(graph, f"role-{role}", role)
        unprincipled = graph.admin.post("/v1.0/applications", json={"displayName": f"sp-{role}"}).json()
        with client:
            upn = f"{uuid.uuid4().hex[:8]}@contoso.test"
            got = (
                client.get("/v1.0/users").status_code,
                client.post(
                    "/v1.0/users",
                    json={
                        "displayName": "x",
                        "userPrincipalName": upn,
                        "passwordProfile": {"password": PASSWORD},
                    },
                ).status_code,
                client.post("/v1.0/groups", json={"displayName": "g"}).status_code,
                client.post("/v1.0/applications", json={"displayName": "a"}).status_code,
                client.get("/v1.0/auditLogs/signIns").status_code,
                client.post("/v1.0/servicePrincipals", json={"appId": unprincipled["appId"]}).status_code,
            )
        assert got == statuses, role


def test_a_role_held_through_a_group(graph: Graph) -> None:
    principal, client = _app_with_role(graph, "via-group", None)
    with client:
        _error(client.get("/v1.0/users"), 403, "Authorization_RequestDenied")
        group = graph.admin.post("/v1.0/groups", json={"displayName": "readers"}).json()
        ad(graph.server, "role-grant", group["id"], "--role", "directory-readers")
        reference = {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{principal['id']}"}
        assert graph.admin.post(f"/v1.0/groups/{group['id']}/members/$ref", json=reference).status_code == 204
        assert client.get("/v1.0/users").status_code == 200


def test_display_name_filter_with_an_escaped_quote(graph: Graph) -> None:
    app = _application(graph, "Name With 'Quote")
    found = graph.admin.get(
        "/v1.0/servicePrincipals", params={"$filter": "displayName eq 'Name With ''Quote'"}
    )
    assert [p["appId"] for p in found.json()["value"]] == [app["appId"]]


def test_unsigned_and_tampered_tokens(graph: Graph) -> None:
    token = graph.admin.headers["Authorization"].split()[1]
    head, payload, signature = token.split(".")
    none = base64.urlsafe_b64encode(json.dumps({"alg": "none", "typ": "JWT"}).encode()).rstrip(b"=").decode()
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["oid"] = str(uuid.uuid4())
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    for bad in (
        f"{none}.{payload}.",
        f"{none}.{payload}.{signature}",
        f"{head}.{forged}.{signature}",
        "a.b.c",
    ):
        response = httpx.get(f"{graph.server.url}/v1.0/users", headers={"Authorization": f"Bearer {bad}"})
        _error(response, 401, "InvalidAuthenticationToken")
    basic = httpx.get(f"{graph.server.url}/v1.0/users", headers={"Authorization": f"Basic {token}"})
    _error(basic, 401, "InvalidAuthenticationToken")


def test_only_graph_audiences_are_accepted(graph: Graph) -> None:
    record = bootstrap(graph.server)
    for scope in (
        "https://containerregistry.azure.net/.default",
        "https://management.core.windows.net//.default",
    ):
        with graph.client(graph.token(record["clientId"], record["clientSecret"], scope)) as other:
            _error(other.get("/v1.0/users"), 401, "InvalidAuthenticationToken")
    cli_graph = graph.token(record["clientId"], record["clientSecret"], f"{graph.server.url}//.default")
    with graph.client(cli_graph) as cli:
        assert cli.get("/v1.0/users").status_code == 200


def test_password_change_and_a_refused_patch_changes_nothing(graph: Graph) -> None:
    user = graph.admin.post(
        "/v1.0/users",
        json={
            "displayName": "Carol",
            "userPrincipalName": "carol@contoso.test",
            "passwordProfile": {"password": PASSWORD},
        },
    ).json()

    def sign_in(password: str) -> int:
        return httpx.post(
            f"{graph.server.url}/{graph.tenant}/oauth2/v2.0/token",
            data={
                "grant_type": "password",
                "client_id": "04b07795-8ddb-461a-bbee-02f9e1bf7b46",
                "username": "carol@contoso.test",
                "password": password,
                "scope": "https://graph.microsoft.com/.default",
            },
        ).status_code

    assert (
        graph.admin.patch(
            f"/v1.0/users/{user['id']}", json={"passwordProfile": {"password": "Pa55word-second-2"}}
        ).status_code
        == 204
    )
    assert (sign_in(PASSWORD), sign_in("Pa55word-second-2")) == (400, 200)
    for refused in (
        {"displayName": "Changed", "passwordProfile": {"password": 5}},
        {"displayName": "Changed", "passwordProfile": {"password": "short"}},
        {"displayName": "Changed", "accountEnabled": "yes"},
    ):
        _error(graph.admin.patch(f"/v1.0/users/{user['id']}", json=refused), 400, "Request_BadRequest")
    after = graph.admin.get(f"/v1.0/users/{user['id']}").json()
    assert (after["displayName"], after["accountEnabled"]) == ("Carol", True)
    assert sign_in("Pa55word-second-2") == 200
    disabled = graph.admin.post(
        "/v1.0/users",
        json={
            "displayName": "Dan",
            "userPrincipalName": "dan@contoso.test",
            "accountEnabled": False,
            "passwordProfile": {"password": PASSWORD},
        },
    ).json()
    assert disabled["accountEnabled"] is False


def test_secret_lifetimes_and_federated_descriptions(graph: Graph) -> None:
    app = graph.admin.post("/v1.0/applications", json={"displayName": "lifetimes"}).json()
    dated = graph.admin.post(
        f"/v1.0/applications/{app['id']}/addPassword",
        json={"passwordCredential": {"endDateTime": "2027-06-01T00:00:00.0000000Z"}},
    )
    assert dated.json()["endDateTime"] == "2027-06-01T00:00:00Z"
    for bad in ("tomorrow", "2001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"):
        refused = graph.admin.post(
            f"/v1.0/applications/{app['id']}/addPassword", json={"passwordCredential": {"endDateTime": bad}}
        )
        _error(refused, 400, "Request_BadRequest")
    created = graph.admin.post(
        f"/v1.0/applications/{app['id']}/federatedIdentityCredentials",
        json={
            "name": "with-description",
            "issuer": "https://issuer.example",
            "subject": "s",
            "description": "deploys from main",
        },
    ).json()
    assert created["description"] == "deploys from main"


def test_odd_paths_never_fail_the_server(graph: Graph) -> None:
    for path in (
        "/v1.0/users/%2e%2e",
        "/v1.0/users/..%2Fgroups",
        "/v1.0/users/" + "a" * 300,
        "/v1.0/groups/x/members/y/$ref",
        "/v1.0/applications/x/addPassword",
        "/v1.0/",
    ):
        for method in ("GET", "POST", "DELETE", "PATCH"):
            response = graph.admin.request(method, path, json={})
            assert 400 <= response.status_code < 500, (method, path, response.text)
            assert "error" in response.json()


def test_patch_application_renames_it_and_keeps_the_rest(graph: Graph) -> None:
    app = _application(graph, "patch-me")
    secret = graph.admin.post(f"/v1.0/applications/{app['id']}/addPassword", json={}).json()
    # What `az ad sp create-for-rbac -n NAME` sends when NAME exists: the same name again.
    same = graph.admin.patch(f"/v1.0/applications/{app['id']}", json={"displayName": "patch-me"})
    assert (same.status_code, same.content) == (204, b"")
    renamed = graph.admin.patch(
        f"/v1.0/applications/{app['id'].upper()}",
        json={"@odata.type": "#microsoft.graph.application", "displayName": "  patched  "},
    )
    assert renamed.status_code == 204, renamed.text
    assert graph.admin.patch(f"/v1.0/applications/{app['id']}", json={}).status_code == 204
    after = graph.admin.get(f"/v1.0/applications/{app['id']}").json()
    assert (after["displayName"], after["appId"], after["createdDateTime"]) == (
        "patched",
        app["appId"],
        app["createdDateTime"],
    )
    assert [c["keyId"] for c in after["passwordCredentials"]] == [secret["keyId"]]
    assert graph.token(app["appId"], secret["secretText"], "https://containerregistry.azure.net/.default")
    found = graph.admin.get("/v1.0/applications", params={"$filter": "displayName eq 'patched'"}).json()
    assert [a["id"] for a in found["value"]] == [app["id"]]
    # The service principal is an object of its own: it keeps its name.
    [principal] = graph.admin.get(
        "/v1.0/servicePrincipals", params={"$filter": f"appId eq '{app['appId']}'"}
    ).json()["value"]
    assert principal["displayName"] == "patch-me"


def test_patch_application_refuses_bad_bodies_and_changes_nothing(graph: Graph) -> None:
    app = graph.admin.post("/v1.0/applications", json={"displayName": "unchanged"}).json()
    path = f"/v1.0/applications/{app['id']}"
    refusals = {
        "Invalid property 'responseHeaders'.": {"displayName": "x", "responseHeaders": {}},
        "Invalid property '@odata.type'.": {"@odata.type": "#microsoft.graph.user"},
        "New password credentials must be generated using service actions.": {
            "displayName": "x",
            "passwordCredentials": [{"displayName": "sneaky"}],
        },
        "Property 'identifierUris' of application is not supported by this server.": {
            "displayName": "x",
            "identifierUris": ["api://x"],
        },
        "Property 'appId' of application is not supported by this server.": {"appId": str(uuid.uuid4())},
        "Invalid value specified for property 'displayName' of resource.": {"displayName": "   "},
    }
    for message, body in refusals.items():
        assert _error(graph.admin.patch(path, json=body), 400, "Request_BadRequest")["message"] == message
    for body in ({"displayName": None}, {"displayName": 5}, {"displayName": "n" * 257}):
        _error(graph.admin.patch(path, json=body), 400, "Request_BadRequest")
    for raw in (b"{not json", b"[]", b'"displayName"'):
        _error(graph.admin.patch(path, content=raw), 400, "Request_BadRequest")
    after = graph.admin.get(path).json()
    assert (after["displayName"], after["appId"], after["passwordCredentials"]) == (
        "unchanged",
        app["appId"],
        [],
    )
    longest = graph.admin.patch(path, json={"displayName": "n" * 256})
    assert longest.status_code == 204, longest.text


def test_patch_application_is_refused_to_strangers(graph: Graph) -> None:
    app = _application(graph, "guarded")
    path = f"/v1.0/applications/{app['id']}"
    unknown = graph.admin.patch(f"/v1.0/applications/{uuid.uuid4()}", json={"displayName": "x"})
    _error(unknown, 404, "Request_ResourceNotFound")
    _error(
        httpx.patch(f"{graph.server.url}{path}", json={"displayName": "x"}), 401, "InvalidAuthenticationToken"
    )
    for role in (None, "directory-readers", "user-administrator", "groups-administrator"):
        _, client = _app_with_role(graph, f"patcher-{role}", role)
        with client:
            _error(client.patch(path, json={"displayName": "taken"}), 403, "Authorization_RequestDenied")
    _, admin = _app_with_role(graph, "patcher-application-administrator", "application-administrator")
    with admin:
        assert admin.patch(path, json={"displayName": "by-app-admin"}).status_code == 204
    other = ad(graph.server, "tenant-create", "Tailspin", "--domain", "tailspin.test")
    foreign = ad(graph.server, "app", "create", "tailspin-admin", "--tenant", other["tenantId"])
    ad(graph.server, "role-grant", foreign["servicePrincipalId"], "--role", "global-administrator")
    secret = ad(graph.server, "app", "add-secret", foreign["appId"], "--tenant", other["tenantId"])[
        "secretText"
    ]
    token = httpx.post(
        f"{graph.server.url}/{other['tenantId']}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": foreign["appId"],
            "client_secret": secret,
            "scope": "https://graph.microsoft.com/.default",
        },
    ).json()["access_token"]
    with graph.client(token) as stranger:
        # Another tenant's Global Administrator: the application does not exist for it.
        _error(stranger.patch(path, json={"displayName": "hijacked"}), 404, "Request_ResourceNotFound")
    assert graph.admin.get(path).json()["displayName"] == "by-app-admin"
