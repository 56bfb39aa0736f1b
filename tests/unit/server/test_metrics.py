"""Request metrics as Prometheus scrapes them."""

from __future__ import annotations

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from cerulean.server.metrics import Metrics


def _samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = generate_latest(metrics.registry).decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_counts_by_operation_method_and_status() -> None:
    metrics = Metrics()
    for status in (200, 200, 404):
        metrics.observe("manifest.pull", "GET", status, 0.002)
    metrics.observe("blob.push", "PUT", 201, 0.3)
    samples = _samples(metrics)
    total = "cerulean_http_requests_total"
    assert samples[total, (("method", "GET"), ("operation", "manifest.pull"), ("status", "200"))] == 2
    assert samples[total, (("method", "GET"), ("operation", "manifest.pull"), ("status", "404"))] == 1
    assert samples[total, (("method", "PUT"), ("operation", "blob.push"), ("status", "201"))] == 1


def test_latency_buckets_are_cumulative_and_inclusive() -> None:
    metrics = Metrics()
    for seconds in (0.0004, 0.001, 0.003, 100.0):  # 0.001 lands in le="0.001": bounds are inclusive
        metrics.observe("manifest.pull", "GET", 200, seconds)
    samples = _samples(metrics)
    name = "cerulean_http_request_duration_seconds"

    def bucket(le: str) -> float:
        return samples[f"{name}_bucket", (("le", le), ("operation", "manifest.pull"))]

    assert [bucket("0.0005"), bucket("0.001"), bucket("0.0025"), bucket("0.005"), bucket("60.0")] == [
        1,
        2,
        2,
        3,
        3,
    ]
    assert bucket("+Inf") == 4
    assert samples[f"{name}_count", (("operation", "manifest.pull"),)] == 4
    assert abs(samples[f"{name}_sum", (("operation", "manifest.pull"),)] - 100.0044) < 1e-9
