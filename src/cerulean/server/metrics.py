"""Prometheus metrics, in a registry of their own (built by bootstrap, never at import)."""

from __future__ import annotations

from typing import Final

from prometheus_client import CollectorRegistry, Counter, Histogram

__all__ = ["Metrics"]

_BUCKETS: Final = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60)


class Metrics:
    """Request counts and latencies by operation, method and status."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "cerulean_http_requests",
            "HTTP requests served, by operation, method and status.",
            ["operation", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "cerulean_http_request_duration_seconds",
            "Time to the end of the response, by operation.",
            ["operation"],
            registry=self.registry,
            buckets=_BUCKETS,
        )
        # labels() validates and locks on every call; the children are few, so keep them.
        self._counters: dict[tuple[str, str, int], Counter] = {}
        self._timers: dict[str, Histogram] = {}

    def observe(self, operation: str, method: str, status: int, seconds: float) -> None:
        """Count one request and record how long it took."""
        counter = self._counters.get((operation, method, status))
        if counter is None:
            counter = self.requests.labels(operation, method, str(status))
            self._counters[operation, method, status] = counter
        counter.inc()
        timer = self._timers.get(operation)
        if timer is None:
            timer = self._timers[operation] = self.latency.labels(operation)
        timer.observe(seconds)
