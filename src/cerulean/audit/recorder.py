"""Writes audit records in batches (and each one to the structured log)."""

from __future__ import annotations

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
        self._writer: BatchWriter[AuditEvent] = BatchWriter(log.record_audit_events, name="audit")

    def start(self) -> None:
        """Batch from now on (on the running event loop)."""
        self._writer.start()

    async def stop(self) -> None:
        """Write what is queued and stop batching."""
        await self._writer.stop()

    async def flush(self) -> None:
        """Write what is queued now."""
        await self._writer.flush()

    async def record(self, event: AuditEvent) -> None:
        """Queue one record."""
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
        await self._writer.add(event)
