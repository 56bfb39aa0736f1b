from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cerulean.network import (
    FORWARDED,
    UNKNOWN,
    X_FORWARDED_FOR,
    ClientResolver,
    InvalidNetworkError,
    TrustedProxies,
    parse_address,
    parse_network,
)


def xff(*values: str) -> list[tuple[bytes, bytes]]:
    return [(b"x-forwarded-for", v.encode()) for v in values]


def fwd(*values: str) -> list[tuple[bytes, bytes]]:
    return [(b"forwarded", v.encode()) for v in values]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.5", ("127.0.0.5", 4)),
        ("::1", ("::1", 6)),
        ("2001:DB8::1", ("2001:db8::1", 6)),
        ("::ffff:10.1.2.3", ("10.1.2.3", 4)),  # IPv4-mapped: the IPv4 client of a dual-stack socket
        ("::ffff:a01:203", ("10.1.2.3", 4)),
    ],
)
def test_addresses_are_canonical(text, expected):
    address = parse_address(text)
    assert address is not None
    assert (address.text, address.version) == expected
    assert address.value == int(ipaddress.ip_address(expected[0]))


@pytest.mark.parametrize(
    "text",
    ["", "127.1", "0177.0.0.1", "1.2.3.4.5", "256.0.0.1", "unknown", "_hidden", "1.2.3.4/32", "x" * 500],
)
def test_not_addresses(text):
    assert parse_address(text) is None


def test_networks():
    assert parse_network("10.0.0.0/8") == (4, 0x0A000000, 0x0AFFFFFF)
    assert parse_network("10.1.2.3/8") == (4, 0x0A000000, 0x0AFFFFFF)  # host bits ignored
    assert parse_network("10.1.2.3") == (4, 0x0A010203, 0x0A010203)
    assert parse_network("::ffff:10.0.0.0/104") == (4, 0x0A000000, 0x0AFFFFFF)
    assert parse_network("2001:db8::/32")[0] == 6
    for bad in ("10.0.0.0/33", "nonsense", "", "10.0.0.0/-1"):
        with pytest.raises(InvalidNetworkError):
            parse_network(bad)


def test_trusted_proxies_by_family_and_unix():
    proxies = TrustedProxies(["10.0.0.0/8", "2001:db8::/32", "unix"])
    assert proxies.trusts(parse_address("10.9.9.9"))
    assert proxies.trusts(parse_address("::ffff:10.9.9.9"))
    assert proxies.trusts(parse_address("2001:db8::7"))
    assert not proxies.trusts(parse_address("11.0.0.1"))
    assert not proxies.trusts(UNKNOWN)
    assert proxies.trusts_unix
    assert not TrustedProxies(["10.0.0.0/8"]).trusts_unix
    with pytest.raises(InvalidNetworkError):
        TrustedProxies(["10.0.0.0/8", "bogus"])


def test_without_trusted_proxies_the_peer_is_the_client():
    resolver = ClientResolver(TrustedProxies())
    assert not resolver.uses_proxies
    assert resolver.resolve("127.0.0.3", xff("1.2.3.4")).text == "127.0.0.3"
    assert resolver.resolve(None, xff("1.2.3.4")) is UNKNOWN


PROXIES = ClientResolver(TrustedProxies(["127.0.0.2/32", "10.0.0.0/8"]))


def test_a_spoofed_header_from_an_untrusted_peer_changes_nothing():
    assert PROXIES.resolve("127.0.0.3", xff("127.0.0.5")).text == "127.0.0.3"


def test_behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client():
    # The client wrote "6.6.6.6" itself; proxy 10.0.0.1 appended the real peer 203.0.113.9.
    assert PROXIES.resolve("127.0.0.2", xff("6.6.6.6, 203.0.113.9, 10.0.0.1")).text == "203.0.113.9"
    assert PROXIES.resolve("127.0.0.2", xff("6.6.6.6", "203.0.113.9")).text == "203.0.113.9"  # two lines
    assert PROXIES.resolve("127.0.0.2", []).text == "127.0.0.2"  # no header: the proxy itself


def test_all_hops_trusted_gives_the_left_most():
    assert PROXIES.resolve("127.0.0.2", xff("10.0.0.7, 10.0.0.1")).text == "10.0.0.7"


@pytest.mark.parametrize(
    "header",
    ["unknown", "1.2.3.4, garbage", "", " , ", "1.2.3.4,,", "[::1", "[::1]x", "1.2.3.4:5:6", "\x00\xff"],
)
def test_an_unreadable_hop_makes_the_client_unknown(header):
    assert PROXIES.resolve("127.0.0.2", xff(header)) is UNKNOWN


