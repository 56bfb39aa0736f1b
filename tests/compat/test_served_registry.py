"""A registry created through ARM, served by a node of its own on the shared database.

The first node (TLS, PostgreSQL) provisions the cloud; azure-mgmt-containerregistry creates a Premium
registry on it, and a second `cerulean serve --registry <name>` on the same database serves it: its own
content, its admin account, its scope-map tokens, role assignments at its scope, its anonymous-pull and
network settings, each checked on the data plane of both nodes. skopeo follows the second node's
challenge (realm and service) as it follows ACR's.
"""

from __future__ import annotations

import re
import ssl
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from azure.mgmt.authorization.models import RoleAssignmentCreateParameters
from azure.mgmt.containerregistry.models import (
    GenerateCredentialsParameters,
    IPRule,
    NetworkRuleSet,
    Registry,
    RegistryUpdateParameters,
    ScopeMap,
    Sku,
    Token,
)

from support.arm import Arm, running_arm
from support.client import push_image
from support.oci import make_image, write_layout
from support.server import RunningServer, start_server

pytestmark = [pytest.mark.client, pytest.mark.postgres]

NAME = "teamsx01"
ACCEPT = {"Accept": "application/vnd.oci.image.manifest.v1+json"}


@dataclass
class Deployment:
    arm: Arm  # the first node: management API, and the data plane of the provisioned registry
    node: RunningServer  # the second node, serving NAME

    @property
    def group(self) -> str:
        return self.arm.record["resourceGroup"]

    def get(self, on: str, path: str, auth: tuple[str, str] | None = None, **headers: str) -> httpx.Response:
        """GET `path` on the second node ("node") or the first ("first")."""
        if on == "first":
            with self.arm.http(auth=auth) as http:
                return http.get(path, headers={**ACCEPT, **headers})
        with httpx.Client(base_url=self.node.url, timeout=60, auth=auth) as http:
            return http.get(path, headers={**ACCEPT, **headers})

    def admin(self) -> tuple[str, str]:
        """NAME's admin account (enabled through ARM if a test turned it off)."""
        client = self.arm.registries()
        client.registries.begin_update(
            self.group, NAME, RegistryUpdateParameters(admin_user_enabled=True)
        ).result()
        credentials = client.registries.list_credentials(self.group, NAME)
        return credentials.username, credentials.passwords[0].value


@pytest.fixture(scope="module")
def deployment(
    tmp_path_factory: pytest.TempPathFactory, module_postgres_database_url: str
) -> Iterator[Deployment]:
    work = tmp_path_factory.mktemp("served")
    with running_arm(work, module_postgres_database_url) as arm:
        with arm.http(auth=(arm.record["clientId"], arm.record["clientSecret"])) as owner:
            push_image(owner, "vendor/app", make_image(), "v1")  # the first registry's content
        created = (
            arm.registries()
            .registries.begin_create(
                arm.record["resourceGroup"], NAME, Registry(location="local", sku=Sku(name="Premium"))
            )
            .result()
        )
        assert created.login_server.startswith(f"{NAME}.")  # a name only, until a node serves it
        node = start_server(
            work / "node",
            database_url=module_postgres_database_url,
            extra_args=("--registry", NAME),
            admin=False,
        )
        try:
            deployment = Deployment(arm, node)
            with httpx.Client(base_url=node.url, timeout=60, auth=deployment.admin()) as http:
                for repository in ("team/app", "team/other"):
                    push_image(http, repository, make_image(), "v1")
            yield deployment
        finally:
            assert node.stop() == 0, "\n".join(node.output)


def _token(d: Deployment, auth: tuple[str, str], scope: str) -> httpx.Response:
    """A token request to the second node, as a client that read its challenge sends it."""
    return httpx.get(f"{d.node.url}/oauth2/token", params={"service": d.node.host, "scope": scope}, auth=auth)


def _pull_anonymously(d: Deployment, on: str, repository: str) -> int:
    """Pull `repository`:v1 with no credential, following the challenge's realm and service as the
    Azure SDK's anonymous client does; the status of the pull (or of the refused token request)."""
    path = f"/v2/{repository}/manifests/v1"
    challenge = d.get(on, path).headers["WWW-Authenticate"]
    params = dict(re.findall(r'(\w+)="([^"]*)"', challenge))
    verify = ssl.create_default_context(cafile=d.arm.ca) if on == "first" else True
    form = {"grant_type": "password", "service": params["service"], "scope": params["scope"]}
    issued = httpx.post(params["realm"], data=form, verify=verify)
    if issued.status_code != 200:
        return issued.status_code
    return d.get(on, path, Authorization=f"Bearer {issued.json()['access_token']}").status_code


def _skopeo(skopeo: str, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [skopeo, "--insecure-policy", *args], capture_output=True, text=True, timeout=180, check=False
    )
    assert result.returncode == 0, result.stderr
    return result


def test_the_node_records_its_login_server_and_answers_for_it(deployment: Deployment) -> None:
    client = deployment.arm.registries()
    registry = client.registries.get(deployment.group, NAME)
    assert registry.login_server == deployment.node.host  # ARM's loginServer is where the node answers
    assert registry.sku.name == "Premium"
    challenge = deployment.get("node", "/v2/").headers["WWW-Authenticate"]
    assert f'realm="{deployment.node.url}/oauth2/token"' in challenge
    assert f'service="{deployment.node.host}"' in challenge
    first = client.registries.get(deployment.group, deployment.arm.record["registryName"])
    assert first.login_server == deployment.arm.server.host  # the first registry keeps its own


