"""Network-gate benchmark: what the check costs each request, with 200 IP rules.

    python -m bench.network [--requests N] [--clients N] [--seed S]

The check is measured as the server makes it: `NetworkGate.decide(scope, network)` on an ASGI scope
shaped like a pull (peer address, a dozen headers, an empty state), against a registry with
``defaultAction: Deny`` and 200 rules (100 single addresses, 100 CIDRs of /16 to /30, overlapping),
compiled once as the gate compiles them per policy version. Clients come from a pool of `--clients`
addresses, half inside the rules and half outside, visited in random order.

Figures (median of 7 rounds, microseconds per request):

* steady state: the pool's decisions remembered (the gate's per-version memory) — what a registry pays;
* cold: the memories emptied before every request, so each one parses, bisects and decides afresh;
* behind a trusted proxy: the peer is a proxy and ``X-Forwarded-For`` carries three hops (a client's
  header is the same on each of its requests, and the gate remembers short headers' answers);
* the whole gate as ASGI middleware around an empty application, for allowed requests (the policy
  version check included; a refusal also writes its audit record, which is not the hot path);
* compiling 200 rules (milliseconds; once per policy change).

The last line is ``network_check_us_200_rules=<steady state>``; the target is <= 2 µs.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import random
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from cerulean.arm.models import RegistryResource
from cerulean.audit import AuditRecorder
from cerulean.core.clock import SystemClock
from cerulean.network import ClientResolver, RegistryNetwork, TrustedProxies, parse_address
from cerulean.server.network import NetworkGate

TARGET_US = 2.0
ROUNDS = 7
HEADERS = [
    (b"host", b"registry.example:443"),
    (b"user-agent", b"containerd/1.7.24"),
    (b"accept", b"application/vnd.oci.image.manifest.v1+json"),
    (b"accept", b"application/vnd.oci.image.index.v1+json"),
    (b"accept", b"application/vnd.docker.distribution.manifest.v2+json"),
    (b"accept-encoding", b"gzip"),
    (b"authorization", b"Bearer " + b"x" * 900),
    (b"connection", b"keep-alive"),
    (b"traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
    (b"x-meta-source-client", b"azure/aks"),
]


def _rules(rng: random.Random) -> tuple[str, ...]:
    singles = [f"20.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}" for _ in range(100)]
    cidrs = []
    for _ in range(100):
        prefix = rng.randrange(16, 31)
        cidrs.append(f"40.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}/{prefix}")
    rules = singles + cidrs
    rng.shuffle(rules)
    return tuple(rules)


def _registry(rules: tuple[str, ...]) -> RegistryResource:
    return RegistryResource(
        "sub", "rg", "cerulean", "westeurope", "Premium", "registry.example", False, False,
        "LegacyRegistryPermissions", dt.datetime.now(dt.UTC), network_default_action="Deny", ip_rules=rules,
    )  # fmt: skip


def _clients(rng: random.Random, rules: tuple[str, ...], count: int) -> list[str]:
    """Half the addresses inside a rule (its first address), half in 60.0.0.0-199.255.255.255 (none)."""
    inside = [rng.choice(rules).split("/")[0] for _ in range(count // 2)]
    outside = [
        f"{rng.randrange(60, 200)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}"
        for _ in range(count - len(inside))
    ]
    pool = inside + outside
    rng.shuffle(pool)
    return pool


def _scope(peer: str, extra: list[tuple[bytes, bytes]] | None = None) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "GET",
        "path": "/v2/team/app/manifests/latest",
        "client": (peer, 50000),
        "headers": HEADERS + (extra or []),
        "state": {},
    }


@dataclass
class _View:
    version: int
    registries: dict[str, RegistryResource]


@dataclass
class _Policy:
    view: _View

    async def current(self) -> _View:
        return self.view


@dataclass
class _NoEndpoints:
    calls: list[str] = field(default_factory=list)

    async def private_endpoint_connections(self, registry: str | None = None) -> list[Any]:
        self.calls.append(registry or "")
        return []


class _NoAudit:
    async def record_audit_events(self, _events: list[Any]) -> None:
        return None

    async def audit_events(self, _query: Any) -> list[Any]:
        return []


async def _empty(_scope: Any, _receive: Any, _send: Any) -> None:
    return None


def _gate(registry: RegistryResource, proxies: TrustedProxies) -> NetworkGate:
    return NetworkGate(
        _empty,
        registry_name=registry.name,
        login_server=registry.login_server,
        policy=_Policy(_View(1, {registry.name: registry})),  # type: ignore[arg-type]
        endpoints=_NoEndpoints(),
        resolver=ClientResolver(proxies),
        trusted_services=(),
        audit=AuditRecorder(_NoAudit()),
        clock=SystemClock(),
    )


def _per_request(run: Any, scopes: list[dict[str, Any]]) -> float:
    """Median over rounds of the mean cost of one call, in microseconds."""
    rounds = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for scope in scopes:
            run(scope)
        rounds.append((time.perf_counter() - started) / len(scopes) * 1e6)
    return statistics.median(rounds)


def _cold(gate: NetworkGate, network: RegistryNetwork, scopes: list[dict[str, Any]]) -> float:
    def forget() -> None:
        network._cache.clear()  # noqa: SLF001 - the benchmark empties the memories on purpose
        parse_address.cache_clear()

    def cold(scope: dict[str, Any]) -> None:
        forget()
        gate.decide(scope, network)

    return _per_request(cold, scopes) - _per_request(lambda _s: forget(), scopes)


def _proxied(registry: RegistryResource, network: RegistryNetwork, scopes: list[dict[str, Any]]) -> float:
    proxied = _gate(registry, TrustedProxies(["10.0.0.0/8"]))
    behind = [
        _scope("10.1.2.3", [(b"x-forwarded-for", f"6.6.6.6, {s['client'][0]}, 10.9.9.9".encode())])
        for s in scopes
    ]

    def through_proxy(scope: dict[str, Any]) -> None:
        scope["client"] = ("10.1.2.3", 50000)  # `client` rewrites it: give each round the proxy back
        proxied.decide(scope, network)

    return _per_request(through_proxy, behind)


async def _middleware(registry: RegistryResource, allowed: list[dict[str, Any]]) -> float:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request"}

    async def send(_message: Any) -> None:
        return None

    whole = _gate(registry, TrustedProxies())
    await whole.current()
    rounds = []
    for _ in range(ROUNDS):
        begun = time.perf_counter()
        for scope in allowed:
            scope["state"] = {}
            await whole(scope, receive, send)
        rounds.append((time.perf_counter() - begun) / len(allowed) * 1e6)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--clients", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    rules = _rules(rng)
    registry = _registry(rules)

    started = time.perf_counter()
    for _ in range(20):
        RegistryNetwork.compile(registry)
    compile_ms = (time.perf_counter() - started) / 20 * 1e3
    network = RegistryNetwork.compile(registry)
    pool = _clients(rng, rules, args.clients)
    scopes = [_scope(rng.choice(pool)) for _ in range(args.requests)]
    gate = _gate(registry, TrustedProxies())
    allowed = [s for s in scopes if gate.decide(s, network).allowed]
    quarter = args.requests // 4
    gc.collect()
    gc.disable()  # the figures are the check's, not a collector pause's
    try:
        steady = _per_request(lambda s: gate.decide(s, network), scopes)
        cold_us = _cold(gate, network, scopes[:quarter])
        proxy_us = _proxied(registry, network, scopes[:quarter])
        middleware_us = asyncio.run(_middleware(registry, allowed[:quarter]))
    finally:
        gc.enable()

    print(f"rules: {len(rules)} (100 addresses, 100 CIDRs), compiled ranges: {len(network.rules)}")
    print(f"clients: {len(pool)} addresses, {len(allowed) / len(scopes):.0%} of requests allowed")
    print(f"compile 200 rules:               {compile_ms:8.3f} ms (once per policy version)")
    print(f"check, steady state:             {steady:8.3f} µs/request")
    print(f"check, cold (nothing remembered): {cold_us:7.3f} µs/request")
    print(f"check, behind a trusted proxy:    {proxy_us:7.3f} µs/request (X-Forwarded-For, 3 hops)")
    print(f"whole gate as ASGI middleware:    {middleware_us:7.3f} µs/request")
    verdict = "met" if steady <= TARGET_US else "MISSED"
    print(f"target <= {TARGET_US} µs per request: {verdict}")
    print()
    print(f"network_check_compile_ms_200_rules={compile_ms:.3f}")
    print(f"network_check_cold_us_200_rules={cold_us:.3f}")
    print(f"network_check_proxied_us_200_rules={proxy_us:.3f}")
    print(f"network_gate_middleware_us_200_rules={middleware_us:.3f}")
    print(f"network_check_us_200_rules={steady:.3f}")


if __name__ == "__main__":
    main()
