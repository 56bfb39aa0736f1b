"""The client's address: the socket peer, or what the configured trusted proxies say it is.

    client ──► proxy A ──► proxy B ──► Cerulean          X-Forwarded-For: <client>, <A>
                                      (peer: B)

A forwarding header is read only when the socket peer lies in the trusted-proxy networks, and then
from the right: every hop that is itself a trusted proxy is skipped and the first one that is not is
the client. Anything left of it was written by the client (a spoofed ``X-Forwarded-For`` is just more
text to the left) and is never read. If every hop is trusted, the left-most one is the client (a
request that started inside the proxies' own network). A hop that is not an address (``unknown``,
an obfuscated ``_node`` of RFC 7239, garbage) ends the walk: the client is *unknown*, which no IP rule
matches. Only one header is read, the one the proxies are configured to append to: a proxy that appends
to ``X-Forwarded-For`` passes a client's own ``Forwarded`` header through untouched, so honouring both
would let the client choose its address.

IPv6: addresses are 128-bit integers, kept apart from IPv4 ones. An IPv4-mapped IPv6 address
(``::ffff:192.0.2.1``, what a dual-stack socket reports for an IPv4 client) *is* the IPv4 address. A
native IPv6 client matches no IPv4 rule (ACR's rules are IPv4 only); trusted-proxy networks may be
either family.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
from typing import TYPE_CHECKING, Final, NamedTuple

from cerulean.network.errors import InvalidNetworkError
from cerulean.network.ranges import RangeTable

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "FORWARDED",
    "UNKNOWN",
    "X_FORWARDED_FOR",
    "ClientAddress",
    "ClientResolver",
    "TrustedProxies",
    "parse_address",
    "parse_network",
]

X_FORWARDED_FOR: Final = "x-forwarded-for"
FORWARDED: Final = "forwarded"
UNIX: Final = "unix"  # the trusted-proxy entry for peers on a unix socket (which have no address)
_MAX_HOPS: Final = 32  # a longer chain than this is not a deployment, it is an attack
_MAX_HOP_LENGTH: Final = 256
_MAX_ADDRESS: Final = 64
_MEMO_HEADER: Final = 256  # forwarding headers up to this long are remembered (most are one to three hops)
_MEMO_SIZE: Final = 8192
_V4_MAPPED: Final = 0xFFFF << 32
_V4_MAPPED_MASK: Final = ~0xFFFF_FFFF & ((1 << 128) - 1)


class ClientAddress(NamedTuple):
    """An address as rules see it: its text, family (4, 6, or 0 when unknown) and integer value.

    A named tuple, built fast: one per new client address.
    """

    text: str
    version: int
    value: int


UNKNOWN: Final = ClientAddress("unknown", 0, 0)


@functools.lru_cache(maxsize=8192)
def parse_address(text: str) -> ClientAddress | None:
    """An IPv4 or IPv6 address in its canonical text (IPv4-mapped IPv6 becomes IPv4), or None."""
    if len(text) > _MAX_ADDRESS:
        return None
    try:
        # inet_pton, unlike inet_aton, refuses the short and octal forms ("127.1", "0177.0.0.1").
        return ClientAddress(text, 4, int.from_bytes(socket.inet_pton(socket.AF_INET, text), "big"))
    except (OSError, ValueError):  # ValueError: an embedded NUL
        pass
    try:
        v6 = ipaddress.IPv6Address(text)
    except ValueError:
        return None
    value = int(v6)
    if value & _V4_MAPPED_MASK == _V4_MAPPED:
        v4 = value & 0xFFFF_FFFF
        return ClientAddress(str(ipaddress.IPv4Address(v4)), 4, v4)
    return ClientAddress(v6.compressed, 6, value)


def parse_network(text: str) -> tuple[int, int, int]:
    """``(version, first, last)`` of an address or CIDR (host bits ignored); `InvalidNetworkError` if not."""
    try:
        network = ipaddress.ip_network(text.strip(), strict=False)
    except ValueError as exc:
        raise InvalidNetworkError(f"{text[:64]!r} is not an IP address or CIDR") from exc
    first, last = int(network.network_address), int(network.broadcast_address)
    mapped = first & _V4_MAPPED_MASK == _V4_MAPPED and last & _V4_MAPPED_MASK == _V4_MAPPED
    if network.version == 6 and mapped:  # noqa: PLR2004 - ::ffff:a.b.c.d/n is an IPv4 network
        return 4, first & 0xFFFF_FFFF, last & 0xFFFF_FFFF
    return network.version, first, last


class TrustedProxies:
    """The networks whose forwarding headers are believed (and, with ``unix``, unix-socket peers)."""

    __slots__ = ("_unix", "_v4", "_v6", "networks")

    def __init__(self, networks: Iterable[str] = ()) -> None:
        """Compile networks (IPv4 or IPv6 addresses or CIDRs, or ``unix``); `InvalidNetworkError` if bad."""
        self.networks = tuple(networks)
        v4: list[tuple[int, int, str]] = []
        v6: list[tuple[int, int, str]] = []
        self._unix = False
        for text in self.networks:
            if text.strip().lower() == UNIX:
                self._unix = True
                continue
            version, first, last = parse_network(text)
            (v4 if version == 4 else v6).append((first, last, text))  # noqa: PLR2004
        self._v4 = RangeTable(v4)
        self._v6 = RangeTable(v6)

    def __bool__(self) -> bool:
        return bool(self.networks)

    @property
    def trusts_unix(self) -> bool:
        """Whether a peer on a unix socket is a trusted proxy."""
        return self._unix

    def trusts(self, address: ClientAddress) -> bool:
        """Whether `address` is a trusted proxy."""
        if address.version == 4:  # noqa: PLR2004
            return self._v4.lookup(address.value) is not None
        if address.version == 6:  # noqa: PLR2004
            return self._v6.lookup(address.value) is not None
        return False


def _hop_address(hop: str, *, forwarded: bool) -> ClientAddress | None:
    """The address in one hop: ``X-Forwarded-For`` item or RFC 7239 ``for=`` (with optional port)."""
    text = hop.strip()
    if forwarded:
        found = None
        for pair in text.split(";"):
            name, sep, value = pair.partition("=")
            if sep and name.strip().lower() == "for":
                found = value.strip()
                break
        if found is None:
            return None
        text = found.removeprefix('"').removesuffix('"')
    if text.startswith("["):  # [v6] or [v6]:port
        close = text.find("]")
        if close < 0 or (close + 1 < len(text) and not text[close + 1 :].startswith(":")):
            return None
        return parse_address(text[1:close])
    if text.count(":") == 1:  # v4:port
        text = text.partition(":")[0]
    return parse_address(text)


class ClientResolver:
    """Resolves each request's client address from its peer and, behind trusted proxies, its header."""

    __slots__ = ("_forwarded", "_header", "_memo", "_proxies")

    def __init__(self, proxies: TrustedProxies, header: str = X_FORWARDED_FOR) -> None:
        """`header` is the one the trusted proxies append to: ``x-forwarded-for`` or ``forwarded``."""
        if header not in {X_FORWARDED_FOR, FORWARDED}:
            raise InvalidNetworkError(f"the forwarding header is {X_FORWARDED_FOR} or {FORWARDED}")
        self._proxies = proxies
        self._header = header.encode()
        self._forwarded = header == FORWARDED
        # A proxied client sends the same header on every request: remember short ones' answers.
        self._memo: dict[bytes, ClientAddress] = {}

    @property
    def uses_proxies(self) -> bool:
        """Whether any proxy is trusted (if not, the peer is always the client)."""
        return bool(self._proxies)

    def resolve(self, peer: str | None, headers: Sequence[tuple[bytes, bytes]]) -> ClientAddress:
        """The client of a request from `peer` (None: a unix socket) with ASGI `headers`."""
        address = UNKNOWN if peer is None else parse_address(peer) or UNKNOWN
        if not self._proxies:
            return address
        trusted = self._proxies.trusts_unix if peer is None else self._proxies.trusts(address)
        if not trusted:
            return address
        values = [value for name, value in headers if name == self._header]
        if not values:
            return address
        # Several header lines are one list, in order (RFC 9110 §5.3); only the right end is read.
        raw = values[0] if len(values) == 1 else b",".join(values)
        if len(raw) > _MEMO_HEADER:
            return self._walk(raw.decode("latin-1"))
        found = self._memo.get(raw)
        if found is None:
            found = self._walk(raw.decode("latin-1"))
            if len(self._memo) >= _MEMO_SIZE:
                self._memo.clear()
            self._memo[raw] = found
        return found

    def _walk(self, joined: str) -> ClientAddress:
        """The right-most untrusted hop of a forwarding header (a trusted proxy's; never the peer)."""
        hops = joined.rsplit(",", _MAX_HOPS)
        exhausted = len(hops) > _MAX_HOPS
        last = UNKNOWN  # replaced by the first hop: rsplit always gives at least one
        for hop in reversed(hops[1:] if exhausted else hops):
            if len(hop) > _MAX_HOP_LENGTH:
                return UNKNOWN
            found = _hop_address(hop, forwarded=self._forwarded)
            if found is None:
                return UNKNOWN
            if not self._proxies.trusts(found):
                return found
            last = found
        return UNKNOWN if exhausted else last
