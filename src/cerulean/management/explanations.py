"""`explainAccess`'s answer: the network gate's verdict, then the access engine's, and both together.

The network part is asked for by giving a client address (``clientIp``) and optionally the private
endpoint the request would arrive on (``privateEndpoint``). It comes first because the gate does: a
refused client never reaches the token service, whatever roles its principal holds. The request is
allowed only if both allow it; each part keeps its own verdict and text, so the answer says which one
refused.

Which private endpoint: the gate knows a private endpoint listener by the private endpoint's *name*
(the last segment of ``properties.privateEndpoint.id``, the name ``--private-endpoint NAME=…`` gives),
not by the connection's name. Either that name or the private endpoint's full resource id is accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from cerulean.management.errors import BadRequestError
from cerulean.management.gate import same
from cerulean.network import (
    UNKNOWN,
    InvalidPrivateEndpointError,
    explain_network,
    parse_address,
    parse_private_endpoint_id,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cerulean.network import NetworkSettings, PrivateEndpointConnection

__all__ = ["AccessExplanation", "NetworkExplanation", "NetworkQuestion", "explain_network_access"]

_ENDPOINT_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,79}")  # as the listener setting
_INDENT: Final = "  "


@dataclass(frozen=True, slots=True)
class NetworkQuestion:
    """Where a request would come from: a client address (or `unknown`) and its private endpoint."""

    client_ip: str
    private_endpoint: str | None

    @classmethod
    def parse(cls, client_ip: str | None, private_endpoint: str | None) -> NetworkQuestion | None:
        """The question `explainAccess` was asked, checked; None if it asked none (engine only).

        A private endpoint alone is a question: the client is then `unknown`, as the gate sees a client
        on a unix-socket listener (on a private endpoint the address does not matter).
        """
        if client_ip is None and private_endpoint is None:
            return None
        endpoint = None if private_endpoint is None else _endpoint_name(private_endpoint)
        if client_ip is None or same(client_ip.strip(), UNKNOWN.text):
            return cls(UNKNOWN.text, endpoint)
        address = parse_address(client_ip.strip())
        if address is None:
            raise BadRequestError(
                f"The clientIp '{client_ip[:64]}' is not an IPv4 or IPv6 address.", target="clientIp"
            )
        return cls(address.text, endpoint)

    def describe(self) -> str:
        """Where the request comes from, in words."""
        where = (
            "the public endpoint"
            if self.private_endpoint is None
            else f"private endpoint '{self.private_endpoint}'"
        )
        return f"client {self.client_ip} on {where}"


@dataclass(frozen=True, slots=True)
class NetworkExplanation:
    """The network gate's verdict for one client, with its account."""

    allowed: bool
    text: str

    def to_json(self) -> dict[str, Any]:
        """The ``network`` part of the answer."""
        return {"allowed": self.allowed, "text": self.text}


@dataclass(frozen=True, slots=True)
class AccessExplanation:
    """The answer: `allowed` only if the network gate (when asked) and the access engine both allow.

    `engine_allowed` and `engine_text` are the engine's own verdict and account, `decision` its data;
    `text` is the whole account, the network part first.
    """

    allowed: bool
    text: str
    decision: dict[str, object]
    engine_allowed: bool
    network: NetworkExplanation | None = None

    @classmethod
    def of(
        cls,
        engine_text: str,
        decision: dict[str, object],
        network: NetworkExplanation | None,
        *,
        engine_allowed: bool,
    ) -> AccessExplanation:
        """Combine the engine's account with the network's, if there is one."""
        if network is None:
            return cls(engine_allowed, engine_text, decision, engine_allowed)
        if not network.allowed:
            verdict = "DENIED by the network gate (it runs first, before any credential is looked at)"
        elif not engine_allowed:
            verdict = "DENIED by the access engine (the network gate lets the client through)"
        else:
            verdict = "ALLOWED: the network gate lets the client through and the access engine allows it"
        text = "\n".join(
            [verdict, "network gate:", _indented(network.text), "access engine:", _indented(engine_text)]
        )
        return cls(network.allowed and engine_allowed, text, decision, engine_allowed, network)


def explain_network_access(  # noqa: PLR0917 - the gate's inputs, one by one
    registry: NetworkSettings,
    question: NetworkQuestion,
    connections: Iterable[PrivateEndpointConnection],
    trusted_services: Iterable[str],
    principal_id: str,
    served_registry: str,
) -> NetworkExplanation:
    """What the gate would decide for `question` on `registry` (with the principal's bypass, if any)."""
    allowed, text = explain_network(
        registry,
        question.client_ip,
        question.private_endpoint,
        connections=connections,
        trusted_services=trusted_services,
        principal_id=principal_id,
    )
    lines = [question.describe(), text]
    if not same(registry.name, served_registry):
        # Only the served registry has a data plane here; the verdict is what its rules would say.
        lines.append(
            f"note: this deployment serves registry '{served_registry}'; no gate here enforces "
            f"the rules of '{registry.name}'"
        )
    return NetworkExplanation(allowed, "\n".join(lines))


def _endpoint_name(value: str) -> str:
    text = value.strip()
    if "/" in text:
        try:
            return parse_private_endpoint_id(text)[1]
        except InvalidPrivateEndpointError as error:
            raise BadRequestError(str(error), target="privateEndpoint") from None
    if _ENDPOINT_NAME.fullmatch(text) is None:
        raise BadRequestError(
            f"The privateEndpoint '{text[:80]}' is neither a private endpoint's name nor its resource id.",
            target="privateEndpoint",
        )
    return text


def _indented(text: str) -> str:
    return "\n".join(_INDENT + line if line else line for line in text.splitlines())
