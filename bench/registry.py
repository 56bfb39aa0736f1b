"""Cerulean against CNCF distribution (Debian's docker-registry 2.8), side by side in one run.

    python -m bench.registry [--quick] [--only client,push,chunked,pull,manifest,tokens,rss] [--runs 3]

Figures (transfers and manifest GETs: the median of `--runs`, or the best with `--stat best`; the
registries take turns, ABBA):
  push_monolithic   1 GiB blob, POST then one PUT with the whole body (GB/s)
  push_chunked      1 GiB blob, PATCH 8 MiB chunks with Content-Range, then PUT ?digest= (GB/s)
  pull              1 GiB blob GET, curl to /dev/null (GB/s)
  manifest_get      GET manifest by tag, wrk -t1 -c64 for 10 s per run: requests/s and p99 (ms); Cerulean's
                    requests carry a bearer token from /oauth2/token, distribution runs without auth
  token_grants      Cerulean only: POST /oauth2/token refresh grants/s with 1,000 role assignments
  upload_10gib      a 10 GiB upload generated on the fly: the server's peak RSS growth (MiB)
  client            the push client into a discard server: its own ceiling (GB/s)

Cerulean's uploads and pulls send the admin account's Basic credentials (it serves nothing without).
Ratios are Cerulean / distribution. The last lines are `name=value`, one per figure, ending with
`authed_manifest_get_ratio` and `token_grants_per_s`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import _transfer as transfer
from bench._auth import access_token
from bench._registries import (
    CERULEAN_CMD,
    Registry,
    RssSampler,
    start_cerulean,
    start_distribution,
    start_sink,
)
from bench._report import emit
from bench._tokens import token_figures
from bench._wrk import run_wrk

GIB = 1 << 30
MIB = 1 << 20
ALL = ("client", "push", "chunked", "pull", "manifest", "tokens", "rss")
MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
Measure = Callable[[Registry], float]
Starter = Callable[[Path], Registry]


@dataclass(frozen=True)
class Sizes:
    blob: int
    wrk_seconds: int
    stream: int


FULL = Sizes(GIB, 10, 10 * GIB)
QUICK = Sizes(64 * MIB, 2, 256 * MIB)


def log(message: str) -> None:
    """Progress on stderr, so stdout stays the table and the `name=value` lines."""
    print(message, file=sys.stderr, flush=True)


def settled() -> None:
    """Flush every dirty page before a timed transfer, so no run pays for the previous one's writes."""
    os.sync()
    time.sleep(1)


def label(size: int) -> str:
    return f"{size // GIB}gib" if size % GIB == 0 else f"{size // MIB}mib"


def fresh_repository() -> str:
    return f"bench/{uuid.uuid4().hex[:10]}"


@dataclass(frozen=True)
class Runs:
    """How many timed transfers per figure, and which one is kept: `best` (the least disturbed by whatever
    else shares the two cores: noise here only ever slows a transfer down) or `median`."""

    count: int
    stat: str

    def keep(self, seconds: list[float]) -> float:
        return min(seconds) if self.stat == "best" else statistics.median(seconds)


def transfer_gbps(
    registries: list[Registry], runs: Runs, size: int, what: str, measure: Measure
) -> dict[str, float]:
    """GB/s per registry over `runs`; the order alternates (ABBA) so drift hits both alike."""
    seconds: dict[str, list[float]] = {registry.name: [] for registry in registries}
    for run in range(runs.count):
        for registry in registries if run % 2 == 0 else registries[::-1]:
            settled()
            took = measure(registry)
            seconds[registry.name].append(took)
            log(f"  {what} {registry.name} run {run + 1}/{runs.count}: {size / took / 1e9:.3f} GB/s")
    return {name: size / runs.keep(values) / 1e9 for name, values in seconds.items()}


def client_figures(root: Path, blob: transfer.TestBlob, runs: Runs) -> dict[str, float]:
    """The push client into a sink that discards: what the client alone can send on this machine."""
    sink = start_sink(root / "sink")
    try:
        figures = {}
        for kind, push in (("monolithic", transfer.push_monolithic), ("chunked", transfer.push_chunked)):

            def measure(registry: Registry, push: Callable[..., float] = push) -> float:
                return push(registry.auth_url, "sink", blob)

            rate = transfer_gbps([sink], runs, blob.size, f"client {kind}", measure)
            figures[f"push_{kind}_client_ceiling_gbps"] = rate["sink"]
        return figures
    finally:
        sink.stop()


