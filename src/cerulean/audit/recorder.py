"""Writes audit records in batches (and each one to the structured log)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import structlog

from cerulean.core.batching import BatchWriter

if TYPE_CHECKING:
    from cerulean.audit.interfaces import AuditLog
    from cerulean.audit.models import AuditEvent

__all__ = ["AuditRecorder"]

_log = structlog.get_logger("cerulean.audit")


class AuditRecorder:
    """The one way records reach the audit log."""

    def __init__(self, log: AuditLog) -> None:
        # Pulls alone can queue 15,000 records a second: let the quarter-second tick, not the count,
        # decide when to write, so each commit carries thousands.
        self._writer: BatchWriter[AuditEvent] = BatchWriter(
            log.record_audit_events, name="audit", flush_seconds=0.25, flush_batch=10_000
        )
        self._logged = True

    def start(self) -> None:
        """Batch from now on (on the running event loop)."""
        # Asked once: building the log call's arguments for every pull costs even when filtered out.
        self._logged = _log.is_enabled_for(logging.INFO)
        self._writer.start()

    async def stop(self) -> None:
        """Write what is queued and stop batching."""
        await self._writer.stop()

    async def flush(self) -> None:
        """Write what is queued now."""
        await self._writer.flush()

    async def record(self, event: AuditEvent) -> None:
        """Queue one record (written at once when not started)."""
        self._log(event)
        await self._writer.add(event)

    def record_nowait(self, event: AuditEvent) -> None:
        """Queue one record without yielding (the hot path); only while started."""
        self._log(event)
        self._writer.add_nowait(event)

    def _log(self, event: AuditEvent) -> None:
        if self._logged:
            _log.info(
                event.operation,
                category=event.category.value,
                identity=event.identity,
                identity_kind=event.identity_kind,
                ip=event.caller_ip,
                result=event.result_description,
                repository=event.repository,
                reason=event.reason,
            )
