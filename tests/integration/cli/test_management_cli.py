"""The management commands (`cerulean acr|role|identity|access|ad sp`) against a real TLS server.

The CLI runs as a subprocess with the server's data directory, so it finds bootstrap.json and talks
to the server over HTTP only. Each change is checked where it matters: passwords the CLI printed log
in (skopeo, or a plain /v2/ request), a repository outside a token's scope map is refused, a condition
the CLI assigned restricts pulls, the auth file `acr login` wrote is accepted by skopeo. Failures are
checked too: an API error exits 1 with its ARM code on stderr, never a traceback.
"""

from __future__ import annotations

import base64
import json
import os
import ssl
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.client import push_image
from support.identity import bootstrap
from support.network import client_from, reset_network, set_network
from support.oci import make_image
from support.server import RunningServer, start_server

NULL_GUID = "00000000-0000-0000-0000-000000000000"
READER = "Container Registry Repository Reader"
MANIFEST = {"Accept": "application/vnd.oci.image.manifest.v1+json"}


@dataclass
class Cli:
    server: RunningServer
    record: dict[str, str]
    work: Path

    @property
    def registry_id(self) -> str:
        r = self.record
        return (
            f"/subscriptions/{r['subscriptionId']}/resourceGroups/{r['resourceGroup']}"
            f"/providers/Microsoft.ContainerRegistry/registries/{r['registryName']}"
        )

    @property
    def host(self) -> str:
        return self.server.host

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "CERULEAN_"))}
        return {**env, "HOME": str(self.work / "home"), "REGISTRY_AUTH_FILE": str(self.auth_file), **extra}

    @property
    def auth_file(self) -> Path:
        return self.work / "auth.json"

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cerulean", *args, "--data-dir", str(self.server.data_dir)],
            env=env or self.env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--output", "json"))

    def fails(self, *args: str, code: str) -> str:
        result = self.run(*args)
        assert result.returncode == 1, result.stdout + result.stderr
        assert result.stderr.startswith(f"cerulean: {code}: "), result.stderr
        assert "Traceback" not in result.stderr
        return result.stderr

    def http(self, auth: tuple[str, str] | None = None) -> httpx.Client:
        context = ssl.create_default_context(cafile=self.record["caBundle"])
        return httpx.Client(base_url=self.server.url, verify=context, timeout=60, auth=auth)

    @property
    def owner(self) -> tuple[str, str]:
        return self.record["clientId"], self.record["clientSecret"]

    def skopeo(self, *args: str) -> subprocess.CompletedProcess[str]:
        trust = self.server.data_dir / "tls" / "trust"
        return subprocess.run(
            ["skopeo", "--insecure-policy", *args[:1], "--cert-dir", str(trust), *args[1:]],
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    work = tmp_path_factory.mktemp("cli")
    (work / "home").mkdir()
    server = start_server(work / "data", extra_args=("--tls", "auto"), admin=False)
    try:
        yield Cli(server, bootstrap(server), work)
    finally:
        server.stop()


@pytest.fixture(scope="module")
def pushed(cli: Cli) -> dict[str, str]:
    """Two repositories with a `v1` tag, pushed by the bootstrap owner (RBAC Registry mode)."""
    with cli.http(auth=cli.owner) as http:
        return {repo: push_image(http, repo, make_image(), "v1") for repo in ("cli/team1", "cli/team2")}


def _pulls(cli: Cli, auth: tuple[str, str], repository: str) -> bool:
    with cli.http(auth=auth) as http:
        status = http.get(f"/v2/{repository}/manifests/v1", headers=MANIFEST).status_code
    assert status in {200, 401, 403}, status
    return status == 200


# -- registries and the admin account --------------------------------------------------------------


def test_show_and_list_print_tables_and_api_objects(cli: Cli) -> None:
    table = cli.ok("acr", "show")
    assert "LOGIN SERVER" in table
    assert cli.host in table
    shown = cli.json("acr", "show", "-n", cli.record["registryName"])
    assert isinstance(shown, dict)
    assert shown["id"] == cli.registry_id
    assert shown["properties"]["loginServer"] == cli.host
    listed = cli.json("acr", "list")
    assert [r["name"] for r in listed] == [cli.record["registryName"]]
    assert cli.json("acr", "list", "-g", cli.record["resourceGroup"]) == listed


def test_admin_account_enabled_and_renewed_through_the_cli(cli: Cli) -> None:
    name = cli.record["registryName"]
    cli.fails("acr", "credential", "show", code="AdminUserDisabled")
    updated = cli.json("acr", "update", "--admin-enabled", "true")
    assert updated["properties"]["adminUserEnabled"] is True
    try:
        credentials = cli.json("acr", "credential", "show")
        assert isinstance(credentials, dict)
        assert credentials["username"] == name
        first, second = (p["value"] for p in credentials["passwords"])
        table = cli.ok("acr", "credential", "show")
        assert first in table
        assert second in table
        with cli.http(auth=(name, first)) as http:
            assert http.get("/v2/").status_code == 200

        renewed = cli.json("acr", "credential", "renew", "--password-name", "password")
        new_first = renewed["passwords"][0]["value"]
        assert new_first != first
        with cli.http(auth=(name, first)) as http:
            assert http.get("/v2/").status_code == 401
        with cli.http(auth=(name, new_first)) as http:
            assert http.get("/v2/").status_code == 200
    finally:
        cli.ok("acr", "update", "--admin-enabled", "false")
    with cli.http(auth=(name, new_first)) as http:
        assert http.get("/v2/").status_code == 401


def test_api_errors_exit_1_with_the_arm_code(cli: Cli) -> None:
    message = cli.fails("acr", "show", "-n", "nosuchregistry", code="ResourceNotFound")
    assert "nosuchregistry" in message
    cli.fails(
        "role", "assignment", "create", "--assignee-object-id", str(uuid.uuid4()),
        "--assignee-principal-type", "ServicePrincipal", "--role", READER, "--scope", cli.registry_id,
        "--condition", "((!(ActionMatches{'x'})) OR", code="InvalidCondition",
    )  # fmt: skip
    cli.fails("role", "assignment", "create", "--assignee", "nobody@nowhere.example", "--role", READER,
              "--scope", cli.registry_id, code="PrincipalNotFound")  # fmt: skip


def test_wrong_client_secret_is_refused_cleanly(cli: Cli) -> None:
    env = cli.env(AZURE_CLIENT_ID=cli.record["clientId"], AZURE_CLIENT_SECRET="not-the-secret")
    result = cli.run("acr", "show", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("cerulean: invalid_client: ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_missing_credentials_and_bad_usage(cli: Cli, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cerulean", "acr", "show", "--data-dir", str(tmp_path)],
        env=cli.env(), capture_output=True, text=True, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("cerulean: NoCredentials: ")
    bad_action = cli.run("acr", "scope-map", "create", "-n", "badmap", "--repository", "repo", "pull")
    assert bad_action.returncode == 2
    assert "unknown action 'pull'" in bad_action.stderr
    stray = cli.run("acr", "scope-map", "create", "-n", "badmap", "--repositry", "repo", "content/read")
    assert stray.returncode == 2
    assert "unrecognized argument '--repositry'" in stray.stderr


# -- acr login -------------------------------------------------------------------------------------


def test_login_writes_an_auth_file_skopeo_accepts(cli: Cli, pushed: dict[str, str]) -> None:
    other = {"auths": {"elsewhere.example": {"auth": "dXNlcjpwYXNz"}}, "credHelpers": {}}
    cli.auth_file.write_text(json.dumps(other))
    assert cli.ok("acr", "login").strip() == "Login Succeeded"
    assert cli.auth_file.stat().st_mode & 0o777 == 0o600
    written = json.loads(cli.auth_file.read_text())
    assert written["auths"]["elsewhere.example"] == other["auths"]["elsewhere.example"]
    username, _, token = base64.b64decode(written["auths"][cli.host]["auth"]).decode().partition(":")
    assert username == NULL_GUID
    assert token
    listed = cli.skopeo("list-tags", "--authfile", str(cli.auth_file), f"docker://{cli.host}/cli/team1")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["Tags"] == ["v1"]


def test_login_expose_token(cli: Cli) -> None:
    result = cli.run("acr", "login", "--expose-token", "--output", "json")
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert set(shown) == {"loginServer", "username", "accessToken", "refreshToken"}
    assert shown["loginServer"] == cli.host
    assert shown["username"] == NULL_GUID
    assert shown["accessToken"] == shown["refreshToken"]
    assert "refresh token" in result.stderr
    with cli.http(auth=(NULL_GUID, shown["refreshToken"])) as http:
        assert http.get("/v2/").status_code == 200


# -- role assignments and service principals -------------------------------------------------------


def test_condition_assigned_through_the_cli_restricts_pulls(cli: Cli, pushed: dict[str, str]) -> None:
    created = cli.json("ad", "sp", "create-for-rbac", "-n", "cli-pipeline")
    assert isinstance(created, dict)
    assert set(created) == {"appId", "displayName", "password", "tenant"}
    assert created["tenant"] == cli.record["tenantId"]
    pipeline = (created["appId"], created["password"])
    assert not _pulls(cli, pipeline, "cli/team1")  # no role yet

    cli.ok("acr", "update", "--role-assignment-mode", "rbac-abac")
    condition = (
        "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}))"
        " OR (@Request[Microsoft.ContainerRegistry/registries/repositories:name]"
        " StringStartsWithIgnoreCase 'cli/team1'))"
    )
    try:
        assert cli.json("acr", "show")["properties"]["roleAssignmentMode"] == "AbacRepositoryPermissions"
        assignment = cli.json(
            "role", "assignment", "create", "--assignee", created["appId"], "--role", READER,
            "--scope", cli.registry_id, "--condition", condition, "--description", "team1 only",
        )  # fmt: skip
        assert isinstance(assignment, dict)
        properties = assignment["properties"]
        assert properties["condition"] == condition
        assert properties["conditionVersion"] == "2.0"
        assert properties["principalType"] == "ServicePrincipal"
        assert properties["scope"] == cli.registry_id
        assert _pulls(cli, pipeline, "cli/team1")
        assert not _pulls(cli, pipeline, "cli/team2")

        listed = cli.json(
            "role", "assignment", "list", "--scope", cli.registry_id, "--assignee", created["appId"]
        )
        assert [a["name"] for a in listed] == [assignment["name"]]
        table = cli.ok("role", "assignment", "list", "--scope", cli.registry_id)
        assert READER in table
        cli.ok("role", "assignment", "delete", "--ids", str(assignment["id"]))
        assert (
            cli.json("role", "assignment", "list", "--scope", cli.registry_id, "--assignee", created["appId"])
            == []
        )
        assert not _pulls(cli, pipeline, "cli/team1")  # the deletion took effect
    finally:
        cli.ok("acr", "update", "--role-assignment-mode", "rbac")


def test_create_for_rbac_with_a_role_and_delete_by_filter(cli: Cli, pushed: dict[str, str]) -> None:
    created = cli.json(
        "ad", "sp", "create-for-rbac", "-n", "cli-puller", "--role", "AcrPull", "--scopes", cli.registry_id
    )
    assert isinstance(created, dict)
    puller = (created["appId"], created["password"])
    assert _pulls(cli, puller, "cli/team2")
    with cli.http(auth=puller) as http:  # AcrPull does not push
        response = http.post("/v2/cli/team2/blobs/uploads/")
        assert response.status_code in {401, 403}
    cli.ok("role", "assignment", "delete", "--assignee", created["appId"], "--role", "AcrPull",
           "--scope", cli.registry_id)  # fmt: skip
    assert not _pulls(cli, puller, "cli/team2")


def test_group_membership_made_through_graph_grants_a_role(cli: Cli, pushed: dict[str, str]) -> None:
    created = cli.json("ad", "sp", "create-for-rbac", "-n", "cli-member")
    member = (created["appId"], created["password"])
    group = cli.json("ad", "group", "create", "--display-name", "cli-pullers", "--description", "pull")
    assert group["displayName"] == "cli-pullers"
    principal = cli.json("ad", "sp", "show", "--id", created["appId"])
    assert principal["appId"] == created["appId"]
    sp_id = principal["id"]
    assert cli.json("ad", "sp", "show", "--id", sp_id) == principal
    cli.ok("ad", "group", "member", "add", "--group", "cli-pullers", "--member-id", sp_id)
    assert [m["id"] for m in cli.json("ad", "group", "member", "list", "--group", group["id"])] == [sp_id]
    assignment = cli.json("role", "assignment", "create", "--assignee", group["id"], "--role", "AcrPull",
                          "--scope", cli.registry_id)  # fmt: skip
    assert assignment["properties"]["principalType"] == "Group"
    assert _pulls(cli, member, "cli/team1")
    cli.ok("ad", "group", "member", "remove", "--group", group["id"], "--member-id", sp_id)
    assert cli.json("ad", "group", "member", "check", "--group", group["id"], "--member-id", sp_id) == {
        "value": False
    }
    assert not _pulls(cli, member, "cli/team1")
    cli.ok("role", "assignment", "delete", "--ids", assignment["id"])


def test_users_through_graph_and_assignee_by_upn(cli: Cli) -> None:
    upn = f"cli-alice@{cli.record['registryName'].lower()}.cerulean.local"
    alice = cli.json("ad", "user", "create", "--display-name", "Alice", "--user-principal-name", upn,
                     "--password", "Correct-Horse-9-Battery")  # fmt: skip
    assert cli.json("ad", "user", "show", "--id", upn)["id"] == alice["id"]
    assert [u["id"] for u in cli.json("ad", "user", "list", "--upn", upn)] == [alice["id"]]
    assignment = cli.json("role", "assignment", "create", "--assignee", upn, "--role", "Reader",
                          "--scope", cli.registry_id)  # fmt: skip
    assert assignment["properties"]["principalId"] == alice["id"]
    assert assignment["properties"]["principalType"] == "User"
    cli.ok("role", "assignment", "delete", "--assignee", upn, "--scope", cli.registry_id)
    assert cli.json("role", "assignment", "list", "--scope", cli.registry_id, "--assignee", upn) == []


def test_role_definition_list(cli: Cli) -> None:
    found = cli.json("role", "definition", "list", "--name", "AcrPull")
    assert isinstance(found, list)
    assert [r["properties"]["roleName"] for r in found] == ["AcrPull"]
    assert found[0]["name"] == "7f951dda-4ed3-4680-a7ca-43fe172d538d"
    assert "AcrPush" in cli.ok("role", "definition", "list")
    assert cli.json("role", "definition", "list", "--custom-role-only") == []


# -- waiting for endpoints the lead is landing -----------------------------------------------------


def test_token_from_the_cli_pulls_only_its_repositories(cli: Cli, pushed: dict[str, str]) -> None:
    created = cli.json("acr", "token", "create", "-n", "clitoken", "--repository", "cli/team1",
                       "content/read", "metadata/read")  # fmt: skip
    assert isinstance(created, dict)
    credentials = created["properties"]["credentials"]
    assert [p["name"] for p in credentials["passwords"]] == ["password1", "password2"]
    password = credentials["passwords"][0]["value"]
    scope_map = cli.json("acr", "scope-map", "show", "-n", "clitoken-scope-map")
    assert scope_map["properties"]["actions"] == [
        "repositories/cli/team1/content/read", "repositories/cli/team1/metadata/read",
    ]  # fmt: skip
    creds = f"--creds=clitoken:{password}"
    listed = cli.skopeo("list-tags", creds, f"docker://{cli.host}/cli/team1")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["Tags"] == ["v1"]
    refused = cli.skopeo("list-tags", creds, f"docker://{cli.host}/cli/team2")
    assert refused.returncode != 0

    cli.ok("acr", "scope-map", "update", "-n", "clitoken-scope-map",
           "--add-repository", "cli/team2", "content/read", "metadata/read")  # fmt: skip
    assert cli.skopeo("list-tags", creds, f"docker://{cli.host}/cli/team2").returncode == 0

    regenerated = cli.json("acr", "token", "credential", "generate", "-n", "clitoken", "--password1")
    new_password = regenerated["passwords"][0]["value"]
    assert regenerated["passwords"][0]["name"] == "password1"
    assert (
        cli.skopeo(
            "list-tags", f"--creds=clitoken:{new_password}", f"docker://{cli.host}/cli/team1"
        ).returncode
        == 0
    )

    disabled = cli.json("acr", "token", "update", "-n", "clitoken", "--status", "disabled")
    assert disabled["properties"]["status"] == "disabled"
    assert (
        cli.skopeo(
            "list-tags", f"--creds=clitoken:{new_password}", f"docker://{cli.host}/cli/team1"
        ).returncode
        != 0
    )
    assert "clitoken" in cli.ok("acr", "token", "list")
    cli.ok("acr", "token", "delete", "-n", "clitoken", "--yes")
    cli.ok("acr", "scope-map", "delete", "-n", "clitoken-scope-map", "--yes")
    names = [m["name"] for m in cli.json("acr", "scope-map", "list")]
    assert "clitoken-scope-map" not in names
    assert "_repositories_pull" in names


def test_registry_create_update_delete(cli: Cli) -> None:
    name = f"clireg{uuid.uuid4().hex[:8]}"
    created = cli.json("acr", "create", "-n", name, "--sku", "Basic", "--admin-enabled", "true")
    assert created["sku"]["name"] == "Basic"
    assert created["properties"]["adminUserEnabled"] is True
    cli.fails("acr", "create", "-n", name, "--sku", "Basic", code="AlreadyExists")
    message = cli.fails(
        "acr",
        "update",
        "-n",
        name,
        "--anonymous-pull-enabled",
        "true",
        code="AnonymousPullNotSupportedForSku",
    )
    assert "Basic" in message
    updated = cli.json(
        "acr", "update", "-n", name, "--sku", "Premium", "--anonymous-pull-enabled", "true",
        "--default-action", "Deny", "--public-network-enabled", "false", "--data-endpoint-enabled", "true",
        "--allow-trusted-services", "false", "--role-assignment-mode", "rbac-abac",
    )  # fmt: skip
    properties = updated["properties"]
    assert updated["sku"]["name"] == "Premium"
    assert properties["anonymousPullEnabled"] is True
    assert properties["networkRuleSet"]["defaultAction"] == "Deny"
    assert properties["publicNetworkAccess"] == "Disabled"
    assert properties["dataEndpointEnabled"] is True
    assert properties["networkRuleBypassOptions"] == "None"
    assert properties["roleAssignmentMode"] == "AbacRepositoryPermissions"
    assert cli.json("acr", "show", "-n", name) == updated
    assert name in cli.ok("acr", "list")
    cli.ok("acr", "delete", "-n", name, "--yes")
    cli.fails("acr", "show", "-n", name, code="ResourceNotFound")


def test_registry_policies_through_acr_update_and_acr_config(cli: Cli) -> None:
    name = f"clipol{uuid.uuid4().hex[:8]}"
    cli.json("acr", "create", "-n", name, "--sku", "Standard")
    message = cli.fails(
        "acr", "config", "retention", "update", "-r", name, "--status", "enabled", "--days", "30",
        "--type", "UntaggedManifests", code="FeatureNotSupportedForSku",
    )  # fmt: skip
    assert "'Standard'" in message
    cli.json("acr", "update", "-n", name, "--sku", "Premium")
    retention = cli.json(
        "acr", "config", "retention", "update", "-r", name, "--status", "enabled", "--days", "30",
        "--type", "UntaggedManifests",
    )  # fmt: skip
    assert (retention["days"], retention["status"]) == (30, "enabled")
    assert cli.json("acr", "config", "retention", "update", "-r", name, "--days", "3", "--type",
                    "UntaggedManifests")["status"] == "enabled"  # fmt: skip
    cli.fails("acr", "config", "retention", "update", "-r", name, "--days", "400", "--type",
              "UntaggedManifests", code="InvalidRequestContent")  # fmt: skip
    trust = cli.json("acr", "config", "content-trust", "update", "-r", name, "--status", "enabled")
    assert (trust["type"], trust["status"]) == ("Notary", "enabled")
    assert cli.json("acr", "config", "content-trust", "show", "-r", name) == trust
    cli.fails("acr", "update", "-n", name, "--allow-exports", "false", code="InvalidRequestContent")
    updated = cli.json(
        "acr", "update", "-n", name, "--allow-exports", "false", "--public-network-enabled", "false"
    )
    policies = updated["properties"]["policies"]
    assert policies["exportPolicy"]["status"] == "disabled"
    assert (policies["retentionPolicy"]["days"], policies["trustPolicy"]["status"]) == (3, "enabled")
    assert "3" in cli.ok("acr", "config", "retention", "show", "-r", name)  # the table
    soft_delete = cli.json("acr", "config", "soft-delete", "update", "-r", name, "--days", "14")
    assert (soft_delete["retentionDays"], soft_delete["status"]) == (14, "disabled")
    cli.fails("acr", "config", "soft-delete", "update", "-r", name, "--status", "enabled",
              code="InvalidRequestContent")  # retention is on  # fmt: skip
    cli.ok("acr", "delete", "-n", name, "--yes")


def test_identity_create_holds_a_role(cli: Cli, pushed: dict[str, str]) -> None:
    created = cli.json("identity", "create", "-n", "cli-identity")
    assert isinstance(created, dict)
    principal = created["properties"]["principalId"]
    assert created["properties"]["tenantId"] == cli.record["tenantId"]
    assert [i["name"] for i in cli.json("identity", "list")] == ["cli-identity"]
    assert cli.json("identity", "show", "-n", "cli-identity") == created
    assignment = cli.json("role", "assignment", "create", "--assignee-object-id", principal,
                          "--role", "AcrPull", "--scope", cli.registry_id)  # fmt: skip
    assert assignment["properties"]["principalType"] == "ServicePrincipal"
    cli.ok("role", "assignment", "delete", "--ids", str(assignment["id"]))
    cli.ok("identity", "delete", "-n", "cli-identity", "--yes")
    assert cli.json("identity", "list") == []


def test_custom_role_create_and_delete(cli: Cli, tmp_path: Path) -> None:
    scope = f"/subscriptions/{cli.record['subscriptionId']}"
    document = {
        "Name": "CLI Registry Reader", "Description": "reads registries",
        "Actions": ["Microsoft.ContainerRegistry/registries/read"], "NotActions": [],
        "DataActions": [], "NotDataActions": [], "AssignableScopes": [scope],
    }  # fmt: skip
    path = tmp_path / "role.json"
    path.write_text(json.dumps(document))
    created = cli.json("role", "definition", "create", "--role-definition", f"@{path}")
    assert created["properties"]["type"] == "CustomRole"
    custom = cli.json("role", "definition", "list", "--custom-role-only")
    assert [r["properties"]["roleName"] for r in custom] == ["CLI Registry Reader"]
    cli.fails("role", "definition", "create", "--role-definition", f"@{path}", code="RoleDefinitionExists")
    cli.ok("role", "definition", "delete", "--name", "CLI Registry Reader")
    assert cli.json("role", "definition", "list", "--custom-role-only") == []


def test_access_explain(cli: Cli) -> None:
    owner = cli.json("access", "explain", "--assignee", cli.record["clientId"], "--repository", "cli/team1",
                     "--action", "pull")  # fmt: skip
    assert owner["allowed"] is True
    text = cli.ok("access", "explain", "--assignee", cli.record["clientId"], "--repository", "cli/team1",
                  "--action", "pull")  # fmt: skip
    assert "Owner" in text
    stranger = cli.json("ad", "sp", "create-for-rbac", "-n", "cli-stranger")
    stranger_id = cli.json("ad", "sp", "show", "--id", stranger["appId"])["id"]
    refused = cli.json("access", "explain", "--assignee-object-id", stranger_id,
                       "--repository", "cli/team1", "--action", "push")  # fmt: skip
    assert refused["allowed"] is False
    cli.fails("access", "explain", "--assignee-object-id", str(uuid.uuid4()), "--action", "catalog",
              code="PrincipalNotFound")  # fmt: skip


def test_access_explain_with_a_client_ip(cli: Cli) -> None:
    owner = ("access", "explain", "--assignee", cli.record["clientId"], "--repository", "cli/team1",
             "--action", "pull")  # fmt: skip
    set_network(cli.server, network_default_action="Deny", ip_rules=("127.0.0.5",))
    try:
        refused = cli.json(*owner, "--client-ip", "127.0.0.6")
        assert (refused["allowed"], refused["network"]["allowed"], refused["decision"]["allowed"]) == (
            False, False, True,
        )  # fmt: skip
        table = cli.ok(*owner, "--client-ip", "127.0.0.6")
        network, engine = table.index("network gate:"), table.index("access engine:")
        assert table.startswith("DENIED by the network gate")
        assert network < table.index("no IP rule matches client 127.0.0.6") < engine
        assert "Owner" in table[engine:]
        allowed = cli.ok(*owner, "--client-ip", "127.0.0.5")
        assert allowed.startswith("ALLOWED")
        assert "matches IP rule '127.0.0.5'" in allowed
        # What it said is what the gate does.
        verify = ssl.create_default_context(cafile=cli.record["caBundle"])
        for source, status in (("127.0.0.6", 403), ("127.0.0.5", 200)):
            with client_from(source, cli.server.url, verify=verify, auth=cli.owner) as http:
                assert http.get("/v2/").status_code == status
        private = cli.ok(*owner, "--client-ip", "127.0.0.6", "--private-endpoint", "pe-nowhere")
        assert "private endpoint 'pe-nowhere' has no Approved connection" in private
        bad = cli.fails(*owner, "--client-ip", "127.0.0.300", code="InvalidRequestContent")
        assert "clientIp '127.0.0.300'" in bad
    finally:
        reset_network(cli.server)
