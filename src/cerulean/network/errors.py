"""Errors of the network domain: configuration and resource values it cannot compile.

CeruleanError
└── NetworkError
    ├── InvalidNetworkError           an address, CIDR or forwarding header that is not one
    └── InvalidPrivateEndpointError   a private endpoint id or connection status that is not one

A refused *request* is not an exception here: it is a `NetworkDecision` with its reason.
"""

from __future__ import annotations

from cerulean.core.errors import CeruleanError

__all__ = ["InvalidNetworkError", "InvalidPrivateEndpointError", "NetworkError"]


class NetworkError(CeruleanError):
    """A network-controls value that cannot be used."""


class InvalidNetworkError(NetworkError):
    """Not an IP address, a CIDR, or a supported forwarding header."""


class InvalidPrivateEndpointError(NetworkError):
    """Not a private endpoint resource id, or not a connection status."""
