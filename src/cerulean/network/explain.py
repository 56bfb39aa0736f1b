"""`explain_network`: why a client may or may not reach a registry, in words (for ``access explain``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cerulean.network.addresses import UNKNOWN, parse_address
from cerulean.network.bypass import PendingBypass
from cerulean.network.decisions import NetworkReason
from cerulean.network.policy import RegistryNetwork

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cerulean.network.endpoints import PrivateEndpointConnection
    from cerulean.network.interfaces import NetworkSettings

__all__ = ["explain_network"]


def explain_network(
    registry: NetworkSettings,
    client_ip: str,
    private_endpoint: str | None = None,
    *,
    connections: Iterable[PrivateEndpointConnection] = (),
    trusted_services: Iterable[str] = (),
    principal_id: str | None = None,
) -> tuple[bool, str]:
    """Whether `client_ip` (arriving on `private_endpoint`, or the public endpoint) passes the gate, and why.

    `connections` are the registry's private endpoint connections (a private endpoint passes only with
    an Approved one); `trusted_services` the node's setting; `principal_id` the object id of the
    authenticated caller, if known, to tell whether a trusted-service bypass would apply to it.
    """
    address = parse_address(client_ip.strip())
    connections = list(connections)
    network = RegistryNetwork.compile(registry, connections, trusted_services)
    decision = network.check(address or UNKNOWN, private_endpoint)
    summary = (
        f"registry {registry.name}: publicNetworkAccess "
        f"{'Enabled' if registry.public_network_access else 'Disabled'}, defaultAction "
        f"{registry.network_default_action}, {len(registry.ip_rules)} IP rule(s), "
        f"networkRuleBypassOptions {'AzureServices' if registry.bypass_azure_services else 'None'}, "
        f"networkRuleBypassAllowedForTasks {str(registry.bypass_for_tasks).lower()}"
    )
    lines = [summary]
    if address is None:
        lines.append(f"client '{client_ip[:64]}' is not an IP address: no IP rule can match it")
    elif address.version == 6:  # noqa: PLR2004
        lines.append(f"client {address.text} is IPv6: IP rules are IPv4 only and cannot match it")
    if network.skipped_rules:
        lines.append(
            f"IP rules that cannot apply (not IPv4 addresses or CIDRs): {', '.join(network.skipped_rules)}"
        )
    lines.append(decision.describe())
    allowed = decision.allowed
    if decision.bypassable:
        pending = PendingBypass(decision, network.bypass_ids)
        if not network.bypass_ids:
            lines.append("no trusted-service bypass applies: no trusted identity for this registry")
        elif principal_id is None:
            count = len(network.bypass_ids)
            lines.append(
                f"{count} trusted identit{'y' if count == 1 else 'ies'} may still pass once authenticated"
                " (networkRuleBypassOptions AzureServices, or the tasks bypass)"
            )
        elif pending.admits(principal_id):
            allowed = True
            # The gate admits it only with a credential that carries its object id (see `bypass`).
            lines.append(
                f"allowed: principal {principal_id} is a trusted identity (bypass, once it authenticates"
                " with an Entra token; a password credential is refused)"
            )
        else:
            lines.append(f"principal {principal_id} is not a trusted identity: no bypass")
    elif decision.reason is NetworkReason.ENDPOINT_NOT_APPROVED:
        wanted = (private_endpoint or "").lower()
        states = [f"{c.name}: {c.status.value}" for c in connections if c.endpoint_name.lower() == wanted]
        lines.append(f"connections of that endpoint: {', '.join(states) if states else 'none'}")
    return allowed, "\n".join(lines)
