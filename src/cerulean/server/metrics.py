"""Prometheus metrics, in a registry of their own (built by bootstrap, never at import).

Every request is counted and timed, so `observe` is on the hot path: it adds to plain dictionaries
(the event loop is the only writer) and a collector turns them into Prometheus families when scraped.
prometheus_client's own Counter and Histogram take a lock per value and cost several times more.
"""

from __future__ import annotations

import bisect
import itertools
from typing import TYPE_CHECKING, Final

from prometheus_client import CollectorRegistry
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from collections.abc import Iterator

    from prometheus_client.metrics_core import Metric

__all__ = ["Metrics"]

_BUCKETS: Final = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60)
_BOUNDS: Final = (*(repr(float(b)) for b in _BUCKETS), "+Inf")  # "0.0005" … "60.0", as Prometheus writes


class Metrics(Collector):
    """Request counts (by operation, method and status) and latencies (by operation)."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, int], int] = {}
        self._buckets: dict[str, list[int]] = {}  # per operation: a count per bucket, +Inf last
        self._sums: dict[str, float] = {}
        self.registry = CollectorRegistry(auto_describe=True)
        self.registry.register(self)

    def observe(self, operation: str, method: str, status: int, seconds: float) -> None:
        """Count one request and record how long it took."""
        key = (operation, method, status)
        self._counts[key] = self._counts.get(key, 0) + 1
        buckets = self._buckets.get(operation)
        if buckets is None:
            buckets = self._buckets[operation] = [0] * len(_BOUNDS)
            self._sums[operation] = 0.0
        buckets[bisect.bisect_left(_BUCKETS, seconds)] += 1  # the first bound >= seconds: Prometheus' `le`
        self._sums[operation] += seconds

    def collect(self) -> Iterator[Metric]:
        """The families as Prometheus scrapes them."""
        requests = CounterMetricFamily(
            "cerulean_http_requests",
            "HTTP requests served, by operation, method and status.",
            labels=["operation", "method", "status"],
        )
        for (operation, method, status), count in sorted(self._counts.items()):
            requests.add_metric([operation, method, str(status)], count)
        yield requests
        latency = HistogramMetricFamily(
            "cerulean_http_request_duration_seconds",
            "Time to the end of the response, by operation.",
            labels=["operation"],
        )
        for operation, buckets in sorted(self._buckets.items()):
            cumulative = [
                (bound, float(n)) for bound, n in zip(_BOUNDS, itertools.accumulate(buckets), strict=True)
            ]
            latency.add_metric([operation], cumulative, sum_value=self._sums[operation])
        yield latency
