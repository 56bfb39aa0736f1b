from __future__ import annotations

import datetime as dt

import pytest

from cerulean.identity.assertions import check_lifetime, parse_assertion
from cerulean.identity.errors import InvalidClientError

NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)


def test_float_numeric_dates_are_accepted() -> None:
    stamp = NOW.timestamp()
    check_lifetime({"exp": stamp + 599.87, "nbf": stamp - 0.5}, NOW)


@pytest.mark.parametrize(
    "claims",
    [
        {},
        {"exp": "soon"},
        {"exp": True},
        {"exp": NOW.timestamp() - 301},
        {"exp": NOW.timestamp() + 60, "nbf": NOW.timestamp() + 301},
    ],
)
def test_lifetime_is_required_and_checked(claims: dict[str, object]) -> None:
    with pytest.raises(InvalidClientError) as raised:
        check_lifetime(claims, NOW)
    assert raised.value.code == 700024


@pytest.mark.parametrize("text", ["", "a.b", "a.b.c.d", "!!.??.**", "e30.W10.", "x" * 20000])
def test_malformed_assertions(text: str) -> None:
    with pytest.raises(InvalidClientError) as raised:
        parse_assertion(text)
    assert raised.value.code == 50027
