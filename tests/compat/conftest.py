"""Real clients against a real server (plain HTTP on loopback)."""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.server import RunningServer, start_server


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A Cerulean server for one module of client tests."""
    running = start_server(tmp_path_factory.mktemp("compat"))
    yield running
    assert running.stop() == 0, "\n".join(running.output)


def write_auth_file(path: Path, host: str, username: str, password: str) -> Path:
    """A containers-auth.json (skopeo's `--authfile`) holding one registry's credentials."""
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    path.write_text(json.dumps({"auths": {host: {"auth": token}}}))
    path.chmod(0o600)
    return path


@pytest.fixture(scope="module")
def admin_auth_file(registry: RunningServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The admin account's credentials in REGISTRY_AUTH_FILE, for skopeo runs of one module."""
    path = write_auth_file(tmp_path_factory.mktemp("auth") / "auth.json", registry.host, *registry.auth)
    previous = os.environ.get("REGISTRY_AUTH_FILE")
    os.environ["REGISTRY_AUTH_FILE"] = str(path)
    yield path
    if previous is None:
        del os.environ["REGISTRY_AUTH_FILE"]
    else:
        os.environ["REGISTRY_AUTH_FILE"] = previous


@pytest.fixture(scope="session")
def skopeo() -> str:
    """The skopeo binary (`make test` installs it; its absence is a failure, not a skip)."""
    path = shutil.which("skopeo")
    if path is None:
        pytest.fail("skopeo is not installed: run the tests through `make test`")
    return path
