"""A real Cerulean server per metadata engine, shared by the integration tests of a session."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from support.server import RunningServer, start_server


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningServer]:
    """`cerulean serve` on 127.0.0.1:0 with plain HTTP, on SQLite or PostgreSQL."""
    database_url = None
    if request.param == "postgres":
        database_url = request.getfixturevalue("postgres_database_url")
    running = start_server(tmp_path_factory.mktemp(f"server-{request.param}"), database_url=database_url)
    yield running
    assert running.stop() == 0, "\n".join(running.output)


@pytest.fixture
def client(server: RunningServer) -> Iterator[httpx.Client]:
    """An HTTP client bound to the server."""
    with httpx.Client(base_url=server.url, timeout=30, auth=server.auth) as http:
        yield http


@pytest.fixture
def server_login(server: RunningServer) -> str:
    """The login server the registry reports (``host:port``)."""
    return server.host
