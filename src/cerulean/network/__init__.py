"""Network controls: where a request comes from, and whether the registry's rules let it in.

The first gate of the pipeline, before any credential is looked at (reference §5): the client address
(`ClientResolver`: the socket peer, or the right-most untrusted hop behind trusted proxies), the
listener it arrived on (public, or a private endpoint), and the registry's ``publicNetworkAccess``,
``networkRuleSet`` and private endpoint connections compiled once per policy version
(`RegistryNetwork`) give a `NetworkDecision` with its reason. Pure: no I/O, no web framework.
"""

from cerulean.network.addresses import (
    FORWARDED,
    UNKNOWN,
    X_FORWARDED_FOR,
    ClientAddress,
    ClientResolver,
    TrustedProxies,
    parse_address,
    parse_network,
)
from cerulean.network.bypass import PendingBypass, unverified_object_id
from cerulean.network.decisions import FIREWALL_HELP, NetworkDecision, NetworkReason, firewall_message
from cerulean.network.endpoints import (
    MAX_CONNECTIONS,
    ConnectionStatus,
    PrivateEndpointConnection,
    parse_connection_status,
    parse_private_endpoint_id,
)
from cerulean.network.errors import InvalidNetworkError, InvalidPrivateEndpointError, NetworkError
from cerulean.network.explain import explain_network
from cerulean.network.interfaces import NetworkSettings, PrivateEndpointStore
from cerulean.network.policy import RegistryNetwork
from cerulean.network.ranges import RangeTable

__all__ = [
    "FIREWALL_HELP",
    "FORWARDED",
    "MAX_CONNECTIONS",
    "UNKNOWN",
    "X_FORWARDED_FOR",
    "ClientAddress",
    "ClientResolver",
    "ConnectionStatus",
    "InvalidNetworkError",
    "InvalidPrivateEndpointError",
    "NetworkDecision",
    "NetworkError",
    "NetworkReason",
    "NetworkSettings",
    "PendingBypass",
    "PrivateEndpointConnection",
    "PrivateEndpointStore",
    "RangeTable",
    "RegistryNetwork",
    "TrustedProxies",
    "explain_network",
    "firewall_message",
    "parse_address",
    "parse_connection_status",
    "parse_network",
    "parse_private_endpoint_id",
    "unverified_object_id",
]