def push_figures(
    registries: list[Registry], blob: transfer.TestBlob, runs: Runs, which: set[str]
) -> dict[str, float]:
    """Each push sends content no registry has seen (a new tail, a new repository), so none can skip it."""
    counter = iter(range(1, 1_000_000))
    figures: dict[str, float] = {}
    for group, kind, push in (
        ("push", "monolithic", transfer.push_monolithic),
        ("chunked", "chunked", transfer.push_chunked),
    ):
        if group not in which:
            continue

        def measure(registry: Registry, push: Callable[..., float] = push) -> float:
            return push(registry.auth_url, fresh_repository(), blob.vary(next(counter)))

        for name, rate in transfer_gbps(registries, runs, blob.size, f"push {kind}", measure).items():
            figures[f"push_{kind}_gbps_{name}"] = rate
    return figures


def pull_figures(registries: list[Registry], blob: transfer.TestBlob, runs: Runs) -> dict[str, float]:
    """The same new blob pushed to both, one untimed pull each (page cache warm for both), then timed."""
    blob.vary(0)
    for registry in registries:
        transfer.push_monolithic(registry.auth_url, "bench/pull", blob)
        transfer.pull(registry.auth_url, "bench/pull", blob)
    rates = transfer_gbps(
        registries, runs, blob.size, "pull", lambda r: transfer.pull(r.auth_url, "bench/pull", blob)
    )
    return {f"pull_gbps_{name}": rate for name, rate in rates.items()}


def push_small_image(registry: Registry, repository: str) -> str:
    """A config, one layer and an OCI manifest tagged `latest`; returns the manifest digest."""
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers"}}).encode()
    layer = uuid.uuid4().bytes * 1024
    with httpx.Client(base_url=registry.url, auth=registry.auth) as client:
        descriptors = []
        for data, media_type in (
            (config, "application/vnd.oci.image.config.v1+json"),
            (layer, "application/vnd.oci.image.layer.v1.tar+gzip"),
        ):
            digest = "sha256:" + hashlib.sha256(data).hexdigest()
            location = client.post(f"/v2/{repository}/blobs/uploads/").raise_for_status().headers["Location"]
            separator = "&" if "?" in location else "?"  # distribution keeps its _state in the query
            client.put(f"{location}{separator}digest={digest}", content=data).raise_for_status()
            descriptors.append({"mediaType": media_type, "digest": digest, "size": len(data)})
        manifest = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": MANIFEST_TYPE,
                "config": descriptors[0],
                "layers": descriptors[1:],
            }
        ).encode()
        response = client.put(
            f"/v2/{repository}/manifests/latest", content=manifest, headers={"Content-Type": MANIFEST_TYPE}
        ).raise_for_status()
        return (
            response.headers.get("Docker-Content-Digest") or "sha256:" + hashlib.sha256(manifest).hexdigest()
        )