def test_ports_and_brackets_in_hops():
    assert PROXIES.resolve("127.0.0.2", xff("203.0.113.9:4711")).text == "203.0.113.9"
    assert PROXIES.resolve("127.0.0.2", xff("[2001:db8:cafe::17]:4711")).text == "2001:db8:cafe::17"
    assert PROXIES.resolve("127.0.0.2", xff("2001:db8:cafe::17")).text == "2001:db8:cafe::17"


def test_forwarded_is_read_only_when_configured():
    resolver = ClientResolver(TrustedProxies(["127.0.0.2"]), FORWARDED)
    header = fwd('for=6.6.6.6;proto=https, for="[2001:db8::1]:443";by=127.0.0.2, For=203.0.113.9')
    assert resolver.resolve("127.0.0.2", header).text == "203.0.113.9"
    assert resolver.resolve("127.0.0.2", fwd('for="203.0.113.9:80"')).text == "203.0.113.9"
    assert resolver.resolve("127.0.0.2", fwd("for=_hidden")) is UNKNOWN
    assert resolver.resolve("127.0.0.2", fwd("proto=https")) is UNKNOWN
    # The other header is a client's own text: a proxy appending to Forwarded passes it through.
    assert resolver.resolve("127.0.0.2", xff("203.0.113.9")).text == "127.0.0.2"
    assert PROXIES.resolve("127.0.0.2", fwd("for=203.0.113.9")).text == "127.0.0.2"
    with pytest.raises(InvalidNetworkError):
        ClientResolver(TrustedProxies(), "x-real-ip")


def test_unix_socket_peers():
    unix = ClientResolver(TrustedProxies(["unix"]))
    assert unix.resolve(None, xff("203.0.113.9")).text == "203.0.113.9"
    assert PROXIES.resolve(None, xff("203.0.113.9")) is UNKNOWN


def test_huge_headers_and_long_chains_are_bounded():
    many = ", ".join(["10.0.0.1"] * 10_000)
    assert PROXIES.resolve("127.0.0.2", xff(many)) is UNKNOWN  # more trusted hops than anyone runs
    assert PROXIES.resolve("127.0.0.2", xff("1" * 100_000)) is UNKNOWN
    assert PROXIES.resolve("127.0.0.2", xff("x" * 100_000 + ", 203.0.113.9")).text == "203.0.113.9"


def test_ipv6_clients_and_mapped_addresses():
    assert PROXIES.resolve("::ffff:127.0.0.2", xff("203.0.113.9")).text == "203.0.113.9"
    assert PROXIES.resolve("::1", xff("203.0.113.9")).text == "::1"


@given(st.text(max_size=300), st.ip_addresses(v=4).filter(lambda a: not a.is_private))
def test_what_the_client_writes_never_decides(prefix, real):
    # Whatever the client put in the header, the trusted proxy appended the address it saw.
    found = PROXIES.resolve("127.0.0.2", xff(prefix + ", " + str(real)))
    assert found.text == str(real)


@given(
    st.lists(st.tuples(st.sampled_from([X_FORWARDED_FOR, FORWARDED]), st.binary(max_size=200)), max_size=5)
)
def test_any_header_bytes_resolve_without_error(headers):
    for kind in (X_FORWARDED_FOR, FORWARDED):
        resolver = ClientResolver(TrustedProxies(["127.0.0.2", "::1"]), kind)
        found = resolver.resolve("127.0.0.2", [(n.encode(), v) for n, v in headers])
        assert found is UNKNOWN or parse_address(found.text) == found


def test_short_headers_are_remembered_and_the_memory_is_bounded(monkeypatch):
    resolver = ClientResolver(TrustedProxies(["127.0.0.2"]))
    first = resolver.resolve("127.0.0.2", xff("203.0.113.9"))
    assert resolver.resolve("127.0.0.2", xff("203.0.113.9")) is first
    # The answer does not depend on which trusted proxy relayed it.
    assert resolver.resolve("::ffff:127.0.0.2", xff("203.0.113.9")) is first
    monkeypatch.setattr("cerulean.network.addresses._MEMO_SIZE", 4)
    for i in range(20):
        assert resolver.resolve("127.0.0.2", xff(f"203.0.113.{i}")).text == f"203.0.113.{i}"
    assert len(resolver._memo) <= 4
    long = "10.0.0.1, " * 40 + "203.0.113.77"
    assert resolver.resolve("127.0.0.2", xff(long)).text == "203.0.113.77"
    assert long.encode() not in resolver._memo
