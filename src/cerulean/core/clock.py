"""Time from an injected clock, so that expiry and timestamps are testable without sleeping."""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol

__all__ = ["Clock", "FixedClock", "SystemClock"]


class Clock(Protocol):
    """A source of the current time (always timezone-aware UTC)."""

    def now(self) -> dt.datetime:
        """Return the current UTC time."""
        ...

    def seconds(self) -> float:
        """The current time as seconds since the epoch (cheaper than `now` on hot paths)."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> dt.datetime:
        """Return the current UTC time."""
        return dt.datetime.now(dt.UTC)

    def seconds(self) -> float:
        """Seconds since the epoch."""
        return time.time()


class FixedClock:
    """A clock that stands still until moved; for tests and deterministic tools."""

    def __init__(self, at: dt.datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._at = at

    def now(self) -> dt.datetime:
        """Return the fixed time."""
        return self._at

    def seconds(self) -> float:
        """The fixed time in seconds since the epoch."""
        return self._at.timestamp()

    def advance(self, delta: dt.timedelta) -> None:
        """Move the clock forward."""
        self._at += delta
