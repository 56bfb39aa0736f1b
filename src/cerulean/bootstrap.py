"""The composition root: builds every store, service and application from `Settings`.

Nothing in Cerulean constructs its own dependencies; tests build different objects through these same
functions (a memory blob store, a fixed clock) instead of switching behaviour inside production code.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import structlog

from cerulean.core.clock import Clock, SystemClock
from cerulean.db import Database, SqlMetadataStore, migrate
from cerulean.registry.service import RegistryService
from cerulean.server import Metrics, build_admin_app, build_app
from cerulean.storage import FilesystemBlobStore

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from cerulean.registry.interfaces import BlobStore
    from cerulean.settings import Settings

__all__ = ["Node", "build_node"]

_JANITOR_PERIOD: Final = 600.0
_log = structlog.get_logger("cerulean")


@dataclass
class Node:
    """One running Cerulean node's parts."""

    settings: Settings
    database: Database
    registry: RegistryService
    metrics: Metrics
    app: ASGIApp
    admin_app: ASGIApp
    clock: Clock
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start_background(self) -> None:
        """Start periodic housekeeping (expired upload sessions)."""
        self._tasks.append(asyncio.create_task(self._janitor(), name="cerulean-janitor"))

    async def _janitor(self) -> None:
        expiry = dt.timedelta(hours=self.settings.upload_expiry_hours)
        while True:
            try:
                purged = await self.registry.uploads.purge_expired(self.clock.now() - expiry)
                if purged:
                    _log.info("expired uploads purged", count=purged)
            except Exception:  # noqa: BLE001 - housekeeping must outlive any one failure
                _log.exception("janitor failed")
            await asyncio.sleep(_JANITOR_PERIOD)

    async def close(self) -> None:
        """Stop background work and release the database."""
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.database.dispose()


async def build_node(
    settings: Settings,
    *,
    login_server: str,
    tls: bool,
    clock: Clock | None = None,
    blobs: BlobStore | None = None,
) -> Node:
    """Create the database schema if needed and wire every component."""
    clock = clock or SystemClock()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.effective_database_url)
    await migrate(database)
    registry = RegistryService(
        blobs or FilesystemBlobStore(settings.data_dir / "storage"),
        SqlMetadataStore(database),
        clock,
        cache_ttl=settings.cache_ttl_seconds,
        max_manifest_bytes=settings.max_manifest_bytes,
    )
    metrics = Metrics()
    app = build_app(registry, metrics, login_server=login_server, tls=tls, access_log=settings.access_log)
    return Node(
        settings=settings,
        database=database,
        registry=registry,
        metrics=metrics,
        app=app,
        admin_app=build_admin_app(metrics),
        clock=clock,
    )
