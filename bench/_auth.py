"""Credentials for the benchmarked Cerulean: its admin account turned on, and registry tokens from it.

Cerulean serves nothing without credentials, so its side of every figure pays for authentication:
Basic (the admin account) on uploads and pulls, a bearer token from `/oauth2/token` on manifest GETs.
distribution runs without authentication, as the issues ask the ratios to be measured.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from cerulean.auth.administration import RegistryAdministration
from cerulean.core.clock import SystemClock
from cerulean.db import Database, SqlCredentialStore, SqlResourceStore
from cerulean.identity import KeyEncryptionKey
from cerulean.identity.secrets import SecretHasher

REGISTRY = "cerulean"
POLICY_CACHE_SECONDS = 1.0  # the server's default: a change is seen within this


def administration(data_dir: Path, database: Database) -> RegistryAdministration:
    """`RegistryAdministration` over a server's data directory (same database, same key file)."""
    kek = KeyEncryptionKey.load_or_create(data_dir / "identity" / "key-encryption.key")
    return RegistryAdministration(
        SqlResourceStore(database), SqlCredentialStore(database), kek, SecretHasher(), SystemClock()
    )


def database_of(data_dir: Path) -> Database:
    """The server's default SQLite database."""
    return Database(f"sqlite+aiosqlite:///{data_dir.resolve() / 'registry.db'}")


def enable_admin(data_dir: Path) -> tuple[str, str]:
    """Turn the admin account on; its username and first password (usable within a second)."""

    async def run() -> tuple[str, str]:
        database = database_of(data_dir)
        try:
            admin = administration(data_dir, database)
            await admin.update(REGISTRY, admin_user_enabled=True)
            username, passwords = await admin.admin_credentials(REGISTRY)
            return username, passwords[0][1]
        finally:
            await database.dispose()

    credentials = asyncio.run(run())
    time.sleep(POLICY_CACHE_SECONDS + 0.2)
    return credentials


def access_token(url: str, auth: tuple[str, str], *scopes: str) -> str:
    """A registry access token for `scopes`, by the Basic `GET /oauth2/token` Docker uses."""
    host = url.split("://", 1)[1]
    response = httpx.get(
        f"{url}/oauth2/token", params=[("service", host), *[("scope", s) for s in scopes]], auth=auth
    ).raise_for_status()
    return str(response.json()["access_token"])