def test_admin_pushes_and_pulls_on_its_node_only(deployment: Deployment, skopeo: str, tmp_path: Path) -> None:
    username, password = admin = deployment.admin()
    assert username == NAME
    write_layout(tmp_path / "layout", make_image(), "v1")
    target = f"docker://{deployment.node.host}/team/skopeo:v1"
    _skopeo(
        skopeo, "copy", "--dest-tls-verify=false", f"--dest-creds={username}:{password}",
        f"oci:{tmp_path / 'layout'}:v1", target,
    )  # fmt: skip
    _skopeo(skopeo, "copy", "--src-tls-verify=false", f"--src-creds={username}:{password}", target,
            f"oci:{tmp_path / 'out'}:v1")  # fmt: skip
    assert (tmp_path / "out" / "index.json").is_file()

    assert deployment.get("node", "/v2/team/skopeo/manifests/v1", admin).status_code == 200
    catalog = deployment.get("node", "/v2/_catalog", admin).json()["repositories"]
    assert catalog == ["team/app", "team/other", "team/skopeo"]  # its own content only
    assert deployment.get("node", "/v2/vendor/app/manifests/v1", admin).status_code == 404
    assert deployment.get("first", "/v2/team/app/manifests/v1", admin).status_code == 401
    usages = deployment.arm.registries().registries.list_usages(deployment.group, NAME).value
    assert next(u for u in usages if u.name == "Size").current_value > 0


def test_scope_map_token_pulls_its_repositories_on_its_registry_only(deployment: Deployment) -> None:
    client, group = deployment.arm.registries(), deployment.group
    scope_map = client.scope_maps.begin_create(
        group, NAME, "team-app-read", ScopeMap(actions=["repositories/team/app/content/read"])
    ).result()
    token = client.tokens.begin_create(
        group, NAME, "reader01", Token(scope_map_id=scope_map.id, status="enabled")
    ).result()
    generated = client.registries.begin_generate_credentials(
        group, NAME, GenerateCredentialsParameters(token_id=token.id)
    ).result()
    basic = ("reader01", generated.passwords[0].value)

    assert deployment.get("node", "/v2/team/app/manifests/v1", basic).status_code == 200
    assert deployment.get("node", "/v2/team/other/manifests/v1", basic).status_code in {401, 403}
    assert deployment.get("first", "/v2/vendor/app/manifests/v1", basic).status_code == 401  # no such token

    # An access token the second node minted names its login server: the first node refuses it.
    issued = _token(deployment, basic, "repository:team/app:pull")
    assert issued.status_code == 200, issued.text
    bearer = f"Bearer {issued.json()['access_token']}"
    assert deployment.get("node", "/v2/team/app/manifests/v1", Authorization=bearer).status_code == 200
    refused = deployment.get("first", "/v2/team/app/manifests/v1", Authorization=bearer)
    assert refused.status_code == 401
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_role_assignment_at_its_scope_reaches_its_node(deployment: Deployment) -> None:
    arm = deployment.arm
    registry_id = arm.registries().registries.get(deployment.group, NAME).id
    roles = arm.roles()
    pull = next(iter(roles.role_definitions.list(registry_id, filter="roleName eq 'AcrPull'")))
    roles.role_assignments.create(
        registry_id, str(uuid.uuid4()),
        RoleAssignmentCreateParameters(role_definition_id=pull.id,
                                       principal_id=arm.pipeline["servicePrincipalId"],
                                       principal_type="ServicePrincipal"),
    )  # fmt: skip
    pipeline = (arm.pipeline["appId"], arm.pipeline["secret"])
    assert deployment.get("node", "/v2/team/app/manifests/v1", pipeline).status_code == 200
    assert deployment.get("first", "/v2/vendor/app/manifests/v1", pipeline).status_code in {401, 403}


def test_settings_changed_through_arm_apply_on_its_node(deployment: Deployment) -> None:
    client, group = deployment.arm.registries(), deployment.group
    assert _pull_anonymously(deployment, "node", "team/app") == 401
    client.registries.begin_update(
        group, NAME, RegistryUpdateParameters(anonymous_pull_enabled=True)
    ).result()
    assert _pull_anonymously(deployment, "node", "team/app") == 200
    assert _pull_anonymously(deployment, "first", "vendor/app") == 401  # the first registry's own setting
    client.registries.begin_update(
        group, NAME, RegistryUpdateParameters(anonymous_pull_enabled=False)
    ).result()

    admin = deployment.admin()
    client.registries.begin_update(
        group, NAME,
        RegistryUpdateParameters(network_rule_set=NetworkRuleSet(
            default_action="Deny", ip_rules=[IPRule(ip_address_or_range="10.1.0.0/16")]
        )),
    ).result()  # fmt: skip
    denied = deployment.get("node", "/v2/team/app/manifests/v1", admin)
    assert denied.status_code == 403
    assert "is not allowed access" in denied.text
    client.registries.begin_update(
        group, NAME, RegistryUpdateParameters(network_rule_set=NetworkRuleSet(default_action="Allow"))
    ).result()
    assert deployment.get("node", "/v2/team/app/manifests/v1", admin).status_code == 200

    # Disabling the admin account refuses its password at the next token request.
    assert _token(deployment, admin, "repository:team/app:pull").status_code == 200
    client.registries.begin_update(group, NAME, RegistryUpdateParameters(admin_user_enabled=False)).result()
    assert _token(deployment, admin, "repository:team/app:pull").status_code == 401
    assert deployment.get("node", "/v2/team/app/manifests/v1", admin).status_code == 401


def test_a_node_refuses_to_serve_a_registry_not_in_its_database(
    deployment: Deployment, tmp_path: Path
) -> None:
    with pytest.raises(RuntimeError, match="does not exist in this database"):
        start_server(
            tmp_path,
            database_url=deployment.node.database_url,
            extra_args=("--registry", "nosuch01"),
            admin=False,
        )