def wrk(url: str, seconds: int, headers: dict[str, str], connections: int = 64) -> tuple[float, float]:
    """Requests/s and p99 latency (ms) of a manifest GET."""
    extra = [arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")]
    return run_wrk(url, seconds, connections, extra)


def manifest_figures(registries: list[Registry], seconds: int, runs: Runs) -> dict[str, float]:
    """wrk on GET /v2/<repo>/manifests/latest (after checking it answers 200 with the pushed digest),
    `runs` times per registry in ABBA order like the transfers; the median (or best) rate and p99."""
    targets: list[tuple[Registry, str, dict[str, str]]] = []
    for registry in registries:
        digest = push_small_image(registry, "bench/manifest")
        url = f"{registry.url}/v2/bench/manifest/manifests/latest"
        headers = {"Accept": MANIFEST_TYPE}
        if registry.auth is not None:  # Cerulean: a bearer token, as every client presents after login
            token = access_token(registry.url, registry.auth, "repository:bench/manifest:pull")
            headers["Authorization"] = f"Bearer {token}"
        check = httpx.get(url, headers=headers)
        if check.status_code != 200 or "sha256:" + hashlib.sha256(check.content).hexdigest() != digest:
            raise RuntimeError(f"{registry.name}: GET {url} is {check.status_code}, not 200 with {digest}")
        wrk(url, 2, headers)  # warm-up: connections, caches
        targets.append((registry, url, headers))
    rates: dict[str, list[float]] = {registry.name: [] for registry in registries}
    p99s: dict[str, list[float]] = {registry.name: [] for registry in registries}
    for run in range(runs.count):
        for registry, url, headers in targets if run % 2 == 0 else targets[::-1]:
            rate, p99 = wrk(url, seconds, headers)
            turn = f"run {run + 1}/{runs.count}"
            log(f"  manifest GET {registry.name} {turn}: {rate:,.0f} req/s, p99 {p99:.2f} ms")
            rates[registry.name].append(rate)
            p99s[registry.name].append(p99)
    figures: dict[str, float] = {}
    best = runs.stat == "best"
    for name, rate_runs in rates.items():
        figures[f"manifest_get_rps_{name}"] = max(rate_runs) if best else statistics.median(rate_runs)
        figures[f"manifest_get_p99_ms_{name}"] = min(p99s[name]) if best else statistics.median(p99s[name])
    return figures


def rss_figures(starters: list[Starter], root: Path, size: int) -> dict[str, float]:
    """A streamed upload to a freshly started registry while its RSS (VmRSS of the process tree) is sampled
    every 100 ms: the baseline is the idle server, not one that earlier transfers have already grown."""
    figures: dict[str, float] = {}
    name = f"upload_{label(size)}"
    for start in starters:
        data_dir = root / f"rss-{uuid.uuid4().hex[:6]}"
        registry = start(data_dir)
        try:
            with RssSampler(registry) as sampler:
                seconds = transfer.push_streamed(registry.auth_url, "bench/stream", size)
        finally:
            registry.stop()
            shutil.rmtree(data_dir, ignore_errors=True)  # gigabytes: free them now
        growth = sampler.growth / MIB
        log(f"  {name} {registry.name}: {size / seconds / 1e9:.3f} GB/s, RSS +{growth:.1f} MiB")
        suffix = "" if registry.name == "cerulean" else f"_{registry.name}"
        figures[f"{name}_rss_growth_mib{suffix}"] = growth
        figures[f"{name}_gbps_{registry.name}"] = size / seconds / 1e9
    return figures


def ratios(figures: dict[str, float]) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, name in (
        ("push_monolithic_gbps", "push_monolithic_ratio"),
        ("push_chunked_gbps", "push_chunked_ratio"),
        ("pull_gbps", "pull_ratio"),
        ("manifest_get_rps", "authed_manifest_get_ratio"),
    ):
        ours, theirs = figures.get(f"{key}_cerulean"), figures.get(f"{key}_distribution")
        if ours is not None and theirs:
            out[name] = ours / theirs
    return out


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="64 MiB blobs, 2 s of wrk, a 256 MiB stream")
    parser.add_argument("--only", default=",".join(ALL), help=f"comma-separated subset of {','.join(ALL)}")
    parser.add_argument("--runs", type=int, default=3, help="timed transfers per figure (default: 3)")
    parser.add_argument(
        "--stat", choices=("best", "median"), default="median", help="which run is kept (default: median)"
    )
    parser.add_argument("--workdir", type=Path, default=Path("/var/tmp"), help="where the data dirs go")
    parser.add_argument("--keep-workdir", action="store_true", help="keep data dirs and server logs")
    parser.add_argument(
        "--cerulean-cmd",
        default=CERULEAN_CMD,
        help="command template of the Cerulean side (default: %(default)s)",
    )
    parser.add_argument(
        "--cerulean-as-distribution",
        action="store_true",
        help="run a second docker-registry as the 'cerulean' side: validates the harness, ratios near 1.0",
    )
    parser.add_argument(
        "--rss-distribution", action="store_true", help="also stream the upload to distribution"
    )
    args = parser.parse_args()
    unknown = set(args.only.split(",")) - set(ALL)
    if unknown:
        parser.error(f"--only: unknown {','.join(sorted(unknown))}")
    return args


