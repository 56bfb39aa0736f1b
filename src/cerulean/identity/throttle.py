"""Failed sign-ins throttled per client (application id or user name) and per source address.

A sliding window per key: after `limit` failures within `window` seconds, further attempts from that key
are refused — before any credential is checked, so a locked-out attacker cannot keep paying for guesses —
until the oldest failure leaves the window. Successes do not count. The state is per node (a guesser
spread across N nodes gets N times the budget); DESIGN.md's shared cache is where it would move.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cerulean.identity.errors import ThrottledError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["SignInThrottle", "ThrottleLimits"]


@dataclass(frozen=True, slots=True)
class ThrottleLimits:
    """How many failures each kind of key may have within the window."""

    per_client: int = 10
    per_address: int = 50
    window_seconds: float = 60.0
    max_keys: int = 100_000  # bound on memory: the oldest keys are forgotten first


class SignInThrottle:
    """Counts failures and refuses keys that have too many."""

    def __init__(
        self, limits: ThrottleLimits | None = None, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self._limits = limits or ThrottleLimits()
        self._now = monotonic
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        failures = self._failures.get(key)
        if failures is None:
            return deque()
        cutoff = self._now() - self._limits.window_seconds
        while failures and failures[0] <= cutoff:
            failures.popleft()
        if not failures:
            del self._failures[key]
        return failures

    def check(self, client: str, address: str) -> None:
        """Raise `ThrottledError` if either key is over its limit."""
        for key, limit in ((f"client:{client.lower()}", self._limits.per_client),
                           (f"address:{address}", self._limits.per_address)):  # fmt: skip
            failures = self._recent(key)
            if len(failures) >= limit:
                wait = failures[0] + self._limits.window_seconds - self._now()
                raise ThrottledError(max(1, math.ceil(wait)), reason=f"throttled ({key.split(':')[0]})")

    def failed(self, client: str, address: str) -> None:
        """Count one failure against both keys."""
        now = self._now()
        for key in (f"client:{client.lower()}", f"address:{address}"):
            self._failures.setdefault(key, deque()).append(now)
        while len(self._failures) > self._limits.max_keys:
            self._failures.pop(next(iter(self._failures)))
