"""The real Azure CLI (`az`, from its own venv) against a real Cerulean over TLS.

`make test-azcli` installs the CLI (scripts/install-azure-cli) and runs this directory; `make test` does not
collect it (`norecursedirs` in pyproject). How `az` is run: support/azure_cli.py.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.azure_cli import AZ_VENV, CLOUD, Az, Cerulean, LeakTrap, seed_config_dir
from support.identity import bootstrap
from support.server import start_server


@pytest.fixture(scope="session")
def az_installed() -> Path:
    """The azure-cli venv (`make test-azcli` creates it; its absence is a failure, not a skip)."""
    if not (AZ_VENV / "bin" / "az").exists():
        pytest.fail(f"azure-cli is not installed in {AZ_VENV}: run `make test-azcli`")
    return AZ_VENV


@pytest.fixture(scope="session")
def skopeo() -> str:
    """The skopeo binary (`make test-azcli` installs it)."""
    path = shutil.which("skopeo")
    if path is None:
        pytest.fail("skopeo is not installed: run the tests through `make test-azcli`")
    return path


@pytest.fixture(scope="module")
def cerulean(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cerulean]:
    """A TLS server with its bootstrap tenant, subscription, registry and Owner application, and its
    managed-identity endpoint.
    """
    server = start_server(
        tmp_path_factory.mktemp("azcli") / "data",
        extra_args=("--tls", "auto", "--identity-listen", "127.0.0.1:0"),
        admin=False,
    )
    try:
        found = next(
            m for line in server.output if (m := re.search(r"managed identity at (http://\S+)", line))
        )
        yield Cerulean(server, bootstrap(server), found.group(1))
    finally:
        assert server.stop() == 0, "\n".join(server.output)


@pytest.fixture(scope="module")
def trap() -> Iterator[LeakTrap]:
    proxy = LeakTrap()
    yield proxy
    proxy.close()


@pytest.fixture(scope="module")
def cloud(
    az_installed: Path, cerulean: Cerulean, trap: LeakTrap, tmp_path_factory: pytest.TempPathFactory
) -> Az:
    """`az cloud register` (endpoints discovered from the server's `/metadata/endpoints`) and `az cloud set`,
    in a configuration directory nobody has logged in with.
    """
    config_dir = tmp_path_factory.mktemp("az-cloud") / "azure"
    seed_config_dir(config_dir)
    az = Az(config_dir, cerulean.ca, trap)
    az.ok("cloud", "register", "--name", CLOUD, "--endpoint-resource-manager", cerulean.url)
    az.ok("cloud", "set", "--name", CLOUD)
    return az


@pytest.fixture(scope="module")
def az(cloud: Az, cerulean: Cerulean, tmp_path_factory: pytest.TempPathFactory) -> Az:
    """`az login --service-principal` as the bootstrap Owner application, in a copy of the cloud's config."""
    logged_in = cloud.fork(tmp_path_factory.mktemp("az-owner") / "azure")
    record = cerulean.record
    logged_in.ok(
        "login", "--service-principal", "--username", record["clientId"],
        f"--password={record['clientSecret']}", "--tenant", record["tenantId"],
    )  # fmt: skip
    return logged_in
