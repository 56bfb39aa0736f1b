"""Real clients against a real server (plain HTTP on loopback)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from support.server import RunningServer, start_server


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A Cerulean server for one module of client tests."""
    running = start_server(tmp_path_factory.mktemp("compat"))
    yield running
    assert running.stop() == 0, "\n".join(running.output)


@pytest.fixture(scope="session")
def skopeo() -> str:
    """The skopeo binary (`make test` installs it; its absence is a failure, not a skip)."""
    path = shutil.which("skopeo")
    if path is None:
        pytest.fail("skopeo is not installed: run the tests through `make test`")
    return path
