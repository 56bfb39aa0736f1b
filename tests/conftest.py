"""Shared fixtures: database URLs (SQLite always; PostgreSQL when reachable, and always under CI=true)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import asyncpg
import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "CERULEAN_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def _postgres_available() -> bool:
    async def probe() -> bool:
        try:
            conn = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=3)
        except (OSError, asyncpg.PostgresError):
            return False
        await conn.close()
        return True

    return asyncio.run(probe())


def require_postgres() -> None:
    """Skip without PostgreSQL, except under CI, where its absence is a failure."""
    if _postgres_available():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true: the PostgreSQL tests must run, but 127.0.0.1:5432 is unreachable")
    pytest.skip("PostgreSQL is not reachable at " + POSTGRES_ADMIN_URL)


def _admin(statement: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(POSTGRES_ADMIN_URL)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(run())


def _scratch_postgres_database() -> Iterator[str]:
    require_postgres()
    name = f"cerulean_test_{uuid.uuid4().hex[:12]}"
    _admin(f'CREATE DATABASE "{name}"')
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    try:
        yield f"{base}/{name}"
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database on each engine."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "registry.db"
        yield f"sqlite+aiosqlite:///{path}"
        return
    yield from _scratch_postgres_database()


@pytest.fixture(scope="session")
def postgres_database_url() -> Iterator[str]:
    """One scratch PostgreSQL database for a whole session (for the server-level tests)."""
    yield from _scratch_postgres_database()


@pytest.fixture(scope="module")
def module_postgres_database_url() -> Iterator[str]:
    """A scratch PostgreSQL database of one module's own (for a first start that provisions it)."""
    yield from _scratch_postgres_database()


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio (the server's own loop family)."""
    return "asyncio"
