"""`az acr login -n NAME` by a principal that may pull but not read the registry's ARM resource.

AcrPull grants no `registries/read`, so ARM's resource list does not show the registry and az falls back
to `NAME<suffix>`, the suffix being the cloud's `suffixes.acrLoginServer` from `/metadata/endpoints`. Here
the registry "cerulean" is served at "cerulean.azurecr.test:PORT", so the server advertises
".azurecr.test:PORT" and az's fallback must land on exactly that login server.

Nothing on this machine resolves a dotted name to loopback: the proxy az already goes through (the
LeakTrap) tunnels that one host:port to the server, as a proxy that resolves names would. az itself runs
unmodified and computes the login server on its own.
"""

from __future__ import annotations

import ssl
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from support.azure_cli import Az, Cerulean, LeakTrap
from support.client import push_image
from support.identity import ad, bootstrap, unverified_claims
from support.oci import make_image
from support.server import start_server

HOSTNAME = "cerulean.azurecr.test"  # registry "cerulean" -> suffix ".azurecr.test:PORT"
NULL_GUID = "00000000-0000-0000-0000-000000000000"
REPOSITORY = "fallback/hello"
MANIFEST_TYPES = "application/vnd.oci.image.manifest.v1+json"


@pytest.fixture(scope="module")
def cerulean(tmp_path_factory: pytest.TempPathFactory, trap: LeakTrap) -> Iterator[Cerulean]:
    """A TLS server whose login server is its registry's name under a domain (replaces conftest's)."""
    server = start_server(
        tmp_path_factory.mktemp("azcli-fallback") / "data",
        extra_args=("--tls", "auto", "--hostname", HOSTNAME),
        admin=False,
    )
    try:
        trap.tunnels[server.host] = int(server.host.rsplit(":", 1)[1])
        yield Cerulean(server, bootstrap(server), managed_identity_url="")
    finally:
        trap.tunnels.clear()
        assert server.stop() == 0, "\n".join(server.output)


def _http(cerulean: Cerulean, trap: LeakTrap, auth: tuple[str, str] | None = None) -> httpx.Client:
    """A client that reaches the login server the way az does (through the tunnelling proxy)."""
    context = ssl.create_default_context(cafile=cerulean.ca)
    return httpx.Client(base_url=cerulean.url, verify=context, proxy=trap.url, timeout=60, auth=auth)


@pytest.fixture(scope="module")
def pushed(cerulean: Cerulean, trap: LeakTrap) -> bytes:
    """REPOSITORY:v1, pushed by the bootstrap Owner; its manifest."""
    image = make_image()
    with _http(cerulean, trap, auth=(cerulean.record["clientId"], cerulean.record["clientSecret"])) as http:
        push_image(http, REPOSITORY, image, "v1")
    return image.manifest


def _principal(cerulean: Cerulean, name: str) -> dict[str, str]:
    app = ad(cerulean.server, "app", "create", f"{name}-{uuid.uuid4().hex[:6]}")
    return {**app, "secret": ad(cerulean.server, "app", "add-secret", app["appId"])["secretText"]}


def _assign(az: Az, principal: dict[str, str], role: str, scope: str) -> None:
    az.ok(
        "role", "assignment", "create", "--assignee-object-id", principal["servicePrincipalId"],
        "--assignee-principal-type", "ServicePrincipal", "--role", role, "--scope", scope,
    )  # fmt: skip


def _logged_in(cloud: Az, cerulean: Cerulean, principal: dict[str, str], config_dir: Path) -> Az:
    user = cloud.fork(config_dir)
    user.ok(
        "login", "--service-principal", "--username", principal["appId"], f"--password={principal['secret']}",
        "--tenant", cerulean.record["tenantId"],
    )  # fmt: skip
    return user


def test_the_cloud_suffix_names_the_served_registry(cloud: Az, cerulean: Cerulean) -> None:
    suffixes = cloud.ok("cloud", "show")["suffixes"]
    assert (
        cerulean.record["registryName"] + suffixes["acrLoginServerEndpoint"] == cerulean.record["loginServer"]
    )


def test_an_acrpull_only_principal_logs_in_through_the_suffix_and_pulls(  # noqa: PLR0917 - fixtures
    az: Az, cloud: Az, cerulean: Cerulean, trap: LeakTrap, pushed: bytes, tmp_path: Path
) -> None:
    puller = _principal(cerulean, "pull-only")
    _assign(az, puller, "AcrPull", cerulean.registry_id)
    user = _logged_in(cloud, cerulean, puller, tmp_path / "azure")
    registry = cerulean.record["registryName"]
    assert "could not be found" in user.fails("acr", "show", "--name", registry).errors  # no registries/read

    shown = user.run("acr", "login", "--name", registry, "--expose-token")
    assert shown.returncode == 0, shown.explain()
    assert "Could not get registry from service" in shown.stderr  # ARM did not show it: the suffix did
    assert "You can perform manual login using the provided refresh token below" in shown.warnings
    token = shown.json()
    assert (token["loginServer"], token["username"]) == (cerulean.record["loginServer"], NULL_GUID)
    refresh = token["refreshToken"]
    assert token["accessToken"] == refresh
    assert unverified_claims(refresh)["oid"] == puller["servicePrincipalId"]

    with _http(cerulean, trap) as http:
        granted = http.post(
            "/oauth2/token",
            data={
                "grant_type": "refresh_token",
                "service": cerulean.record["loginServer"],
                "scope": f"repository:{REPOSITORY}:pull,push",
                "refresh_token": refresh,
            },
        )
        assert granted.status_code == 200, granted.text
        access = granted.json()["access_token"]
        assert unverified_claims(access)["access"] == [
            {"type": "repository", "name": REPOSITORY, "actions": ["pull"]}  # AcrPull: no push
        ]
        manifest = http.get(
            f"/v2/{REPOSITORY}/manifests/v1",
            headers={"Authorization": f"Bearer {access}", "Accept": MANIFEST_TYPES},
        )
    assert manifest.status_code == 200
    assert manifest.content == pushed


def test_a_principal_without_a_role_on_the_registry_is_refused(
    az: Az, cloud: Az, cerulean: Cerulean, tmp_path: Path
) -> None:
    stranger = _principal(cerulean, "no-role")
    elsewhere = ad(cerulean.server, "identity-create", f"elsewhere-{uuid.uuid4().hex[:6]}")
    _assign(az, stranger, "Reader", elsewhere["id"])  # it sees the subscription, not the registry
    user = _logged_in(cloud, cerulean, stranger, tmp_path / "azure")
    refused = user.fails("acr", "login", "--name", cerulean.record["registryName"], "--expose-token")
    assert "Could not get registry from service" in refused.stderr
    assert "CONNECTIVITY_REFRESH_TOKEN_ERROR" in refused.warnings  # the exchange answered 403
    assert f"Access to registry '{cerulean.record['loginServer']}' was denied. Response code: 403" in (
        refused.stderr
    )
    assert "Unable to authenticate using AAD or admin login credentials" in refused.errors
