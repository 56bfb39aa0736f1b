"""`POST /oauth2/token` refresh grants per second, with 1,000 role assignments in the policy.

The bootstrap application (Owner at `/`) gets an Entra token, exchanges it for a registry refresh
token, and wrk then posts the refresh grant for a pull scope over 16 connections. 1,000 AcrPull
assignments to other principals sit in the same policy, so the engine's index has work to skip.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import httpx

from bench._auth import REGISTRY, administration, database_of
from bench._wrk import run_wrk

if TYPE_CHECKING:
    from pathlib import Path

    from bench._registries import Registry

ASSIGNMENTS = 1000


def _assign_many(data_dir: Path, count: int) -> None:
    async def run() -> None:
        database = database_of(data_dir)
        try:
            admin = administration(data_dir, database)
            registry = await admin.registry(REGISTRY)
            for _ in range(count):
                await admin.assign_role(str(uuid.uuid4()), "AcrPull", registry.resource_id)
        finally:
            await database.dispose()

    asyncio.run(run())


def token_figures(registry: Registry, data_dir: Path, workdir: Path, seconds: int) -> dict[str, float]:
    """Refresh grants per second and their p99, against the running Cerulean in `data_dir`."""
    _assign_many(data_dir, ASSIGNMENTS)
    record = json.loads((data_dir / "bootstrap.json").read_text())
    host = registry.url.split("://", 1)[1]
    entra = httpx.post(
        f"{registry.url}/{record['tenantId']}/oauth2/v2.0/token",
        data={
            "grant_type": "client_credentials",
            "client_id": record["clientId"],
            "client_secret": record["clientSecret"],
            "scope": "https://containerregistry.azure.net/.default",
        },
    ).raise_for_status()
    refresh = (
        httpx.post(
            f"{registry.url}/oauth2/exchange",
            data={
                "grant_type": "access_token",
                "service": host,
                "access_token": entra.json()["access_token"],
            },
        )
        .raise_for_status()
        .json()["refresh_token"]
    )
    form = {
        "grant_type": "refresh_token",
        "service": host,
        "scope": "repository:bench/manifest:pull",
        "refresh_token": refresh,
    }
    check = httpx.post(f"{registry.url}/oauth2/token", data=form).raise_for_status()
    if "access_token" not in check.json():
        raise RuntimeError(f"/oauth2/token answered {check.text[:300]}")
    script = workdir / "refresh.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f"wrk.body = {json.dumps(urlencode(form))}\n"
    )
    url = f"{registry.url}/oauth2/token"
    run_wrk(url, 2, 16, ["-s", str(script)])  # warm-up
    rate, p99 = run_wrk(url, seconds, 16, ["-s", str(script)])
    return {"token_grants_per_s": rate, "token_grants_p99_ms": p99}
