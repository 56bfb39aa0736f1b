"""Cerulean against CNCF distribution (Debian's docker-registry 2.8), side by side in one run.

    python -m bench.registry [--quick] [--only pull,push,chunked,manifest,rss] [--runs 3]

Figures (each the median of `--runs` transfers, both registries measured alternately):
  push_monolithic   1 GiB blob, POST then one PUT
  push_chunked      1 GiB blob, PATCH in 8 MiB chunks with Content-Range, then PUT
  pull              1 GiB blob GET (curl to /dev/null)
  manifest_get      GET manifest by tag, wrk with 64 connections for 10 s: requests/s and p99
  upload_rss        a 10 GiB upload generated on the fly: Cerulean's peak RSS growth

The last lines are `name=value`, one per figure, ratios being Cerulean ÷ distribution.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

from bench import _transfer as transfer
from bench._registries import Registry, RssSampler, start_cerulean, start_distribution

GIB = 1 << 30
MIB = 1 << 20
ALL = ("push", "chunked", "pull", "manifest", "rss")
TargetFn = Callable[[Registry, str], float]


def settled() -> None:
    """Flush every dirty page before a timed transfer, so no run pays for the previous one's writes."""
    os.sync()
    time.sleep(1)


def median_seconds(registry: Registry, runs: int, measure: TargetFn) -> float:
    timings = []
    for _ in range(runs):
        settled()
        timings.append(measure(registry, f"bench/{uuid.uuid4().hex[:10]}"))
    return statistics.median(timings)


def transfer_figures(
    registries: list[Registry], blob: transfer.TestBlob, runs: int, which: set[str]
) -> dict[str, float]:
    """GB/s for the pushes and the pull, both registries interleaved run by run."""
    figures: dict[str, float] = {}
    kinds: list[tuple[str, TargetFn]] = []
    run_counter = iter(range(1, 10_000))
    if "push" in which:
        kinds.append(
            (
                "push_monolithic",
                lambda r, repo: transfer.push_monolithic(r.url, repo, transfer.vary(blob, next(run_counter))),
            )
        )
    if "chunked" in which:
        kinds.append(
            (
                "push_chunked",
                lambda r, repo: transfer.push_chunked(r.url, repo, transfer.vary(blob, next(run_counter))),
            )
        )
    for name, measure in kinds:
        for registry in registries:
            seconds = median_seconds(registry, runs, measure)
            figures[f"{name}_gbps_{registry.name}"] = blob.size / seconds / 1e9
    if "pull" in which:
        transfer.vary(blob, 0)
        for registry in registries:
            transfer.push_monolithic(registry.url, "bench/pull", blob)
        for registry in registries:
            seconds = statistics.median(transfer.pull(registry.url, "bench/pull", blob) for _ in range(runs))
            figures[f"pull_gbps_{registry.name}"] = blob.size / seconds / 1e9
    return figures


def push_small_image(registry: Registry, repository: str) -> str:
    """A config, one layer and an OCI manifest tagged `latest`; returns the manifest digest."""
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers"}}).encode()
    layer = uuid.uuid4().bytes * 1024
    with httpx.Client(base_url=registry.url) as client:
        descriptors = []
        for data, media_type in (
            (config, "application/vnd.oci.image.config.v1+json"),
            (layer, "application/vnd.oci.image.layer.v1.tar+gzip"),
        ):
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            response = client.post(
                f"/v2/{repository}/blobs/uploads/", params={"digest": digest}, content=data
            )
            if response.status_code != 201:  # distribution answers 202 to the single POST
                location = response.headers["Location"]  # keeps distribution's _state query
                separator = "&" if "?" in location else "?"
                client.put(f"{location}{separator}digest={digest}", content=data).raise_for_status()
            descriptors.append({"mediaType": media_type, "digest": digest, "size": len(data)})
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": descriptors[0],
                "layers": descriptors[1:],
            }
        ).encode()
        response = client.put(
            f"/v2/{repository}/manifests/latest",
            content=manifest,
            headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"},
        )
        response.raise_for_status()
        return response.headers["Docker-Content-Digest"]


def wrk(url: str, seconds: int, connections: int = 64) -> tuple[float, float]:
    """Requests per second and p99 latency (ms) of a GET, refusing to report non-2xx answers."""
    result = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            "Accept: application/vnd.oci.image.manifest.v1+json",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk saw errors against {url}:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rate, p99


def manifest_figures(registries: list[Registry], seconds: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    for registry in registries:
        digest = push_small_image(registry, "bench/manifest")
        url = f"{registry.url}/v2/bench/manifest/manifests/latest"
        check = httpx.get(url, headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
        if check.status_code != 200 or check.headers.get("Docker-Content-Digest") != digest:
            raise RuntimeError(f"{registry.name}: the manifest GET does not answer 200 with {digest}")
        wrk(url, 2)  # warm-up
        rate, p99 = wrk(url, seconds)
        figures[f"manifest_get_rps_{registry.name}"] = rate
        figures[f"manifest_get_p99_ms_{registry.name}"] = p99
    return figures


def rss_figure(cerulean: Registry, size: int) -> dict[str, float]:
    with RssSampler(cerulean) as sampler:
        seconds = transfer.push_streamed(cerulean.url, "bench/stream", size)
    return {
        "upload_stream_gib": size / GIB,
        "upload_stream_gbps_cerulean": size / seconds / 1e9,
        "upload_rss_growth_mib": (sampler.peak - sampler.baseline) / MIB,
    }


def ratios(figures: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, name in (
        ("push_monolithic_gbps", "push_monolithic_ratio"),
        ("push_chunked_gbps", "push_chunked_ratio"),
        ("pull_gbps", "pull_ratio"),
        ("manifest_get_rps", "manifest_get_ratio"),
    ):
        ours, theirs = figures.get(f"{key}_cerulean"), figures.get(f"{key}_distribution")
        if ours is not None and theirs:
            out[name] = ours / theirs
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="64 MiB blobs, 2 s of wrk, a 256 MiB stream")
    parser.add_argument("--only", default=",".join(ALL), help=f"comma-separated subset of {','.join(ALL)}")
    parser.add_argument("--runs", type=int, default=3, help="transfers per figure (the median is kept)")
    parser.add_argument("--workdir", type=Path, default=Path("/var/tmp"), help="where data dirs go")
    args = parser.parse_args()
    which = set(args.only.split(","))
    blob_size, wrk_seconds, stream_size = (64 * MIB, 2, 256 * MIB) if args.quick else (GIB, 10, 10 * GIB)
    root = Path(tempfile.mkdtemp(prefix="cerulean-bench-", dir=args.workdir))
    registries: list[Registry] = []
    figures: dict[str, float] = {}
    try:
        registries = [start_distribution(root / "distribution"), start_cerulean(root / "cerulean")]
        if which & {"push", "chunked", "pull"}:
            blob = transfer.make_blob(root / "blob.bin", blob_size)
            figures |= transfer_figures(registries, blob, args.runs, which)
            blob.path.unlink()
        if "manifest" in which:
            figures |= manifest_figures(registries, wrk_seconds)
        if "rss" in which:
            figures |= rss_figure(registries[1], stream_size)
    finally:
        for registry in registries:
            registry.stop()
        shutil.rmtree(root, ignore_errors=True)
    figures |= ratios(figures)
    width = max(map(len, figures), default=0)
    print(f"\n{'figure':<{width}}  value")
    for name, value in figures.items():
        print(f"{name:<{width}}  {value:,.3f}")
    print()
    for name, value in figures.items():
        print(f"{name}={value:.3f}")


if __name__ == "__main__":
    main()
