"""The unmodified Azure CLI against Cerulean: cloud registration, service-principal login, ACR and RBAC.

One server and one logged-in CLI for the module (az starts slowly). Each command's effect is checked where
it matters, mostly on the data plane: the refresh token `az acr login --expose-token` prints pulls, the
repository that was pushed is listed, the password `az acr token create` prints pulls its scope map's
repository and nothing else, and a role assignment with an ABAC condition lets its principal pull `team1/`
and not `team2/`. The attacker-side twins: a wrong secret, an unknown tenant, an unknown registry, a
tampered refresh token, a token password on another repository, a wrong, replaced, deleted or disabled token
password, a principal before and after its role, a condition that does not parse.

Known server gaps are `xfail(strict=True)` with the gap as the reason: fixing one turns it into a failure
that asks for the marker to go.

The tests run in file order and the last one switches the registry to ABAC mode (and back).
"""

from __future__ import annotations

import shlex
import ssl
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from support.azure_cli import CLOUD, Az, Cerulean, LeakTrap, seed_config_dir
from support.client import push_image
from support.identity import ad, unverified_claims, verified_claims
from support.oci import Image, make_image

NULL_GUID = "00000000-0000-0000-0000-000000000000"
HELLO = "azcli/hello"
TEAM1 = "team1/app"
TEAM2 = "team2/app"
MANIFEST_TYPES = "application/vnd.oci.image.manifest.v1+json"
REPOSITORY_READER = "Container Registry Repository Reader"
TEAM1_ONLY = (
    "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}))"
    " OR (@Request[Microsoft.ContainerRegistry/registries/repositories:name]"
    " StringStartsWithIgnoreCase 'team1/'))"
)


@dataclass
class Pushed:
    """What the Owner pushed before the CLI looks (tag v1 in each repository)."""

    images: dict[str, Image]


@pytest.fixture(scope="module")
def pushed(cerulean: Cerulean) -> Pushed:
    """Three repositories pushed by the bootstrap Owner (RBAC Registry mode lets Owner push)."""
    images = {repository: make_image() for repository in (HELLO, TEAM1, TEAM2)}
    owner = (cerulean.record["clientId"], cerulean.record["clientSecret"])
    with cerulean.http(auth=owner) as http:
        for repository, image in images.items():
            push_image(http, repository, image, "v1")
    return Pushed(images)


def _registry(cerulean: Cerulean) -> str:
    return cerulean.record["registryName"]


