"""`cerulean registry-keys`: the keys registry tokens (ACR refresh and access tokens) are signed with.

An operator's command, run on a machine that reaches the database and holds the key-encryption key,
like `cerulean ad keys-rotate` for the identity provider's keys. After `rotate`, nodes sign with the new
key from their next key reload (within a minute) and accept it at once; tokens signed with the old key
stay valid until the old key retires, a day after the longest-lived token it could have signed.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cerulean.cli.settings_loading import settings_or_exit

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from cerulean.identity.keys import KeyRing

__all__ = ["registry_keys"]

registry_keys = typer.Typer(help="The keys registry tokens are signed with.", no_args_is_help=True)

DataDir = Annotated[Path | None, typer.Option(help="Data directory [default: ./.cerulean]")]
DatabaseUrl = Annotated[str | None, typer.Option(help="SQLAlchemy async URL")]


def _run(
    data_dir: Path | None, database_url: str | None, work: Callable[[KeyRing], Awaitable[dict[str, Any]]]
) -> None:
    """Open the registry's key ring from the settings, do `work` with it, print its answer as JSON."""
    from cerulean.bootstrap import open_registry_keys  # noqa: PLC0415 - keeps `cerulean --help` fast
    from cerulean.db import Database, migrate  # noqa: PLC0415 - as above

    settings = settings_or_exit(None, data_dir=data_dir, database_url=database_url)

    async def main() -> dict[str, Any]:
        database = Database(settings.effective_database_url)
        try:
            await migrate(database)
            return await work(await open_registry_keys(settings, database))
        finally:
            await database.dispose()

    typer.echo(json.dumps(asyncio.run(main()), indent=2, default=str))


def _published(ring: KeyRing) -> list[dict[str, Any]]:
    keys = ring.published()
    return [{"kid": key.kid, "signing": key.retire_at is None, "retireAt": key.retire_at} for key in keys]


@registry_keys.command("rotate")
def rotate(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Sign registry tokens with a new key; the old one verifies its tokens until they have expired."""

    async def work(ring: KeyRing) -> dict[str, Any]:
        kid = await ring.rotate()
        return {"kid": kid, "published": _published(ring)}

    _run(data_dir, database_url, work)


@registry_keys.command("list")
def list_keys(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """The published keys: the signing one and those retiring (public facts only, never key material)."""

    async def work(ring: KeyRing) -> dict[str, Any]:
        return {"published": _published(ring)}

    _run(data_dir, database_url, work)
