"""The network gate's answer: allowed or refused, and why (a value, never a bare bool).

The reason goes to the audit log and to `explain_network`; the client only ever sees ACR's message,
`firewall_message`, which names its own address and nothing about the rules.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, NamedTuple

__all__ = ["FIREWALL_HELP", "NetworkDecision", "NetworkReason", "firewall_message"]

FIREWALL_HELP: Final = "https://aka.ms/acr/firewall"


def firewall_message(client_ip: str) -> str:
    """ACR's refusal text, exactly (reference §5.5)."""
    return f"client with IP '{client_ip}' is not allowed access. Refer {FIREWALL_HELP} to grant access."


class NetworkReason(StrEnum):
    """Why the gate decided as it did."""

    # allowed
    PRIVATE_ENDPOINT = "PrivateEndpoint"  # arrived on a private endpoint with an Approved connection
    PUBLIC_ALLOW = "DefaultActionAllow"  # public access on, networkRuleSet.defaultAction Allow
    IP_RULE = "IpRule"  # defaultAction Deny, and an ipRules entry matches the client
    NO_REGISTRY = "NoRegistry"  # the registry does not exist: nothing to protect, authentication refuses
    # refused
    PUBLIC_ACCESS_DISABLED = "PublicNetworkAccessDisabled"
    NO_MATCHING_RULE = "NoMatchingIpRule"
    ENDPOINT_NOT_APPROVED = "PrivateEndpointNotApproved"


_BYPASSABLE: Final = frozenset({NetworkReason.PUBLIC_ACCESS_DISABLED, NetworkReason.NO_MATCHING_RULE})


class NetworkDecision(NamedTuple):
    """Whether a request may reach the registry's endpoints from where it came, with the reason.

    `rule` is the ``ipRules`` value that matched (IP_RULE); `private_endpoint` the listener's private
    endpoint, if the request arrived on one. A named tuple: one is built for each new client address,
    and a tuple is built several times faster than a frozen dataclass.
    """

    allowed: bool
    reason: NetworkReason
    client_ip: str
    rule: str | None = None
    private_endpoint: str | None = None

    @property
    def bypassable(self) -> bool:
        """Whether a trusted service may still pass (refused by the rules, not by a private endpoint)."""
        return not self.allowed and self.reason in _BYPASSABLE

    @property
    def message(self) -> str:
        """What a refused client is told."""
        return firewall_message(self.client_ip)

    def describe(self) -> str:
        """One line for the audit log and `explain`."""
        return _DESCRIPTIONS[self.reason].format(
            ip=self.client_ip, rule=self.rule, endpoint=self.private_endpoint
        )


_DESCRIPTIONS: Final = {
    NetworkReason.PRIVATE_ENDPOINT: "allowed: arrived on private endpoint '{endpoint}' (connection Approved)",
    NetworkReason.PUBLIC_ALLOW: "allowed: public network access enabled, default action Allow ({ip})",
    NetworkReason.IP_RULE: "allowed: client {ip} matches IP rule '{rule}'",
    NetworkReason.NO_REGISTRY: "allowed by the network gate: the registry does not exist",
    NetworkReason.PUBLIC_ACCESS_DISABLED: "refused: public network access is disabled (client {ip})",
    NetworkReason.NO_MATCHING_RULE: "refused: default action Deny and no IP rule matches client {ip}",
    NetworkReason.ENDPOINT_NOT_APPROVED: (
        "refused: private endpoint '{endpoint}' has no Approved connection to the registry"
    ),
}
