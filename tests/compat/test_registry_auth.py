"""Registry authentication end to end: the token service, every credential kind, and enforcement.

A TLS server (the Azure SDK refuses bearer tokens over plain HTTP) with its bootstrap Owner, a pipeline
service principal with AcrPush, a workload's managed identity with AcrPull, and a partner token on a
`vendor/*` scope map. Real clients where the issue names them: skopeo, azure-containerregistry with
ClientSecretCredential and ManagedIdentityCredential, the anonymous SDK client.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from azure.containerregistry import ContainerRegistryClient
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.identity import ClientSecretCredential, ManagedIdentityCredential

from cerulean.access import AccessEntry
from cerulean.auth.administration import RegistryAdministration
from support.client import push_image
from support.identity import ad, bootstrap, unverified_claims
from support.oci import make_image
from support.registry_admin import administer
from support.registry_tokens import mint
from support.server import RunningServer, shared_key_file, start_server

pytestmark = pytest.mark.client

NULL_GUID = "00000000-0000-0000-0000-000000000000"
REGISTRY_SCOPE = "https://containerregistry.azure.net/.default"
ARM_SCOPE = "https://management.azure.com/.default"
ABAC = "AbacRepositoryPermissions"
LEGACY = "LegacyRegistryPermissions"
CHALLENGE = re.compile(
    r'^Bearer realm="([^"]+)",service="([^"]+)"(?:,scope="([^"]+)")?(?:,error="([^"]+)")?$'
)


@dataclass
class Acr:
    """The server, its registry's ARM id, and the principals the scenarios use."""

    server: RunningServer
    record: dict[str, str]
    registry_id: str
    ca: str
    identity_url: str
    pipeline: dict[str, str]
    workload: dict[str, Any]

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def login(self) -> str:
        return self.server.host

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, verify=ssl.create_default_context(cafile=self.ca), timeout=60, **kwargs
        )

    def admin(self, action: Any) -> Any:
        return administer(self.server.database_url, action)

    def assign(self, principal_id: str, role: str, *, condition: str | None = None, scope: str = "") -> str:
        async def run(admin: RegistryAdministration) -> str:
            stored = await admin.assign_role(
                principal_id, role, scope or self.registry_id, condition=condition
            )
            return stored.id

        return str(self.admin(run))

    def unassign(self, assignment_id: str) -> None:
        async def run(admin: RegistryAdministration) -> None:
            await admin._resources.delete_role_assignment(assignment_id)

        self.admin(run)

    def set(self, **changes: object) -> None:
        async def run(admin: RegistryAdministration) -> None:
            await admin.update("cerulean", **changes)

        self.admin(run)


@pytest.fixture(scope="module")
def acr(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Acr]:
    work = tmp_path_factory.mktemp("acr")
    server = start_server(
        work / "data",
        extra_args=("--tls", "auto", "--identity-listen", "127.0.0.1:0"),
        env={
            "CERULEAN_SIGNIN_FAILURES_PER_ADDRESS": "100000",
            "CERULEAN_SIGNIN_FAILURES_PER_CLIENT": "100000",
        },
    )
    try:
        record = bootstrap(server)
        found = next(
            m for line in server.output if (m := re.search(r"managed identity at (http://\S+)", line))
        )
        registry_id = (
            f"/subscriptions/{record['subscriptionId']}/resourceGroups/{record['resourceGroup']}"
            f"/providers/Microsoft.ContainerRegistry/registries/{record['registryName']}"
        )
        app = ad(server, "app", "create", "pipeline")
        secret = ad(server, "app", "add-secret", app["appId"])
        pipeline = {**app, "secret": secret["secretText"]}
        workload = ad(server, "workload-create", "webapp")
        acr = Acr(server, record, registry_id, record["caBundle"], found.group(1), pipeline, workload)
        acr.assign(app["servicePrincipalId"], "AcrPush")
        acr.assign(workload["systemAssigned"]["principalId"], "AcrPull")
        yield acr
    finally:
        assert server.stop() == 0, "\n".join(server.output)


