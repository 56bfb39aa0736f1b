"""Private endpoint connections: ARM's ``registries/{r}/privateEndpointConnections/{name}``.

A connection links a private endpoint (``/subscriptions/{s}/resourceGroups/{g}/providers/
Microsoft.Network/privateEndpoints/{pe}``) to a registry. In Cerulean a private endpoint *is* a
listener: ``cerulean serve`` opens one per configured private endpoint, and a request arriving on the
listener named ``pe`` reaches the registry only while a connection whose private endpoint is named
``pe`` is ``Approved``. Names are compared without regard to case, as ARM compares ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from cerulean.network.errors import InvalidPrivateEndpointError

if TYPE_CHECKING:
    import datetime as dt

__all__ = [
    "MAX_CONNECTIONS",
    "ConnectionStatus",
    "PrivateEndpointConnection",
    "parse_connection_status",
    "parse_private_endpoint_id",
]

MAX_CONNECTIONS: Final = 200  # ACR's private endpoints per registry (reference §5.3)
_ENDPOINT_ID: Final = re.compile(
    r"/subscriptions/(?P<subscription>[^/\s]+)/resourceGroups/(?P<group>[^/\s]+)"
    r"/providers/Microsoft\.Network/privateEndpoints/(?P<name>[A-Za-z0-9][A-Za-z0-9_.-]{0,79})",
    re.IGNORECASE,
)
_MAX_ID: Final = 1024


class ConnectionStatus(StrEnum):
    """``privateLinkServiceConnectionState.status``."""

    APPROVED = "Approved"
    PENDING = "Pending"
    REJECTED = "Rejected"
    DISCONNECTED = "Disconnected"


def parse_connection_status(text: str) -> ConnectionStatus:
    """A status by name, without regard to case; `InvalidPrivateEndpointError` if none."""
    for status in ConnectionStatus:
        if status.value.lower() == text.strip().lower():
            return status
    raise InvalidPrivateEndpointError(
        f"the status '{text[:40]}' is not one of {', '.join(s.value for s in ConnectionStatus)}"
    )


def parse_private_endpoint_id(text: str) -> tuple[str, str]:
    """``(normalised id, endpoint name)`` of a private endpoint resource id."""
    match = _ENDPOINT_ID.fullmatch(text.strip().rstrip("/")) if len(text) <= _MAX_ID else None
    if match is None:
        raise InvalidPrivateEndpointError(
            f"'{text[:200]}' is not a private endpoint id (/subscriptions/{{s}}/resourceGroups/{{g}}"
            "/providers/Microsoft.Network/privateEndpoints/{name})"
        )
    normalised = (
        f"/subscriptions/{match['subscription']}/resourceGroups/{match['group']}"
        f"/providers/Microsoft.Network/privateEndpoints/{match['name']}"
    )
    return normalised, match["name"]


@dataclass(frozen=True, slots=True)
class PrivateEndpointConnection:
    """One connection between a private endpoint and a registry."""

    registry: str  # the registry's name, as the registry resource spells it
    name: str
    private_endpoint_id: str
    status: ConnectionStatus
    description: str
    actions_required: str  # "None" or "Recreate"
    created_at: dt.datetime

    @property
    def endpoint_name(self) -> str:
        """The private endpoint's name: the listener it is served on."""
        return self.private_endpoint_id.rsplit("/", 1)[-1]

    @property
    def approved(self) -> bool:
        """Whether requests on its private endpoint reach the registry."""
        return self.status is ConnectionStatus.APPROVED
