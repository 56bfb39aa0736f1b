"""Access-engine benchmark: decision latency versus policy size, and the cost of a token grant.

Run from the repository root: `python -m bench.access [--decisions N] [--seed S]`.

The policy is random but shaped like a real tenant: a management-group tree, subscriptions, resource
groups and registries (half in each permission mode); users in groups; assignments of the roles ACR
users meet at every level of the hierarchy, 10 % of them with repository conditions. Principals grow
with the assignment count (about five assignments each), so a caller's own assignments stay few while
the total grows a thousandfold — the engine's index must keep the decision cost flat.

The last three lines are the targets' `name=value` pairs.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import time
from typing import TYPE_CHECKING

from cerulean.access import (
    PolicySnapshot,
    Principal,
    RegistryContext,
    Resource,
    RoleAssignment,
    ScopeHierarchy,
    builtin_role,
    decide,
    grant,
)

if TYPE_CHECKING:
    from collections.abc import Callable

SIZES = (100, 1_000, 10_000, 100_000)
ROLES = [
    ("AcrPull", 20),
    ("AcrPush", 10),
    ("AcrDelete", 3),
    ("Reader", 8),
    ("Contributor", 4),
    ("Owner", 2),
    ("Container Registry Repository Reader", 20),
    ("Container Registry Repository Writer", 12),
    ("Container Registry Repository Contributor", 5),
    ("Container Registry Repository Catalog Lister", 6),
    ("Container Registry Contributor and Data Access Configuration Administrator", 2),
]
CONDITION_ROLES = [
    "Container Registry Repository Reader",
    "Container Registry Repository Writer",
    "Container Registry Repository Contributor",
]
NAME = "Microsoft.ContainerRegistry/registries/repositories:name"
ACTIONS = [
    "Microsoft.ContainerRegistry/registries/repositories/content/read",
    "Microsoft.ContainerRegistry/registries/repositories/metadata/read",
    "Microsoft.ContainerRegistry/registries/repositories/content/write",
    "Microsoft.ContainerRegistry/registries/repositories/metadata/write",
]
TEAMS = [f"team{i:03d}" for i in range(200)]
OPERATIONS = ["pull", "pull", "pull", "push", "metadata_read", "delete", "catalog"]


def _guid(rng: random.Random) -> str:
    return "%08x-%04x-4%03x-8%03x-%012x" % (  # noqa: UP031 - fixed-width hex fields read best this way
        rng.getrandbits(32),
        rng.getrandbits(16),
        rng.getrandbits(12),
        rng.getrandbits(12),
        rng.getrandbits(48),
    )


def _condition(rng: random.Random) -> str:
    guard = " AND ".join(f"!(ActionMatches{{'{a}'}})" for a in ACTIONS[: rng.choice((2, 4))])
    op = rng.choice(("StringStartsWithIgnoreCase", "StringEqualsIgnoreCase"))
    return f"(({guard}) OR (@Request[{NAME}] {op} '{rng.choice(TEAMS)}/'))"


class World:
    """A random tenant with `size` role assignments."""

    def __init__(self, size: int, rng: random.Random) -> None:
        self.rng = rng
        subs = [_guid(rng) for _ in range(max(2, size // 200))]
        groups_mg = {"root": None, "platform": "root", "apps": "root", "apps-prod": "apps"}
        tree = ScopeHierarchy(
            management_group_parents=groups_mg,
            subscription_groups={s: rng.choice(list(groups_mg)) for s in subs},
        )
        self.registries: list[RegistryContext] = []
        resource_groups: list[str] = []
        for sub in subs:
            for g in range(3):
                rg = f"/subscriptions/{sub}/resourceGroups/rg{g}"
                resource_groups.append(rg)
                for r in range(2):
                    self.registries.append(
                        RegistryContext.of(
                            f"{rg}/providers/Microsoft.ContainerRegistry/registries/acr{g}{r}",
                            mode=rng.choice(("rbac", "rbac-abac")),
                        )
                    )
        self.users = [_guid(rng) for _ in range(max(20, size // 5))]
        self.groups = [_guid(rng) for _ in range(max(5, size // 50))]
        memberships = {u: rng.sample(self.groups, rng.choice((0, 1, 1, 2))) for u in self.users}
        scopes: list[tuple[str, int]] = [
            ("/", 1),
            *((f"/providers/Microsoft.Management/managementGroups/{m}", 1) for m in groups_mg),
            *((f"/subscriptions/{s}", 4) for s in subs),
            *((rg, 8) for rg in resource_groups),
            *((r.resource_id.text, 30) for r in self.registries),
        ]
        scope_names, scope_weights = zip(*scopes, strict=True)
        role_names, role_weights = zip(*ROLES, strict=True)
        principals = self.users + self.groups
        assignments = []
        for i in range(size):
            principal = rng.choice(principals)
            conditioned = rng.random() < 0.10
            role = rng.choice(CONDITION_ROLES) if conditioned else rng.choices(role_names, role_weights)[0]
            # Wide scopes are rare, as in real tenants; a root-scope Owner for every 100th is plenty.
            assignments.append(
                RoleAssignment.of(
                    f"ra-{i}",
                    rng.choices(scope_names, scope_weights)[0],
                    builtin_role(role),
                    principal,
                    principal_type="Group" if principal in self.groups else "User",
                    condition=_condition(rng) if conditioned else None,
                )
            )
        self.snapshot = PolicySnapshot(assignments=assignments, group_memberships=memberships, hierarchy=tree)
        self.memberships = memberships
        # Where each user holds something (directly or through a group), so that half the questions
        # are about registries the caller actually uses, not only about strangers' registries.
        by_key = {r.resource_id.key: r for r in self.registries}
        members: dict[str, list[str]] = {}
        for user, groups in memberships.items():
            for group in groups:
                members.setdefault(group, []).append(user)
        self.used: dict[str, list[RegistryContext]] = {}
        for a in assignments:
            registry = by_key.get(a.scope.key)
            if registry is not None:
                for user in members.get(a.principal_id, [a.principal_id]):
                    self.used.setdefault(user, []).append(registry)

    def principal(self) -> Principal:
        """A random user with its group claims."""
        user = self.rng.choice(self.users)
        return Principal.user(user, group_ids=self.memberships[user])

    def question(self) -> tuple[Principal, RegistryContext]:
        """A caller and a registry: half the time one the caller holds a role on."""
        if self.rng.random() < 0.5:
            user = self.rng.choice(list(self.used))
            return (
                Principal.user(user, group_ids=self.memberships.get(user, [])),
                self.rng.choice(self.used[user]),
            )
        return self.principal(), self.rng.choice(self.registries)

    def repository(self) -> str:
        """A repository name; conditions test the `teamNNN/` prefix."""
        return f"{self.rng.choice(TEAMS)}/service{self.rng.randrange(20)}"


def _measure(calls: list[Callable[[], object]]) -> list[float]:
    for call in calls[:200]:
        call()  # warm caches and the interpreter
    timings = []
    gc.disable()
    try:
        for call in calls:
            start = time.perf_counter_ns()
            call()
            timings.append((time.perf_counter_ns() - start) / 1000)
    finally:
        gc.enable()
    return timings


def _p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def _decision_calls(world: World, count: int) -> list[Callable[[], object]]:
    calls: list[Callable[[], object]] = []
    for _ in range(count):
        principal, registry = world.question()
        operation = world.rng.choice(OPERATIONS)
        repository = None if operation == "catalog" else world.repository()
        resource = Resource(registry.resource_id, repository)
        calls.append(
            lambda s=world.snapshot, p=principal, o=operation, r=resource, g=registry: decide(
                s, p, o, r, registry=g
            )
        )
    return calls


def _grant_calls(world: World, count: int) -> list[Callable[[], object]]:
    calls: list[Callable[[], object]] = []
    for _ in range(count):
        principal, registry = world.question()
        scopes = [
            f"repository:{world.repository()}:pull,push",
            f"repository:{world.repository()}:pull",
            f"repository:{world.repository()}:metadata_read",
            f"repository:{world.repository()}:pull",
            "registry:catalog:*",
        ]
        calls.append(lambda w=world.snapshot, p=principal, g=registry, s=scopes: grant(w, p, g, s))
    return calls


def main() -> None:
    """Run the benchmark and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=20_000)
    parser.add_argument("--grants", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=20_24)
    args = parser.parse_args()
    medians: dict[int, float] = {}
    grant_us = 0.0
    print(f"{'assignments':>12} {'build s':>8} {'median us':>10} {'p99 us':>8} {'allowed %':>9}")
    for size in SIZES:
        rng = random.Random(args.seed + size)
        started = time.perf_counter()
        world = World(size, rng)
        built = time.perf_counter() - started
        calls = _decision_calls(world, args.decisions)
        allowed = sum(bool(getattr(c(), "allowed", False)) for c in calls[:2000]) / 20
        timings = _measure(calls)
        medians[size] = statistics.median(timings)
        print(f"{size:>12,} {built:>8.2f} {medians[size]:>10.2f} {_p99(timings):>8.2f} {allowed:>9.1f}")
        if size == 10_000:
            grant_timings = _measure(_grant_calls(world, args.grants))
            grant_us = statistics.median(grant_timings)
            print(
                f"{'grant x5':>12} {'':>8} {grant_us:>10.2f} {_p99(grant_timings):>8.2f}"
                "   (5 scopes, 10,000 assignments)"
            )
    print(f"decision_median_us_10k={medians[10_000]:.2f}")
    print(f"decision_growth_100_to_100k={medians[100_000] / medians[100]:.2f}")
    print(f"grant_5_scopes_us={grant_us:.2f}")


if __name__ == "__main__":
    main()