def check_space(workdir: Path, sizes: Sizes, runs: Runs, which: set[str]) -> None:
    """Fail before starting rather than filling the disk halfway: pushes are kept until the end (the
    streamed uploads are deleted one by one)."""
    pushes = 2 * runs.count * len(which & {"push", "chunked"}) + (2 if "pull" in which else 0)
    needed = sizes.blob * (pushes + 1) + (sizes.stream if "rss" in which else 0)
    free = shutil.disk_usage(workdir).free
    if free < needed * 1.2:
        raise SystemExit(
            f"{workdir}: {free / GIB:.1f} GiB free, this run needs ~{needed * 1.2 / GIB:.1f} GiB"
        )


def starters(args: argparse.Namespace) -> list[Starter]:
    """Starters of distribution, then of the Cerulean side (a second distribution to validate the harness)."""
    if args.cerulean_as_distribution:
        return [start_distribution, lambda path: start_distribution(path, name="cerulean")]
    return [start_distribution, lambda path: start_cerulean(path, args.cerulean_cmd)]


def measure_all(
    args: argparse.Namespace, sizes: Sizes, which: set[str], root: Path, registries: list[Registry]
) -> dict[str, float]:
    runs = Runs(args.runs, args.stat)
    figures: dict[str, float] = {}
    if which & {"client", "push", "chunked", "pull"}:
        log(f"writing a {label(sizes.blob)} random blob")
        blob = transfer.make_blob(root / "blob.bin", sizes.blob)
        if "client" in which:
            figures |= client_figures(root, blob, runs)
        figures |= push_figures(registries, blob, runs, which)
        if "pull" in which:
            figures |= pull_figures(registries, blob, runs)
        blob.path.unlink()
    if "manifest" in which:
        figures |= manifest_figures(registries, sizes.wrk_seconds, runs)
    if "tokens" in which and registries[-1].auth is not None:
        log("token grants: 1,000 role assignments, then wrk on the refresh grant")
        figures |= token_figures(registries[-1], root / "cerulean" / "data", root, sizes.wrk_seconds)
        log(f"  {figures['token_grants_per_s']:,.0f} grants/s, p99 {figures['token_grants_p99_ms']:.2f} ms")
    if "rss" in which:
        start_distribution_side, start_cerulean_side = starters(args)
        sides = (
            [start_cerulean_side, start_distribution_side] if args.rss_distribution else [start_cerulean_side]
        )
        figures |= rss_figures(sides, root, sizes.stream)
    return figures


def _terminate(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through `finally`, which stops the registries


def main() -> None:
    args = parse_args()
    sizes = QUICK if args.quick else FULL
    which = set(args.only.split(","))
    check_space(args.workdir, sizes, Runs(args.runs, args.stat), which)
    signal.signal(signal.SIGTERM, _terminate)
    root = Path(tempfile.mkdtemp(prefix="cerulean-bench-", dir=args.workdir))
    registries: list[Registry] = []
    try:
        if which - {"rss"}:
            for start, side in zip(starters(args), ("distribution", "cerulean"), strict=True):
                registries.append(start(root / side))
            log(f"distribution at {registries[0].url}, cerulean at {registries[1].url}, data in {root}")
        figures = measure_all(args, sizes, which, root, registries)
    finally:
        for registry in registries:
            registry.stop()
        if args.keep_workdir:
            log(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    figures |= ratios(figures)
    side = (
        "a second docker-registry"
        if args.cerulean_as_distribution
        else args.cerulean_cmd.format_map(
            {"cerulean": "cerulean", "data_dir": "DIR", "host": "127.0.0.1", "port": "PORT"}
        )
    )
    heading = (
        f"Cerulean / distribution, same run: transfers are the {args.stat} of {args.runs} runs of a "
        f"{label(sizes.blob)} blob; manifest GET: the {args.stat} of {args.runs} wrk runs of "
        f"{sizes.wrk_seconds} s.\ncerulean side: {side}"
    )
    emit(figures, heading)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        log("interrupted: the registries are stopped and their data removed")
        sys.exit(130)
