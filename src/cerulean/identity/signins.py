"""Recording sign-in attempts for the audit log: one `SignIn` per token request, allowed or refused.

While the node runs, records are written in batches: a flusher task commits whatever queued up every
`FLUSH_SECONDS` (or at once past `FLUSH_BATCH`), in one transaction, so a busy token endpoint pays one
commit per batch instead of one per sign-in. The cost is that a crash loses at most the last fraction of
a second of records; a clean stop flushes everything. Without a flusher (the command line), each record
is written at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final

import structlog

from cerulean.core.batching import BatchWriter
from cerulean.identity.models import SignIn

if TYPE_CHECKING:
    from cerulean.core.clock import Clock
    from cerulean.identity.interfaces import SignInLog

__all__ = ["FLUSH_BATCH", "FLUSH_SECONDS", "SIGN_IN_VERSION", "Attempt", "SignInRecorder"]

SIGN_IN_VERSION: Final = 1
FLUSH_SECONDS: Final = 0.25
FLUSH_BATCH: Final = 500
_log = structlog.get_logger("cerulean.identity")


@dataclass
class Attempt:
    """What is known about a sign-in so far; filled in as the grant learns who is calling."""

    tenant_id: str
    grant_type: str
    caller_ip: str
    correlation_id: str
    client_id: str = ""
    identity: str = ""
    identity_type: str = "unknown"
    resource: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class SignInRecorder:
    """Writes attempts to the sign-in log (and the structured log)."""

    def __init__(self, log: SignInLog, clock: Clock) -> None:
        self._clock = clock
        self._writer: BatchWriter[SignIn] = BatchWriter(
            log.record_sign_ins, name="sign-ins", flush_seconds=FLUSH_SECONDS, flush_batch=FLUSH_BATCH
        )

    def start(self) -> None:
        """Write records in batches from now on (call on the running event loop)."""
        self._writer.start()

    async def stop(self) -> None:
        """Stop batching and write whatever is queued."""
        await self._writer.stop()

    async def flush(self) -> None:
        """Write the queued records now."""
        await self._writer.flush()

    async def _record(self, event: SignIn) -> None:
        await self._writer.add(event)

    def _event(self, attempt: Attempt) -> SignIn:
        return SignIn(
            version=SIGN_IN_VERSION,
            time=self._clock.now(),
            tenant_id=attempt.tenant_id,
            grant_type=attempt.grant_type,
            client_id=attempt.client_id[:64],
            identity=attempt.identity[:256],
            identity_type=attempt.identity_type,
            resource=attempt.resource[:256],
            caller_ip=attempt.caller_ip,
            result="success",
            correlation_id=attempt.correlation_id,
        )

    async def succeeded(self, attempt: Attempt) -> None:
        """Record a sign-in that issued tokens."""
        event = self._event(attempt)
        _log.info("sign-in", **_fields(event))
        await self._record(event)

    async def failed(self, attempt: Attempt, code: int, reason: str) -> None:
        """Record a refused sign-in with its AADSTS code (0 when there is none) and the precise reason."""
        event = replace(self._event(attempt), result="failure", error_code=code, reason=reason[:512])
        _log.info("sign-in refused", **_fields(event))
        await self._record(event)


def _fields(event: SignIn) -> dict[str, object]:
    return {
        "tenant": event.tenant_id,
        "grant": event.grant_type,
        "client": event.client_id,
        "identity": event.identity,
        "identity_type": event.identity_type,
        "resource": event.resource,
        "ip": event.caller_ip,
        "error_code": event.error_code,
        "reason": event.reason,
    }
