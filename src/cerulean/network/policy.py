"""One registry's network controls, compiled once per policy version, and the check every request makes.

Evaluation order (reference §5.2):

1. A request on a private endpoint listener reaches the registry iff that private endpoint has an
   ``Approved`` connection to it; ``publicNetworkAccess`` and IP rules do not apply there.
2. On the public endpoint: ``publicNetworkAccess: Disabled`` refuses everything.
3. ``networkRuleSet.defaultAction: Allow`` lets everyone through; ``Deny`` only clients an
   ``ipRules`` entry matches (IPv4 only; an IPv6 client matches none, see `addresses`).
4. A refusal of steps 2 and 3 may still be passed by a trusted identity (`bypass_ids`), after
   authentication: that is the edge's second check, not this one.

Rules that cannot be compiled (stored before validation tightened, or IPv6) are skipped and reported
in `skipped_rules`: a rule that cannot be read never admits anyone. Decisions are remembered per
(client, endpoint) for the life of the compiled policy, so the steady-state cost is one dict lookup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from cerulean.network.addresses import parse_network
from cerulean.network.decisions import NetworkDecision, NetworkReason
from cerulean.network.errors import InvalidNetworkError
from cerulean.network.ranges import RangeTable

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cerulean.network.addresses import ClientAddress
    from cerulean.network.endpoints import PrivateEndpointConnection
    from cerulean.network.interfaces import NetworkSettings

__all__ = ["RegistryNetwork"]

_CACHE_LIMIT: Final = 16_384


class RegistryNetwork:
    """The compiled network controls of one registry (or of none: everything is let through)."""

    __slots__ = (
        "_cache",
        "approved_endpoints",
        "bypass_ids",
        "default_allow",
        "exists",
        "public_access",
        "rules",
        "skipped_rules",
    )

    def __init__(
        self,
        *,
        exists: bool,
        public_access: bool,
        default_allow: bool,
        rules: RangeTable,
        skipped_rules: tuple[str, ...],
        approved_endpoints: frozenset[str],
        bypass_ids: frozenset[str],
    ) -> None:
        self.exists = exists
        self.public_access = public_access
        self.default_allow = default_allow
        self.rules = rules
        self.skipped_rules = skipped_rules
        self.approved_endpoints = approved_endpoints
        self.bypass_ids = bypass_ids
        self._cache: dict[tuple[str, str | None], NetworkDecision] = {}

    @classmethod
    def compile(
        cls,
        registry: NetworkSettings | None,
        connections: Iterable[PrivateEndpointConnection] = (),
        trusted_services: Iterable[str] = (),
    ) -> RegistryNetwork:
        """Compile a registry's settings, its connections and the node's trusted services (object ids)."""
        if registry is None:
            return cls(
                exists=False, public_access=True, default_allow=True, rules=RangeTable(()),
                skipped_rules=(), approved_endpoints=frozenset(), bypass_ids=frozenset(),
            )  # fmt: skip
        ranges: list[tuple[int, int, str]] = []
        skipped: list[str] = []
        for value in registry.ip_rules:
            try:
                version, first, last = parse_network(value)
            except InvalidNetworkError:
                skipped.append(value)
                continue
            if version != 4:  # noqa: PLR2004 - ACR's rules are IPv4 only
                skipped.append(value)
                continue
            ranges.append((first, last, value))
        bypass: set[str] = set()
        if registry.bypass_azure_services:
            bypass.update(t.lower() for t in trusted_services)
        if registry.bypass_for_tasks and registry.system_identity_id:
            bypass.add(registry.system_identity_id.lower())
        approved = frozenset(
            c.endpoint_name.lower()
            for c in connections
            if c.approved and c.registry.lower() == registry.name.lower()
        )
        return cls(
            exists=True,
            public_access=registry.public_network_access,
            default_allow=registry.network_default_action.lower() != "deny",
            rules=RangeTable(ranges),
            skipped_rules=tuple(skipped),
            approved_endpoints=approved,
            bypass_ids=frozenset(bypass),
        )

    def check(self, client: ClientAddress, endpoint: str | None) -> NetworkDecision:
        """The decision for `client` arriving on private endpoint `endpoint` (None: the public one)."""
        key = (client.text, endpoint)
        decision = self._cache.get(key)
        if decision is None:
            decision = self._decide(client, endpoint)
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()  # bounded: an address sweep costs recomputation, not memory
            self._cache[key] = decision
        return decision

    def _decide(self, client: ClientAddress, endpoint: str | None) -> NetworkDecision:  # noqa: PLR0911 - the order of §5.2
        ip = client.text
        if not self.exists:
            return _allow(NetworkReason.NO_REGISTRY, ip, private_endpoint=endpoint)
        if endpoint is not None:
            if endpoint.lower() in self.approved_endpoints:
                return _allow(NetworkReason.PRIVATE_ENDPOINT, ip, private_endpoint=endpoint)
            return _refuse(NetworkReason.ENDPOINT_NOT_APPROVED, ip, private_endpoint=endpoint)
        if not self.public_access:
            return _refuse(NetworkReason.PUBLIC_ACCESS_DISABLED, ip)
        if self.default_allow:
            return _allow(NetworkReason.PUBLIC_ALLOW, ip)
        rule = self.rules.lookup(client.value) if client.version == 4 else None  # noqa: PLR2004
        if rule is not None:
            return _allow(NetworkReason.IP_RULE, ip, rule=rule)
        return _refuse(NetworkReason.NO_MATCHING_RULE, ip)


def _allow(
    reason: NetworkReason, ip: str, *, rule: str | None = None, private_endpoint: str | None = None
) -> NetworkDecision:
    return NetworkDecision(True, reason, ip, rule, private_endpoint)  # noqa: FBT003 - a tuple's fields


def _refuse(reason: NetworkReason, ip: str, *, private_endpoint: str | None = None) -> NetworkDecision:
    return NetworkDecision(False, reason, ip, None, private_endpoint)  # noqa: FBT003 - a tuple's fields