def _pull(skopeo: str, cerulean: Cerulean, repository: str, creds: str) -> subprocess.CompletedProcess[str]:
    """`skopeo inspect` of REPOSITORY:v1 with `--creds` (it fetches the manifest and the config blob)."""
    return subprocess.run(
        [
            skopeo, "inspect", f"--cert-dir={cerulean.trust_dir}", f"--creds={creds}",
            f"docker://{cerulean.record['loginServer']}/{repository}:v1",
        ],
        capture_output=True, text=True, timeout=120, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def _refresh_grant(cerulean: Cerulean, refresh_token: str, scope: str) -> tuple[int, str]:
    """`POST /oauth2/token` (refresh_token grant) as docker does; the status and the access token."""
    with cerulean.http() as http:
        response = http.post(
            "/oauth2/token",
            data={
                "grant_type": "refresh_token",
                "service": cerulean.record["loginServer"],
                "scope": scope,
                "refresh_token": refresh_token,
            },
        )
    return response.status_code, response.json().get("access_token", "") if response.is_success else ""


def _login(cerulean: Cerulean, username: str, password: str) -> int:
    """The status of `GET /v2/` with Basic credentials (200: they log in)."""
    with cerulean.http(auth=(username, password)) as http:
        return http.get("/v2/").status_code


# -- cloud and login ---------------------------------------------------------------------------------------


def test_cloud_register_discovers_the_endpoints_from_the_server(cloud: Az, cerulean: Cerulean) -> None:
    shown = cloud.ok("cloud", "show", "--name", CLOUD)
    assert shown["isActive"] is True
    endpoints = shown["endpoints"]
    assert endpoints["resourceManager"].rstrip("/") == cerulean.url
    assert endpoints["activeDirectory"].rstrip("/") == cerulean.record["authorityHost"]
    assert endpoints["activeDirectoryResourceId"]  # the ARM audience az asks tokens for
    assert endpoints["management"] == endpoints["activeDirectoryResourceId"]
    assert endpoints["microsoftGraphResourceId"].rstrip("/") == cerulean.url  # for --assignee look-ups
    # "cerulean" is served at 127.0.0.1: the suffix names registries made through ARM (NAME.localhost:PORT).
    assert shown["suffixes"]["acrLoginServerEndpoint"] == ".localhost:" + cerulean.url.rsplit(":", 1)[1]
    assert "az login" in cloud.fails("account", "show").errors  # registered, not logged in


def test_the_commands_the_server_prints_on_first_start_work(
    az_installed: Path, cerulean: Cerulean, trap: LeakTrap, tmp_path: Path
) -> None:
    printed = [line.strip() for line in cerulean.server.output if line.strip().startswith("az ")]
    assert [shlex.split(line)[1:3] for line in printed] == [
        ["cloud", "register"],
        ["cloud", "set"],
        ["login", "--service-principal"],
    ]
    config_dir = tmp_path / "azure"
    seed_config_dir(config_dir)
    user = Az(config_dir, cerulean.ca, trap)
    for line in printed:
        args = [
            cerulean.record["clientSecret"] if a == "$AZURE_CLIENT_SECRET" else a for a in shlex.split(line)
        ]
        user.ok(*args[1:])
    assert user.ok("account", "show")["id"] == cerulean.record["subscriptionId"]


def test_login_with_a_wrong_secret_or_tenant_fails_with_azs_message(
    cloud: Az, cerulean: Cerulean, tmp_path: Path
) -> None:
    # A fresh config dir: MSAL would answer a known client id from its token cache without asking.
    stranger = cloud.fork(tmp_path / "azure")
    record = cerulean.record
    wrong_secret = stranger.fails(
        "login", "--service-principal", "--username", record["clientId"], "--password=not-the-secret",
        "--tenant", record["tenantId"],
    )  # fmt: skip
    assert "AADSTS7000215" in wrong_secret.errors
    assert "Invalid client secret" in wrong_secret.errors
    unknown_tenant = stranger.fails(
        "login", "--service-principal", "--username", record["clientId"],
        f"--password={record['clientSecret']}", "--tenant", str(uuid.uuid4()),
    )  # fmt: skip
    assert "Unable to get authority configuration" in unknown_tenant.errors
    assert "AADSTS90002" in unknown_tenant.stderr
    assert "az login" in stranger.fails("account", "show").errors  # nothing was saved


def test_login_as_a_service_principal_finds_the_subscription(az: Az, cerulean: Cerulean) -> None:
    record = cerulean.record
    account = az.ok("account", "show")
    assert account["id"] == record["subscriptionId"]
    assert account["tenantId"] == record["tenantId"]
    assert account["state"] == "Enabled"
    assert account["isDefault"] is True
    assert account["environmentName"] == CLOUD
    assert account["user"] == {"name": record["clientId"], "type": "servicePrincipal"}
    assert [s["id"] for s in az.ok("account", "list")] == [record["subscriptionId"]]

    token = az.ok("account", "get-access-token")
    assert token["subscription"] == record["subscriptionId"]
    assert token["tenant"] == record["tenantId"]
    claims = verified_claims(
        cerulean.server,
        token["accessToken"],
        record["tenantId"],
        ssl.create_default_context(cafile=cerulean.ca),
    )
    assert claims["tid"] == record["tenantId"]
    assert claims["appid"] == record["clientId"]


# -- the registry ------------------------------------------------------------------------------------------


def test_acr_login_expose_token_prints_a_refresh_token_that_pulls(
    az: Az, cerulean: Cerulean, pushed: Pushed, skopeo: str
) -> None:
    shown = az.ok("acr", "login", "--name", _registry(cerulean), "--expose-token")
    assert shown["loginServer"] == cerulean.record["loginServer"]
    assert shown["username"] == NULL_GUID
    refresh = shown["refreshToken"]
    assert shown["accessToken"] == refresh  # az 2.91 prints the refresh token under both names
    assert unverified_claims(refresh)["aud"] == cerulean.record["loginServer"]

    status, access = _refresh_grant(cerulean, refresh, f"repository:{HELLO}:pull")
    assert status == 200
    with cerulean.http(headers={"Authorization": f"Bearer {access}", "Accept": MANIFEST_TYPES}) as http:
        manifest = http.get(f"/v2/{HELLO}/manifests/v1")
    assert manifest.status_code == 200
    assert manifest.content == pushed.images[HELLO].manifest

    as_docker = _pull(skopeo, cerulean, HELLO, f"{NULL_GUID}:{refresh}")  # what `docker login` would do
    assert as_docker.returncode == 0, as_docker.stderr

    header, payload, signature = refresh.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert _refresh_grant(cerulean, tampered, f"repository:{HELLO}:pull")[0] == 401


def test_acr_login_to_an_unknown_registry_fails_with_azs_message(az: Az) -> None:
    refused = az.fails("acr", "login", "--name", "nosuchregistry", "--expose-token")
    assert "nosuchregistry" in refused.errors
    # ARM's resource list does not have it; az then tries `<name><acrLoginServer suffix>`
    # (nosuchregistry.localhost:PORT), fails to connect there, and prints the not-found as a warning.
    assert "The resource with name 'nosuchregistry' and type 'Microsoft.ContainerRegistry/registries'" in (
        refused.stderr
    )


def test_repository_list_shows_what_was_pushed(az: Az, cerulean: Cerulean, pushed: Pushed) -> None:
    listed = az.ok("acr", "repository", "list", "--name", _registry(cerulean))
    assert sorted(listed) == sorted(pushed.images)
    tags = az.ok("acr", "repository", "show-tags", "--name", _registry(cerulean), "--repository", HELLO)
    assert tags == ["v1"]


def test_scope_map_and_token_pull_their_repository_and_nothing_else(
    az: Az, cerulean: Cerulean, pushed: Pushed, skopeo: str
) -> None:
    registry = _registry(cerulean)
    scope_map = az.ok(
        "acr", "scope-map", "create", "--name", "helloreader", "--registry", registry,
        "--repository", HELLO, "content/read", "metadata/read", "--description", "reads azcli/hello",
    )  # fmt: skip
    expected_actions = [f"repositories/{HELLO}/content/read", f"repositories/{HELLO}/metadata/read"]
    assert sorted(scope_map["actions"]) == expected_actions
    assert scope_map["name"] == "helloreader"
    assert scope_map["id"] == f"{cerulean.registry_id}/scopeMaps/helloreader"
    assert scope_map["provisioningState"] == "Succeeded"
    shown = az.ok("acr", "scope-map", "show", "--name", "helloreader", "--registry", registry)
    assert sorted(shown["actions"]) == expected_actions
    assert shown["description"] == "reads azcli/hello"

    created = az.run(
        "acr", "token", "create", "--name", "hellopull", "--registry", registry, "--scope-map", "helloreader"
    )  # fmt: skip
    assert created.returncode == 0, created.explain()
    assert f"docker login {cerulean.record['loginServer']} -u hellopull" in created.warnings
    token = created.json()
    assert token["name"] == "hellopull"
    assert token["scopeMapId"] == scope_map["id"]
    assert token["status"] == "enabled"
    credentials = token["credentials"]
    assert credentials["username"] == "hellopull"
    assert [p["name"] for p in credentials["passwords"]] == ["password1", "password2"]
    first, second = (p["value"] for p in credentials["passwords"])
    shown_token = az.ok("acr", "token", "show", "--name", "hellopull", "--registry", registry)
    assert shown_token["scopeMapId"] == scope_map["id"]
    assert [p["name"] for p in shown_token["credentials"]["passwords"]] == ["password1", "password2"]
    assert [p["value"] for p in shown_token["credentials"]["passwords"]] == [None, None]  # shown once only

    for password in (first, second):
        pulled = _pull(skopeo, cerulean, HELLO, f"hellopull:{password}")
        assert pulled.returncode == 0, pulled.stderr
    elsewhere = _pull(skopeo, cerulean, TEAM1, f"hellopull:{first}")
    assert elsewhere.returncode != 0
    assert "unauthorized" in elsewhere.stderr.lower() or "denied" in elsewhere.stderr.lower()
    assert _pull(skopeo, cerulean, HELLO, "hellopull:not-the-password").returncode != 0

    missing = az.fails(
        "acr", "token", "create", "--name", "orphan", "--registry", registry, "--scope-map", "nosuchmap"
    )
    assert "nosuchmap" in missing.errors


def test_token_passwords_regenerated_or_disabled_apply_to_the_next_login(az: Az, cerulean: Cerulean) -> None:
    registry = _registry(cerulean)
    token = az.ok(
        "acr", "token", "create", "--name", "rotated", "--registry", registry,
        "--repository", HELLO, "content/read", "metadata/read",
    )  # fmt: skip
    assert token["scopeMapId"] == f"{cerulean.registry_id}/scopeMaps/rotated-scope-map"  # made by az for it
    first, second = (p["value"] for p in token["credentials"]["passwords"])
    assert _login(cerulean, "rotated", first) == 200

    renewed = az.ok(
        "acr", "token", "credential", "generate", "--name", "rotated", "--registry", registry, "--password1"
    )
    assert [p["name"] for p in renewed["passwords"]] == ["password1"]
    new_first = renewed["passwords"][0]["value"]
    assert _login(cerulean, "rotated", first) == 401  # replaced
    assert _login(cerulean, "rotated", new_first) == 200
    assert _login(cerulean, "rotated", second) == 200  # untouched

    disabled = az.ok(
        "acr", "token", "update", "--name", "rotated", "--registry", registry, "--status", "disabled"
    )
    assert disabled["status"] == "disabled"
    assert _login(cerulean, "rotated", second) == 401


def test_token_credential_delete_revokes_the_password(az: Az, cerulean: Cerulean) -> None:
    registry = _registry(cerulean)
    token = az.ok(
        "acr", "token", "create", "--name", "revoked", "--registry", registry,
        "--repository", HELLO, "content/read",
    )  # fmt: skip
    first, second = (p["value"] for p in token["credentials"]["passwords"])
    remaining = az.ok(
        "acr", "token", "credential", "delete", "--name", "revoked", "--registry", registry, "--password1"
    )  # fmt: skip
    assert [p["name"] for p in remaining["credentials"]["passwords"]] == ["password2"]
    assert _login(cerulean, "revoked", second) == 200
    assert _login(cerulean, "revoked", first) == 401


def test_acr_login_to_a_registry_without_public_access_shows_the_firewall_message(
    az: Az, cerulean: Cerulean
) -> None:
    registry = _registry(cerulean)
    closed = az.ok("acr", "update", "--name", registry, "--public-network-enabled", "false")
    assert closed["publicNetworkAccess"] == "Disabled"
    try:
        refused = az.fails("acr", "login", "--name", registry, "--expose-token")
        assert (
            "Looks like you don't have access to registry" in refused.errors
        )  # az's words for a 403 on /v2/
        assert _login(cerulean, cerulean.record["clientId"], cerulean.record["clientSecret"]) == 403
    finally:
        opened = az.ok(
            "acr",
            "update",
            "--name",
            registry,
            "--public-network-enabled",
            "true",
            "--default-action",
            "Allow",
        )
        assert opened["publicNetworkAccess"] == "Enabled"
    assert az.ok("acr", "login", "--name", registry, "--expose-token")["loginServer"]


def test_acr_config_and_allow_exports_set_policies_az_reads_back(az: Az, cerulean: Cerulean) -> None:
    registry = _registry(cerulean)  # Premium
    try:
        retention = az.ok(
            "acr", "config", "retention", "update", "--registry", registry, "--status", "enabled",
            "--days", "30", "--type", "UntaggedManifests",
        )  # fmt: skip
        assert (retention["days"], retention["status"]) == (30, "enabled")
        assert az.ok("acr", "config", "retention", "show", "--registry", registry)["days"] == 30
        # az 2.91 only disables content trust (Docker Content Trust is deprecated); it reads it back.
        trust = az.ok(
            "acr", "config", "content-trust", "update", "-r", registry, "--status", "disabled", "--yes"
        )
        assert (trust["type"], trust["status"]) == ("Notary", "disabled")
        closed = az.ok(
            "acr",
            "update",
            "--name",
            registry,
            "--allow-exports",
            "false",
            "--public-network-enabled",
            "false",
        )
        assert closed["policies"]["exportPolicy"]["status"] == "disabled"
        assert closed["policies"]["retentionPolicy"]["days"] == 30  # az sends back what it read
        opened = az.fails("acr", "update", "--name", registry, "--public-network-enabled", "true")
        assert "public network access is disabled" in opened.errors  # exports are still off
    finally:  # the later tests need public access (az set the default action to Deny with it)
        az.ok(
            "acr", "update", "--name", registry, "--allow-exports", "true",
            "--public-network-enabled", "true", "--default-action", "Allow",
        )  # fmt: skip
        az.ok(
            "acr", "config", "retention", "update", "--registry", registry, "--status", "disabled",
            "--type", "UntaggedManifests",
        )  # fmt: skip
    shown = az.ok("acr", "show", "--name", registry)
    assert (shown["policies"]["exportPolicy"]["status"], shown["publicNetworkAccess"]) == (
        "enabled",
        "Enabled",
    )
    assert shown["networkRuleSet"]["defaultAction"] == "Allow"


def test_role_assignment_by_application_id_resolves_it_through_graph(
    az: Az, cerulean: Cerulean, pushed: Pushed, skopeo: str
) -> None:
    puller = _service_principal(cerulean, "puller")
    creds = f"{puller['appId']}:{puller['secret']}"
    assert _pull(skopeo, cerulean, HELLO, creds).returncode != 0  # no role yet
    created = az.ok(
        "role", "assignment", "create", "--assignee", puller["appId"], "--role", "AcrPull",
        "--scope", cerulean.registry_id,
    )  # fmt: skip
    assert created["principalId"] == puller["servicePrincipalId"]  # not the application id
    assert created["principalType"] == "ServicePrincipal"
    pulled = _pull(skopeo, cerulean, HELLO, creds)
    assert pulled.returncode == 0, pulled.stderr
    az.ok("role", "assignment", "delete", "--ids", created["id"])
    assert _pull(skopeo, cerulean, HELLO, creds).returncode != 0


def test_create_for_rbac_makes_a_principal_that_logs_in_pushes_and_pulls(
    az: Az, cloud: Az, cerulean: Cerulean, skopeo: str, tmp_path: Path
) -> None:
    name = f"rbac-pusher-{uuid.uuid4().hex[:6]}"
    # az: POST /applications, addPassword, POST /servicePrincipals, then the AcrPush assignment.
    created = az.ok(
        "ad", "sp", "create-for-rbac", "--name", name, "--role", "AcrPush", "--scopes", cerulean.registry_id
    )  # fmt: skip
    assert (created["displayName"], created["tenant"]) == (name, cerulean.record["tenantId"])
    app_id, password = created["appId"], created["password"]
    [principal] = az.ok("ad", "sp", "list", "--display-name", name)
    assert (principal["appId"], principal["servicePrincipalType"]) == (app_id, "Application")
    [assignment] = az.ok("role", "assignment", "list", "--assignee", app_id, "--scope", cerulean.registry_id)
    assert (assignment["principalId"], assignment["roleDefinitionName"]) == (principal["id"], "AcrPush")

    pusher = cloud.fork(tmp_path / "azure")
    accounts = pusher.ok(
        "login", "--service-principal", "--username", app_id, f"--password={password}",
        "--tenant", cerulean.record["tenantId"],
    )  # fmt: skip
    assert [a["id"] for a in accounts] == [cerulean.record["subscriptionId"]]  # its role reaches into it

    image = make_image()
    with cerulean.http(auth=(app_id, password)) as http:
        push_image(http, "rbac/pushed", image, "v1")
    pulled = _pull(skopeo, cerulean, "rbac/pushed", f"{app_id}:{password}")
    assert pulled.returncode == 0, pulled.stderr
    assert _pull(skopeo, cerulean, "rbac/pushed", f"{app_id}:not-the-password").returncode != 0
    with cerulean.http(auth=(app_id, "not-the-password")) as http:
        assert http.get("/v2/").status_code == 401


@pytest.mark.usefixtures("pushed")  # HELLO, which AcrPull lets it pull
def test_create_for_rbac_again_reuses_the_application_and_replaces_its_password(
    az: Az, cloud: Az, cerulean: Cerulean, skopeo: str, tmp_path: Path
) -> None:
    name = f"rbac-again-{uuid.uuid4().hex[:6]}"
    command = (
        "ad", "sp", "create-for-rbac", "--name", name, "--role", "AcrPull", "--scopes", cerulean.registry_id,
    )  # fmt: skip
    first = az.ok(*command)
    # The rerun: PATCH /applications/{id} {"displayName"}, removePassword for every password the application
    # has, addPassword, the principal found by displayName, and a role assignment that already exists.
    rerun = az.run(*command)
    assert rerun.returncode == 0, rerun.explain()
    assert "Found an existing application instance" in rerun.warnings
    assert "Role assignment already exists" in rerun.warnings
    second = rerun.json()
    assert (second["appId"], second["displayName"]) == (first["appId"], name)
    assert second["password"] != first["password"]
    app_id = first["appId"]
    [app] = az.ok("ad", "app", "list", "--display-name", name)
    assert (app["appId"], len(app["passwordCredentials"])) == (app_id, 1)
    [principal] = az.ok("ad", "sp", "list", "--display-name", name)
    assert principal["appId"] == app_id
    [assignment] = az.ok("role", "assignment", "list", "--assignee", app_id, "--scope", cerulean.registry_id)
    assert (assignment["principalId"], assignment["roleDefinitionName"]) == (principal["id"], "AcrPull")

    # az replaces the credentials: the new password signs in and pulls, the first one no longer does.
    puller = cloud.fork(tmp_path / "azure")
    login = ("login", "--service-principal", "--username", app_id, "--tenant", cerulean.record["tenantId"])
    puller.ok(*login, f"--password={second['password']}")
    assert _pull(skopeo, cerulean, HELLO, f"{app_id}:{second['password']}").returncode == 0
    # Its own configuration directory: MSAL would answer from the token cache the first login filled.
    stale = cloud.fork(tmp_path / "stale").fails(*login, f"--password={first['password']}")
    assert "AADSTS7000215" in stale.errors
    assert _pull(skopeo, cerulean, HELLO, f"{app_id}:{first['password']}").returncode != 0


def test_ad_sp_create_makes_the_principal_of_an_application_once(az: Az) -> None:
    app = az.ok("ad", "app", "create", "--display-name", f"two-step-{uuid.uuid4().hex[:6]}")
    assert (
        az.ok("ad", "sp", "list", "--spn", app["appId"]) == []
    )  # Graph's applications have none of their own
    principal = az.ok("ad", "sp", "create", "--id", app["appId"])
    assert (principal["appId"], principal["displayName"]) == (app["appId"], app["displayName"])
    assert [p["id"] for p in az.ok("ad", "sp", "list", "--spn", app["appId"])] == [principal["id"]]
    again = az.fails("ad", "sp", "create", "--id", app["appId"])
    assert f"the service principal name {app['appId']} is already in use" in again.errors
    unknown = str(uuid.uuid4())
    missing = az.fails("ad", "sp", "create", "--id", unknown)
    assert (
        f"The appId '{unknown}' of the service principal does not reference a valid application object"
        in (missing.errors)
    )


def test_managed_identity_logs_in_and_pulls(
    az: Az, cloud: Az, cerulean: Cerulean, pushed: Pushed, tmp_path: Path
) -> None:
    workload = ad(cerulean.server, "workload-create", f"webapp-{uuid.uuid4().hex[:6]}")
    principal = workload["systemAssigned"]["principalId"]
    for role in ("Reader", "AcrPull"):  # Reader: `az acr login -n` finds the registry through ARM
        az.ok(
            "role", "assignment", "create", "--assignee-object-id", principal,
            "--assignee-principal-type", "ServicePrincipal", "--role", role, "--scope", cerulean.registry_id,
        )  # fmt: skip
    app_service = {
        "IDENTITY_ENDPOINT": cerulean.managed_identity_url,
        "IDENTITY_HEADER": workload["identityHeader"],
    }
    webapp = cloud.fork(tmp_path / "azure", app_service)

    accounts = webapp.ok("login", "--identity")
    assert [a["id"] for a in accounts] == [cerulean.record["subscriptionId"]]
    assert accounts[0]["user"] == {
        "assignedIdentityInfo": "MSI", "name": "systemAssignedIdentity", "type": "servicePrincipal",
    }  # fmt: skip
    shown = webapp.ok("acr", "login", "--name", _registry(cerulean), "--expose-token")
    assert unverified_claims(shown["refreshToken"])["oid"] == principal
    assert _refresh_grant(cerulean, shown["refreshToken"], f"repository:{HELLO}:pull")[0] == 200
    assert webapp.ok(
        "acr", "repository", "show-tags", "--name", _registry(cerulean), "--repository", HELLO
    ) == ["v1"]


def test_managed_identity_with_a_forged_header_is_refused_with_a_message(
    cloud: Az, cerulean: Cerulean, tmp_path: Path
) -> None:
    forged = {"IDENTITY_ENDPOINT": cerulean.managed_identity_url, "IDENTITY_HEADER": "forged"}
    refused = cloud.fork(tmp_path / "azure", forged).fails("login", "--identity")
    assert "None, None" not in refused.errors
    assert "identity header" in refused.errors.lower()


def _service_principal(cerulean: Cerulean, name: str) -> dict[str, str]:
    """A new application with a secret, holding no role."""
    app = ad(cerulean.server, "app", "create", f"{name}-{uuid.uuid4().hex[:6]}")
    secret = ad(cerulean.server, "app", "add-secret", app["appId"])
    return {**app, "secret": secret["secretText"]}


@pytest.fixture
def team1_reader(cerulean: Cerulean) -> dict[str, str]:
    """A service principal with no role yet (the assignment under test gives it one)."""
    return _service_principal(cerulean, "team1-reader")


def test_role_assignment_with_a_condition_restricts_pulls_in_abac_mode(
    az: Az, cerulean: Cerulean, pushed: Pushed, skopeo: str, team1_reader: dict[str, str]
) -> None:
    registry = _registry(cerulean)
    creds = f"{team1_reader['appId']}:{team1_reader['secret']}"
    assert _pull(skopeo, cerulean, TEAM1, creds).returncode != 0  # no role yet

    switched = az.ok("acr", "update", "--name", registry, "--role-assignment-mode", "rbac-abac")
    assert switched["roleAssignmentMode"] == "AbacRepositoryPermissions"
    try:
        assign = (
            "role", "assignment", "create", "--assignee-object-id", team1_reader["servicePrincipalId"],
            "--assignee-principal-type", "ServicePrincipal", "--role", REPOSITORY_READER,
            "--scope", cerulean.registry_id,
        )  # fmt: skip
        unparsable = az.fails(
            *assign, "--condition", "((!(ActionMatches{'x'})) OR", "--condition-version", "2.0"
        )
        assert "InvalidCondition" in unparsable.errors
        assert "column" in unparsable.errors  # the parse error's position reaches the user

        created = az.ok(*assign, "--condition", TEAM1_ONLY, "--condition-version", "2.0")
        assert created["principalId"] == team1_reader["servicePrincipalId"]
        assert created["principalType"] == "ServicePrincipal"
        assert created["scope"] == cerulean.registry_id
        assert created["condition"] == TEAM1_ONLY
        assert created["conditionVersion"] == "2.0"
        assert "/providers/Microsoft.Authorization/roleDefinitions/" in created["roleDefinitionId"]

        again = az.ok(*assign, "--condition", TEAM1_ONLY, "--condition-version", "2.0")
        assert again["id"] == created["id"]  # 409 RoleAssignmentExists: az finds the existing one

        pulled = _pull(skopeo, cerulean, TEAM1, creds)
        assert pulled.returncode == 0, pulled.stderr
        assert _pull(skopeo, cerulean, TEAM2, creds).returncode != 0

        listed = az.ok("role", "assignment", "list", "--scope", cerulean.registry_id)
        mine = [a for a in listed if a["principalId"] == team1_reader["servicePrincipalId"]]
        assert [(a["id"], a["roleDefinitionName"], a["condition"]) for a in mine] == [
            (created["id"], REPOSITORY_READER, TEAM1_ONLY)
        ]

        az.ok("role", "assignment", "delete", "--ids", created["id"])
        assert _pull(skopeo, cerulean, TEAM1, creds).returncode != 0  # the deletion took effect
    finally:
        restored = az.ok("acr", "update", "--name", registry, "--role-assignment-mode", "rbac")
        assert restored["roleAssignmentMode"] == "LegacyRegistryPermissions"