@pytest.fixture(autouse=True)
def trust(acr: Acr, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", acr.ca)
    monkeypatch.setenv("SSL_CERT_FILE", acr.ca)
    for name in (
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_TENANT_ID",
        "IDENTITY_ENDPOINT",
        "IDENTITY_HEADER",
    ):
        monkeypatch.delenv(name, raising=False)


# -- helpers ------------------------------------------------------------------------------------------


def _basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def access_token(
    acr: Acr, scopes: list[str], *, auth: tuple[str, str] | None = None, **form: str
) -> httpx.Response:
    """`POST /oauth2/token` (the password/refresh grants), or `GET` with Basic when `auth` is given."""
    with acr.client() as client:
        if auth is not None:
            return client.get(
                "/oauth2/token",
                params=[("service", acr.login), *[("scope", s) for s in scopes]],
                headers={"Authorization": _basic(*auth)},
            )
        return client.post("/oauth2/token", data={"service": acr.login, "scope": scopes, **form})


def bearer(acr: Acr, token: str) -> httpx.Client:
    return acr.client(headers={"Authorization": f"Bearer {token}"})


def exchange(acr: Acr, entra_token: str, **extra: str) -> httpx.Response:
    with acr.client() as client:
        return client.post(
            "/oauth2/exchange",
            data={"grant_type": "access_token", "service": acr.login, "access_token": entra_token, **extra},
        )


def entra_token(acr: Acr, client_id: str, secret: str, scope: str = REGISTRY_SCOPE) -> str:
    credential = ClientSecretCredential(
        acr.record["tenantId"], client_id, secret, authority=acr.url, disable_instance_discovery=True
    )
    return credential.get_token(scope).token


def pipeline_token(acr: Acr, scope: str = REGISTRY_SCOPE) -> str:
    return entra_token(acr, acr.pipeline["appId"], acr.pipeline["secret"], scope)


def owner_token(acr: Acr, scope: str = REGISTRY_SCOPE) -> str:
    return entra_token(acr, acr.record["clientId"], acr.record["clientSecret"], scope)


def refresh_for(acr: Acr, entra: str) -> str:
    response = exchange(acr, entra)
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


def token_from_refresh(acr: Acr, refresh: str, *scopes: str) -> str:
    response = access_token(acr, list(scopes), grant_type="refresh_token", refresh_token=refresh)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def admin_push(acr: Acr, repository: str, tag: str = "v1") -> str:
    with acr.client(auth=acr.server.auth) as client:
        return push_image(client, repository, make_image(), tag)


def challenge_of(response: httpx.Response) -> tuple[str, str, str | None, str | None]:
    match = CHALLENGE.fullmatch(response.headers["WWW-Authenticate"])
    assert match is not None, response.headers["WWW-Authenticate"]
    return match.group(1), match.group(2), match.group(3), match.group(4)


def audit(acr: Acr, *args: str) -> list[dict[str, Any]]:
    result = subprocess.run(
        [sys.executable, "-m", "cerulean", "audit", "list", "--data-dir", str(acr.server.data_dir), *args],
        env={**os.environ, "CERULEAN_KEY_ENCRYPTION_KEY_FILE": str(shared_key_file())},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


# -- the challenge --------------------------------------------------------------------------------------


def test_challenges_have_acr_syntax_and_scopes(acr: Acr) -> None:
    with acr.client() as client:
        base = client.get("/v2/")
        manifest = client.get("/v2/team/app/manifests/v1")
        push = client.post("/v2/team/app/blobs/uploads/")
        catalog = client.get("/acr/v1/_catalog")
        tags = client.get("/acr/v1/team%2Fapp/_tags")
        untag = client.delete("/acr/v1/team%2Fapp/_tags/v1")
    realm = f"{acr.url}/oauth2/token"
    assert base.status_code == 401
    assert base.headers["WWW-Authenticate"] == f'Bearer realm="{realm}",service="{acr.login}"'
    assert challenge_of(manifest) == (realm, acr.login, "repository:team/app:pull", None)
    assert challenge_of(push)[2] == "repository:team/app:pull,push"
    assert challenge_of(catalog)[2] == "registry:catalog:*"
    assert challenge_of(tags)[2] == "repository:team/app:metadata_read"
    assert challenge_of(untag)[2] == "repository:team/app:delete"
    body = manifest.json()["errors"][0]
    assert body == {
        "code": "UNAUTHORIZED",
        "message": "authentication required, visit https://aka.ms/acr/authorization for more information.",
        "detail": [{"Type": "repository", "Name": "team/app", "Action": "pull"}],
    }
    assert [d["Action"] for d in push.json()["errors"][0]["detail"]] == ["pull", "push"]


# -- the token service ----------------------------------------------------------------------------------


def test_exchange_gives_a_three_hour_refresh_token_the_python_sdk_can_read(acr: Acr) -> None:
    response = exchange(acr, pipeline_token(acr), tenant=acr.record["tenantId"])
    assert response.status_code == 200, response.text
    refresh = response.json()["refresh_token"]
    payload_segment = refresh.split(".")[1]
    assert "-" not in payload_segment
    assert "_" not in payload_segment
    claims = json.loads(base64.b64decode(payload_segment + "=" * (-len(payload_segment) % 4)))
    assert claims["exp"] - claims["iat"] == 3 * 3600
    assert (claims["iss"], claims["aud"], claims["grant_type"], claims["version"]) == (
        "Azure Container Registry",
        acr.login,
        "refresh_token",
        "1.0",
    )
    assert claims["tenant"] == acr.record["tenantId"]
    assert "Microsoft.ContainerRegistry/registries/push/write" in claims["permissions"]["actions"]
    header = json.loads(base64.urlsafe_b64decode(refresh.split(".")[0] + "=="))
    assert header["alg"] == "ES256"
    assert header["kid"]
    access = token_from_refresh(acr, refresh, "repository:team/app:pull,push,delete")
    claims = unverified_claims(access)
    assert claims["exp"] - claims["iat"] == 75 * 60
    # AcrPush may push and untag (asked for as `delete`) but not delete.
    assert claims["access"] == [
        {"type": "repository", "name": "team/app", "actions": ["pull", "push", "untag"]}
    ]


def test_exchange_accepts_arm_tokens_until_the_policy_is_disabled(acr: Acr) -> None:
    arm = pipeline_token(acr, ARM_SCOPE)
    assert exchange(acr, arm).status_code == 200
    acr.set(arm_audience_enabled=False)
    try:
        refused = exchange(acr, arm)
        assert refused.status_code == 401
        assert refused.json()["errors"][0]["code"] == "UNAUTHORIZED"
        assert exchange(acr, pipeline_token(acr)).status_code == 200
    finally:
        acr.set(arm_audience_enabled=True)


def test_exchange_refusals(acr: Acr) -> None:
    stranger = ad(acr.server, "app", "create", "stranger")
    secret = ad(acr.server, "app", "add-secret", stranger["appId"])["secretText"]
    no_role = exchange(acr, entra_token(acr, stranger["appId"], secret))
    assert no_role.status_code == 403
    assert no_role.json()["errors"][0]["code"] == "DENIED"
    with acr.client() as client:
        deprecated = client.post(
            "/oauth2/exchange",
            data={"grant_type": "refresh_token", "service": acr.login, "refresh_token": "x"},
        )
    assert deprecated.status_code == 400
    assert "deprecated" in deprecated.json()["errors"][0]["message"]
    assert exchange(acr, "not-a-jwt").status_code == 401
    assert (
        exchange(acr, pipeline_token(acr), tenant="11111111-1111-1111-1111-111111111111").status_code == 401
    )
    assert exchange(acr, pipeline_token(acr), service="elsewhere.example").status_code == 400


def test_scopes_repeated_or_space_separated_and_both_spellings(acr: Acr) -> None:
    refresh = refresh_for(acr, owner_token(acr))
    response = access_token(
        acr,
        ["registry:catalog:* repository:a/b:metadataRead", "repository:c/d:metadata_write,pull"],
        grant_type="refresh_token",
        refresh_token=refresh,
    )
    assert response.status_code == 200, response.text
    assert unverified_claims(response.json()["access_token"])["access"] == [
        {"type": "registry", "name": "catalog", "actions": ["*"]},
        {"type": "repository", "name": "a/b", "actions": ["metadataRead"]},
        {"type": "repository", "name": "c/d", "actions": ["metadata_write", "pull"]},
    ]


# -- real clients ---------------------------------------------------------------------------------------


def anonymous_get(acr: Acr, scope: str) -> httpx.Response:
    """Docker's token request: a GET with the scope and service and nothing else."""
    with acr.client() as client:
        return client.get("/oauth2/token", params={"scope": scope, "service": acr.login})


def tls_for(acr: Acr) -> str:
    return f"--cert-dir={Path(acr.ca).parent / 'trust'}"


def _skopeo(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["skopeo", "--insecure-policy", *args], capture_output=True, text=True, timeout=180, check=False
    )


def test_skopeo_with_every_credential_kind(acr: Acr, tmp_path: Path) -> None:
    admin_push(acr, "skopeo/source")
    source = f"docker://{acr.login}/skopeo/source:v1"
    tls = f"--src-cert-dir={Path(acr.ca).parent / 'trust'}"
    user, password = acr.server.auth
    assert (
        _skopeo("copy", tls, f"--src-creds={user}:{password}", source, f"oci:{tmp_path}/a:v1").returncode == 0
    )

    async def token_setup(admin: RegistryAdministration) -> str:
        await admin.put_scope_map("cerulean", "skopeo-reader", ["repositories/skopeo/*/content/read"])
        await admin.put_token("cerulean", "skopeo-reader", "skopeo-reader")
        return await admin.generate_token_password("cerulean", "skopeo-reader", "password1")

    token_password = acr.admin(token_setup)
    as_token = _skopeo(
        "copy", tls, f"--src-creds=skopeo-reader:{token_password}", source, f"oci:{tmp_path}/b:v1"
    )
    assert as_token.returncode == 0, as_token.stderr
    as_sp = _skopeo(
        "copy",
        tls,
        f"--src-creds={acr.pipeline['appId']}:{acr.pipeline['secret']}",
        source,
        f"oci:{tmp_path}/c:v1",
    )
    assert as_sp.returncode == 0, as_sp.stderr
    refresh = refresh_for(acr, pipeline_token(acr))
    as_guid = _skopeo("copy", tls, f"--src-creds={NULL_GUID}:{refresh}", source, f"oci:{tmp_path}/d:v1")
    assert as_guid.returncode == 0, as_guid.stderr
    wrong = _skopeo("copy", tls, f"--src-creds={user}:wrong", source, f"oci:{tmp_path}/e:v1")
    assert wrong.returncode != 0
    assert "unauthorized" in wrong.stderr.lower()


def test_sdk_with_client_secret_credential(acr: Acr) -> None:
    digest = admin_push(acr, "sdk/app", "v1")
    credential = ClientSecretCredential(
        acr.record["tenantId"], acr.record["clientId"], acr.record["clientSecret"], authority=acr.url,
        disable_instance_discovery=True,
    )  # fmt: skip
    with ContainerRegistryClient(acr.url, credential) as client:
        assert "sdk/app" in list(client.list_repository_names())
        assert [t.name for t in client.list_tag_properties("sdk/app")] == ["v1"]
        properties = client.get_manifest_properties("sdk/app", "v1")
        assert properties.digest == digest
        updated = client.update_manifest_properties("sdk/app", digest, can_delete=False)
        assert updated.can_delete is False
        client.update_manifest_properties("sdk/app", digest, can_delete=True)
        client.delete_tag("sdk/app", "v1")
        assert list(client.list_tag_properties("sdk/app")) == []
    pipeline = ClientSecretCredential(
        acr.record["tenantId"], acr.pipeline["appId"], acr.pipeline["secret"], authority=acr.url,
        disable_instance_discovery=True,
    )  # fmt: skip
    with ContainerRegistryClient(acr.url, pipeline) as client:
        assert "sdk/app" in list(client.list_repository_names())  # AcrPush includes pull/read: lists
        with pytest.raises(HttpResponseError) as refused:
            client.delete_manifest("sdk/app", digest)  # AcrPush may not delete
        assert refused.value.status_code == 403  # its token names the repository (untag), not delete


def test_sdk_with_managed_identity_credential(acr: Acr, monkeypatch: pytest.MonkeyPatch) -> None:
    admin_push(acr, "mi/app", "v1")
    monkeypatch.setenv("IDENTITY_ENDPOINT", acr.identity_url)
    monkeypatch.setenv("IDENTITY_HEADER", acr.workload["identityHeader"])
    with ContainerRegistryClient(acr.url, ManagedIdentityCredential()) as client:
        assert "mi/app" in list(client.list_repository_names())
        assert [t.name for t in client.list_tag_properties("mi/app")] == ["v1"]
        assert client.get_manifest_properties("mi/app", "v1").digest.startswith("sha256:")
        with pytest.raises(ClientAuthenticationError):  # AcrPull: no metadata write, nothing granted → 401
            client.update_manifest_properties("mi/app", "v1", can_write=False)


def test_anonymous_sdk_client_only_while_anonymous_pull_is_on(acr: Acr) -> None:
    admin_push(acr, "public/app", "v1")
    with ContainerRegistryClient(acr.url, None) as client, pytest.raises(ClientAuthenticationError):
        client.get_manifest_properties("public/app", "v1")
    acr.set(anonymous_pull_enabled=True)
    try:
        anonymous = access_token(acr, ["repository:public/app:pull,push"], grant_type="password")
        assert anonymous.status_code == 200
        assert unverified_claims(anonymous.json()["access_token"])["access"] == [
            {"type": "repository", "name": "public/app", "actions": ["pull"]}
        ]
        with bearer(acr, anonymous.json()["access_token"]) as client:
            assert client.get("/v2/public/app/manifests/v1").status_code == 200
            assert client.post("/v2/public/app/blobs/uploads/").status_code == 403  # an entry, without push
        # Docker's token request names no grant: a GET without credentials is the anonymous one.
        docker = anonymous_get(acr, "repository:public/app:pull")
        assert docker.status_code == 200, docker.text
        assert unverified_claims(docker.json()["access_token"])["access"] == [
            {"type": "repository", "name": "public/app", "actions": ["pull"]}
        ]
        pulled = _skopeo("inspect", tls_for(acr), "--no-creds", f"docker://{acr.login}/public/app:v1")
        assert pulled.returncode == 0, pulled.stderr
    finally:
        acr.set(anonymous_pull_enabled=False)
    assert access_token(acr, ["repository:public/app:pull"], grant_type="password").status_code == 401
    refused = anonymous_get(acr, "repository:public/app:pull")
    assert refused.status_code == 401, refused.text
    assert "access_token" not in refused.text
    denied = _skopeo("inspect", tls_for(acr), "--no-creds", f"docker://{acr.login}/public/app:v1")
    assert denied.returncode != 0


# -- scenarios ------------------------------------------------------------------------------------------


def test_pipeline_with_acrpush_pushes_and_pulls_but_cannot_delete(acr: Acr) -> None:
    refresh = refresh_for(acr, pipeline_token(acr))
    token = token_from_refresh(acr, refresh, "repository:ci/app:pull,push,delete")
    image = make_image()
    with bearer(acr, token) as client:
        digest = push_image(client, "ci/app", image, "v1")
        assert client.get("/v2/ci/app/manifests/v1").content == image.manifest
        deleted = client.delete(f"/v2/ci/app/manifests/{digest}")
    assert deleted.status_code == 403
    assert deleted.json()["errors"][0]["code"] == "DENIED"
    assert deleted.json()["errors"][0]["message"] == "requested access to the resource is denied"
    with acr.client(auth=acr.server.auth) as admin:
        assert admin.get("/v2/ci/app/manifests/v1").status_code == 200  # nothing was deleted


def test_workload_with_acrpull_pulls_but_cannot_push(acr: Acr, monkeypatch: pytest.MonkeyPatch) -> None:
    admin_push(acr, "mi/pull", "v1")
    monkeypatch.setenv("IDENTITY_ENDPOINT", acr.identity_url)
    monkeypatch.setenv("IDENTITY_HEADER", acr.workload["identityHeader"])
    entra = ManagedIdentityCredential().get_token(REGISTRY_SCOPE).token
    token = token_from_refresh(acr, refresh_for(acr, entra), "repository:mi/pull:pull,push")
    assert unverified_claims(token)["access"] == [
        {"type": "repository", "name": "mi/pull", "actions": ["pull"]}
    ]
    with bearer(acr, token) as client:
        assert client.get("/v2/mi/pull/manifests/v1").status_code == 200
        push = client.post("/v2/mi/pull/blobs/uploads/")
    assert push.status_code == 403
    assert push.json()["errors"][0]["code"] == "DENIED"


def test_partner_token_reads_only_vendor_repositories(acr: Acr) -> None:
    admin_push(acr, "vendor/lib", "v1")
    admin_push(acr, "internal/app", "v1")

    async def setup(admin: RegistryAdministration) -> str:
        await admin.put_scope_map(
            "cerulean",
            "partner",
            ["repositories/vendor/*/content/read", "repositories/vendor/*/metadata/read"],
        )
        await admin.put_token("cerulean", "partner", "partner")
        return await admin.generate_token_password("cerulean", "partner", "password1")

    password = acr.admin(setup)
    granted = access_token(
        acr, ["repository:vendor/lib:pull,push", "repository:internal/app:pull", "registry:catalog:*"],
        auth=("partner", password),
    )  # fmt: skip
    assert granted.status_code == 200, granted.text
    assert unverified_claims(granted.json()["access_token"])["access"] == [
        {"type": "repository", "name": "vendor/lib", "actions": ["pull"]}
    ]
    with bearer(acr, granted.json()["access_token"]) as client:
        assert client.get("/v2/vendor/lib/manifests/v1").status_code == 200
        other = client.get("/v2/internal/app/manifests/v1")
        assert other.status_code == 401
        assert challenge_of(other)[2:] == ("repository:internal/app:pull", "insufficient_scope")
        assert client.get("/v2/_catalog").status_code == 401
    with acr.client(auth=("partner", password)) as basic:
        assert basic.get("/v2/vendor/lib/tags/list").json()["tags"] == ["v1"]
        assert basic.get("/v2/internal/app/tags/list").status_code == 401  # nothing granted there
    # A scope-map change is effective for the next token request.

    async def narrow(admin: RegistryAdministration) -> None:
        await admin.put_scope_map("cerulean", "partner", ["repositories/vendor/other/content/read"])

    acr.admin(narrow)
    again = access_token(acr, ["repository:vendor/lib:pull"], auth=("partner", password))
    assert unverified_claims(again.json()["access_token"])["access"] == []


def test_admin_account_off_by_default_semantics(acr: Acr) -> None:
    user, password = acr.server.auth
    assert user == "cerulean"
    full = access_token(acr, ["repository:any/repo:*", "registry:catalog:*"], auth=(user, password))
    assert unverified_claims(full.json()["access_token"])["access"] == [
        {"type": "repository", "name": "any/repo", "actions": ["*"]},
        {"type": "registry", "name": "catalog", "actions": ["*"]},
    ]
    assert access_token(acr, ["repository:a/b:pull"], auth=(user, "wrong")).status_code == 401

    async def second(admin: RegistryAdministration) -> str:
        return dict((await admin.admin_credentials("cerulean"))[1])["password2"]

    password2 = acr.admin(second)
    assert access_token(acr, ["repository:a/b:pull"], auth=(user, password2)).status_code == 200
    acr.set(admin_user_enabled=False)
    try:
        for candidate in (password, password2):
            refused = access_token(acr, ["repository:a/b:pull"], auth=(user, candidate))
            assert refused.status_code == 401
            assert refused.json()["errors"][0]["code"] == "UNAUTHORIZED"
        with acr.client(auth=(user, password)) as client:
            assert client.get("/v2/_catalog").status_code == 401
    finally:
        acr.set(admin_user_enabled=True)


def test_abac_mode_switch(acr: Acr, monkeypatch: pytest.MonkeyPatch) -> None:
    admin_push(acr, "team1/app", "v1")
    admin_push(acr, "team2/app", "v1")
    monkeypatch.setenv("IDENTITY_ENDPOINT", acr.identity_url)
    monkeypatch.setenv("IDENTITY_HEADER", acr.workload["identityHeader"])
    entra = ManagedIdentityCredential().get_token(REGISTRY_SCOPE).token
    refresh_before = refresh_for(acr, entra)
    access_before = token_from_refresh(acr, refresh_before, "repository:team1/app:pull")
    with bearer(acr, access_before) as client:  # used before the switch: its verdict is remembered
        assert [client.get("/v2/team1/app/manifests/v1").status_code for _ in range(3)] == [200] * 3
    owner_refresh_before = refresh_for(acr, owner_token(acr))
    reader = ad(acr.server, "app", "create", "team1-reader")
    reader_secret = ad(acr.server, "app", "add-secret", reader["appId"])["secretText"]
    condition = (
        "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}) AND "
        "!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})) OR "
        "(@Request[Microsoft.ContainerRegistry/registries/repositories:name]"
        " StringStartsWithIgnoreCase 'team1/'))"
    )
    acr.assign(reader["servicePrincipalId"], "Container Registry Repository Reader", condition=condition)
    acr.set(permission_mode=ABAC)
    try:
        # Credentials minted before the switch: 401, even though they are unexpired and well signed.
        with bearer(acr, access_before) as client:
            stale = client.get("/v2/team1/app/manifests/v1")
        assert stale.status_code == 401
        assert challenge_of(stale)[3] == "invalid_token"
        assert (
            access_token(
                acr, ["repository:team1/app:pull"], grant_type="refresh_token", refresh_token=refresh_before
            ).status_code
            == 401
        )
        # AcrPull is not honoured in ABAC mode; Owner has no data-plane rights.
        pull_now = token_from_refresh(acr, refresh_for(acr, entra), "repository:team1/app:pull")
        assert unverified_claims(pull_now)["access"] == []
        owner = token_from_refresh(acr, refresh_for(acr, owner_token(acr)), "repository:team1/app:pull")
        assert unverified_claims(owner)["access"] == []
        with bearer(acr, owner) as client:
            assert client.get("/v2/team1/app/manifests/v1").status_code == 401
        assert (
            access_token(
                acr, ["repository:x:pull"], grant_type="refresh_token", refresh_token=owner_refresh_before
            ).status_code
            == 401
        )
        # Repository Reader conditioned on 'team1/': team1/app yes, team2/app no; no catalog.
        refresh = refresh_for(acr, entra_token(acr, reader["appId"], reader_secret))
        token = token_from_refresh(
            acr, refresh, "repository:team1/app:pull", "repository:team2/app:pull", "registry:catalog:*"
        )
        assert unverified_claims(token)["access"] == [
            {"type": "repository", "name": "team1/app", "actions": ["pull"]}
        ]
        with bearer(acr, token) as client:
            assert client.get("/v2/team1/app/manifests/v1").status_code == 200
            assert client.get("/v2/team2/app/manifests/v1").status_code == 401
            assert client.get("/v2/_catalog").status_code == 401
        lister = acr.assign(reader["servicePrincipalId"], "Container Registry Repository Catalog Lister")
        listed = token_from_refresh(acr, refresh, "registry:catalog:*")
        with bearer(acr, listed) as client:
            names = client.get("/v2/_catalog", params={"n": 1000}).json()["repositories"]
        assert {"team1/app", "team2/app"} <= set(names)
        acr.unassign(lister)
    finally:
        acr.set(permission_mode=LEGACY)


# -- refusals -------------------------------------------------------------------------------------------


def _forge(token: str, *, header: dict[str, Any] | None = None, claims: dict[str, Any] | None = None) -> str:
    head, payload, signature = token.split(".")

    def encode(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    if header is not None:
        head = encode(header)
    if claims is not None:
        payload = encode(claims)
    return f"{head}.{payload}.{signature}"


def test_negative_matrix_is_refused_with_401_and_nothing_served(acr: Acr) -> None:
    admin_push(acr, "secret/app", "v1")
    url, login = acr.server.database_url, acr.login
    entry = (AccessEntry("repository", "secret/app", ("pull",)),)
    good = mint(url, login, access=entry)
    claims = unverified_claims(good)
    hs256_header = {"typ": "JWT", "alg": "HS256"}
    signing_input = _forge(good, header=hs256_header).rsplit(".", 1)[0]
    public_key_secret = json.dumps(claims).encode()  # any key an attacker knows: HS256 is refused outright
    hs256 = (
        signing_input
        + "."
        + base64.urlsafe_b64encode(
            hmac.new(public_key_secret, signing_input.encode(), hashlib.sha256).digest()
        )
        .rstrip(b"=")
        .decode()
    )
    now = dt.datetime.now(dt.UTC)
    refresh = mint(url, login, kind="refresh")
    cases = {
        "bad signature": good[:-6] + ("AAAAAA" if not good.endswith("AAAAAA") else "BBBBBB"),
        "alg none": _forge(good, header={"typ": "JWT", "alg": "none"}).rsplit(".", 1)[0] + ".",
        "HS256 with a known key": hs256,
        "tampered claims": _forge(
            good, claims={**claims, "access": [{"type": "repository", "name": "*", "actions": ["*"]}]}
        ),
        "expired": mint(url, login, access=entry, at=now - dt.timedelta(hours=3)),
        "not yet valid": mint(url, login, access=entry, at=now + dt.timedelta(hours=1)),
        "another registry's audience": mint(url, "other.azurecr.io", access=entry),
        "another issuer": _forge(good, claims={**claims, "iss": "Somebody Else"}),
        "refresh token used as access token": refresh,
        "other mode": mint(url, login, access=entry, mode=ABAC),
    }
    with acr.client() as client:
        assert (
            client.get("/v2/secret/app/manifests/v1", headers={"Authorization": f"Bearer {good}"}).status_code
            == 200
        )
        for name, token in cases.items():
            response = client.get("/v2/secret/app/manifests/v1", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, name
            assert response.json()["errors"][0]["code"] == "UNAUTHORIZED", name
            assert challenge_of(response)[3] == "invalid_token", name
            assert "schemaVersion" not in response.text, name
    # The reverse: an access token where a refresh token belongs.
    reverse = access_token(
        acr, ["repository:secret/app:pull"], grant_type="refresh_token", refresh_token=good
    )
    assert reverse.status_code == 401


def test_a_remembered_verdict_does_not_outlive_its_token(acr: Acr) -> None:
    admin_push(acr, "expiring/app", "v1")
    entry = (AccessEntry("repository", "expiring/app", ("pull",)),)
    # Issued so that, with the 60 s of clock skew allowed, it is usable for about 3 more seconds.
    issued = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=75, seconds=57)
    token = mint(acr.server.database_url, acr.login, access=entry, at=issued)
    with bearer(acr, token) as client:
        assert [client.get("/v2/expiring/app/manifests/v1").status_code for _ in range(3)] == [200] * 3
        # The same token for another repository: a different question, never remembered as allowed.
        other = client.get("/v2/team2/app/manifests/v1")
        assert (other.status_code, challenge_of(other)[3]) == (401, "insufficient_scope")
        deadline = issued.timestamp() + 75 * 60 + 60
        time.sleep(max(0.0, deadline - time.time()) + 1.1)
        expired = client.get("/v2/expiring/app/manifests/v1")
        assert expired.status_code == 401
        assert challenge_of(expired)[3] == "invalid_token"
        assert "schemaVersion" not in expired.text


def test_token_credentials_refused_when_disabled_or_expired(acr: Acr) -> None:
    async def setup(admin: RegistryAdministration) -> tuple[str, str]:
        await admin.put_token("cerulean", "ci-bot", "_repositories_pull")
        live = await admin.generate_token_password("cerulean", "ci-bot", "password1")
        old = await admin.generate_token_password(
            "cerulean", "ci-bot", "password2", dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        )
        return live, old

    live, expired = acr.admin(setup)
    assert access_token(acr, ["repository:a/b:pull"], auth=("ci-bot", live)).status_code == 200
    assert access_token(acr, ["repository:a/b:pull"], auth=("ci-bot", expired)).status_code == 401
    assert access_token(acr, ["repository:a/b:pull"], auth=("ci-bot", live + "x")).status_code == 401

    async def disable(admin: RegistryAdministration) -> None:
        await admin.put_token("cerulean", "ci-bot", "_repositories_pull", enabled=False)

    acr.admin(disable)
    assert access_token(acr, ["repository:a/b:pull"], auth=("ci-bot", live)).status_code == 401
    with acr.client(auth=("ci-bot", live)) as client:
        assert client.get("/v2/").status_code == 401


def test_untag_follows_its_own_rule(acr: Acr) -> None:
    admin_push(acr, "untag/app", "v1")
    admin_push(acr, "untag/app", "v2")
    refresh = refresh_for(acr, pipeline_token(acr))
    token = token_from_refresh(acr, refresh, "repository:untag/app:delete")
    assert unverified_claims(token)["access"] == [
        {"type": "repository", "name": "untag/app", "actions": ["untag"]}
    ]
    with bearer(acr, token) as client:
        assert client.delete("/acr/v1/untag%2Fapp/_tags/v1").status_code in (200, 202)
        assert client.delete("/v2/untag/app/manifests/v2").status_code == 202
        digest = admin_push(acr, "untag/app", "v3")
        assert client.delete(f"/v2/untag/app/manifests/{digest}").status_code == 403


def test_audit_records_logins_and_repository_operations(acr: Acr) -> None:
    admin_push(acr, "audited/app", "v1")
    refresh = refresh_for(acr, pipeline_token(acr))
    token = token_from_refresh(acr, refresh, "repository:audited/app:pull")
    with bearer(acr, token) as client:
        assert client.get("/v2/audited/app/manifests/v1").status_code == 200
        assert client.delete("/v2/audited/app/manifests/v1").status_code == 403
    assert access_token(acr, ["repository:a/b:pull"], auth=("cerulean", "wrong-password")).status_code == 401
    principal = acr.pipeline["servicePrincipalId"]
    events = audit(acr, "--identity", principal)
    operations = {(e["operationName"], e["resultDescription"]) for e in events}
    assert {("exchange", "200"), ("token", "200"), ("Pull", "200")} <= operations
    pulled = next(e for e in events if e["operationName"] == "Pull")
    assert (pulled["repository"], pulled["tag"], pulled["category"]) == (
        "audited/app",
        "v1",
        "ContainerRegistryRepositoryEvents",
    )
    assert pulled["digest"].startswith("sha256:")
    failed = audit(acr, "--result", "Failed")
    assert any(e["operationName"] == "Untag" and e["repository"] == "audited/app" for e in failed)
    wrong = [e for e in failed if e["operationName"] == "token" and "wrong admin password" in e["reason"]]
    assert wrong
    dump = json.dumps(audit(acr))
    assert "wrong-password" not in dump
    assert acr.pipeline["secret"] not in dump
    assert acr.server.auth[1] not in dump
    recent = audit(acr, "--since", (dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)).isoformat())
    assert recent == []
