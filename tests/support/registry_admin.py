"""Administering a running server's registry from the test process, through `RegistryAdministration`.

The server reads policy changes at its next token request (tests start it with
``CERULEAN_POLICY_CACHE_SECONDS=0``). The management plane will offer the same operations over HTTP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from cerulean.auth.administration import RegistryAdministration
from cerulean.core.clock import SystemClock
from cerulean.db import Database, SqlCredentialStore, SqlResourceStore
from cerulean.identity import KeyEncryptionKey
from cerulean.identity.secrets import SecretHasher
from support.server import shared_key_file

T = TypeVar("T")
REGISTRY = "cerulean"


def database_url(data_dir: Path, url: str | None) -> str:
    """The URL a server started with `data_dir` (and `url`, if given) uses."""
    return url or f"sqlite+aiosqlite:///{data_dir.resolve() / 'registry.db'}"


def with_database(url: str, work: Callable[[Database], Awaitable[T]]) -> T:
    """Run `work` on the database at `url` (a server's, read or changed from the test process)."""

    async def run() -> T:
        database = Database(url)
        try:
            return await work(database)
        finally:
            await database.dispose()

    return asyncio.run(run())


def administer(url: str, action: Callable[[RegistryAdministration], Awaitable[T]]) -> T:
    """Run `action` against the registry database at `url`."""

    async def run(database: Database) -> T:
        admin = RegistryAdministration(
            SqlResourceStore(database),
            SqlCredentialStore(database),
            KeyEncryptionKey.load_or_create(shared_key_file()),
            SecretHasher(),
            SystemClock(),
        )
        return await action(admin)

    return with_database(url, run)


def enable_admin(url: str, registry: str = REGISTRY) -> tuple[str, str]:
    """Turn the admin account on; its username and first password."""

    async def run(admin: RegistryAdministration) -> tuple[str, str]:
        await admin.update(registry, admin_user_enabled=True)
        username, passwords = await admin.admin_credentials(registry)
        return username, passwords[0][1]

    return administer(url, run)
