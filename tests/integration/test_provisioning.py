"""A start on a database that already has a tenant: the named registry is served as stored."""

from __future__ import annotations

import pytest

from cerulean.db import Database, SqlResourceStore, migrate
from cerulean.provisioning import UnknownRegistryError, claim_registry
from support.resources import add_registries

pytestmark = pytest.mark.anyio


async def test_claim_records_the_login_server_of_the_registry_served(database_url: str) -> None:
    database = Database(database_url)
    try:
        await migrate(database)
        await add_registries(database, "first01", "TeamsX01")
        resources = SqlResourceStore(database)

        served, previous = await claim_registry(resources, "teamsx01", "10.0.0.5:5000")  # any case
        assert (served.name, previous, served.login_server) == (
            "TeamsX01",
            "TeamsX01.localhost",
            "10.0.0.5:5000",
        )
        stored = {r.name: r.login_server for r in await resources.list_registries()}
        assert stored == {"first01": "first01.localhost", "TeamsX01": "10.0.0.5:5000"}
        assert (await claim_registry(resources, "TeamsX01", "10.0.0.5:5000"))[1] == "10.0.0.5:5000"

        with pytest.raises(UnknownRegistryError, match="does not exist in this database"):
            await claim_registry(resources, "nosuch01", "10.0.0.5:5000")
    finally:
        await database.dispose()
