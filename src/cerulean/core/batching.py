"""Append-only records written in batches: one commit per fraction of a second instead of one per record.

While started, records queue in memory and a flusher task writes whatever queued up every
`flush_seconds` (or at once past `flush_batch`), in one call. A crash loses at most the last fraction
of a second; a clean `stop()` writes everything. Not started (the command line), each record is
written at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

__all__ = ["BatchWriter"]

T = TypeVar("T")
_log = logging.getLogger("cerulean.batching")


class BatchWriter(Generic[T]):
    """Queues records and hands them to `write` in batches."""

    def __init__(
        self,
        write: Callable[[list[T]], Awaitable[None]],
        *,
        name: str,
        flush_seconds: float = 0.25,
        flush_batch: int = 500,
    ) -> None:
        self._write = write
        self._name = name
        self._flush_seconds = flush_seconds
        self._flush_batch = flush_batch
        self._pending: list[T] = []
        self._wake = asyncio.Event()
        self._flusher: asyncio.Task[None] | None = None
        self._stopping = False

    def start(self) -> None:
        """Write in batches from now on (call on the running event loop)."""
        if self._flusher is None:
            self._flusher = asyncio.create_task(self._flush_forever(), name=f"cerulean-{self._name}")

    async def stop(self) -> None:
        """Stop batching and write whatever is queued (a write in progress finishes first, never cut)."""
        if self._flusher is not None:
            self._stopping = True
            self._wake.set()
            await self._flusher
            self._flusher = None
            self._stopping = False
        await self.flush()

    async def flush(self) -> None:
        """Write the queued records now."""
        batch, self._pending = self._pending, []
        if batch:
            await self._write(batch)

    async def add(self, record: T) -> None:
        """Queue one record (or write it at once when not started)."""
        if self._flusher is None:
            await self._write([record])
            return
        self.add_nowait(record)

    def add_nowait(self, record: T) -> None:
        """Queue one record without yielding; only while started (`RuntimeError` otherwise)."""
        if self._flusher is None:
            raise RuntimeError(f"the {self._name} writer is not started")
        self._pending.append(record)
        if len(self._pending) >= self._flush_batch:
            self._wake.set()

    async def _flush_forever(self) -> None:
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._flush_seconds)
            self._wake.clear()
            try:
                await self.flush()
            except Exception:  # noqa: BLE001 - the writer must outlive a failed write; the records were logged
                _log.exception("%s records could not be written", self._name)
