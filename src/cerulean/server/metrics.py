"""Prometheus metrics, in a registry of their own (built by bootstrap, never at import)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

__all__ = ["Metrics"]


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
            buckets=(
                0.0005,
                0.001,
                0.0025,
                0.005,
                0.01,
                0.025,
                0.05,
                0.1,
                0.25,
                0.5,
                1,
                2.5,
                10,
                60,
            ),
        )
