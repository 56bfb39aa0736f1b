"""Where audit records go and how they are read back (implemented by `cerulean.db`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import datetime as dt

    from cerulean.audit.models import AuditCategory, AuditEvent

__all__ = ["AuditLog", "AuditQuery"]


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """A filter over the audit log; unset fields do not filter."""

    since: dt.datetime | None = None
    identity: str | None = None
    result: str | None = None  # "Succeeded"/"Failed", or an HTTP status such as "403"
    category: AuditCategory | None = None
    repository: str | None = None
    limit: int = 1000


class AuditLog(Protocol):
    """An append-only log of audit records."""

    async def record_audit_events(self, events: list[AuditEvent]) -> None:
        """Append records in one transaction."""
        ...

    async def audit_events(self, query: AuditQuery) -> list[AuditEvent]:
        """Matching records, newest first."""
        ...

    async def purge_audit_events(self, before: dt.datetime) -> int:
        """Delete the records older than `before` (the retention period); how many went."""
        ...
