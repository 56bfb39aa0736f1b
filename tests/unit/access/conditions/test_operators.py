"""Operator lookup, GUID/date parsing, Like patterns, pairwise comparisons."""

from __future__ import annotations

import datetime as dt

import pytest

from cerulean.access.conditions.operators import (
    BASE_OPERATORS,
    BaseOperator,
    Family,
    Quantifier,
    compare_pair,
    compile_like,
    datetime_ticks,
    lookup_operator,
    normalise_guid,
)

CROSS = {
    "StringEquals", "StringEqualsIgnoreCase", "StringNotEquals", "StringNotEqualsIgnoreCase",
    "StringLike", "StringLikeIgnoreCase", "StringNotLike", "StringNotLikeIgnoreCase",
    "NumericEquals", "NumericNotEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
    "NumericLessThan", "NumericLessThanEquals", "GuidEquals", "GuidNotEquals",
}  # fmt: skip


def test_every_documented_base_operator_exists():
    assert len(BASE_OPERATORS) == 28
    assert {name for name, op in BASE_OPERATORS.items() if op.cross_product} == CROSS


@pytest.mark.parametrize("quantifier", list(Quantifier))
def test_cross_product_operators(quantifier):
    for name in BASE_OPERATORS:
        found = lookup_operator(f"{quantifier}:{name}")
        assert (found is not None) is (name in CROSS)
        if found is not None:
            assert found.spelling == f"{quantifier}:{name}"


@pytest.mark.parametrize("text", ["stringequals", "ForAnyOfAnyValues:", "ForSome:StringEquals", "Nope:X", ""])
def test_unknown_operators(text):
    assert lookup_operator(text) is None


def test_operator_properties():
    op = BaseOperator.STRING_NOT_STARTS_WITH_IGNORE_CASE
    assert (op.family, op.test, op.negated, op.ignore_case, op.cross_product) == (
        Family.STRING,
        "startswith",
        True,
        True,
        False,
    )


@pytest.mark.parametrize(
    ("pattern", "value", "ignore_case", "matches"),
    [
        ("a*c?", "abcd", False, True),
        ("A*C?", "abcd", False, False),
        ("A*C?", "abcd", True, True),
        ("a*c", "abcd", False, False),
        ("readonly/*", "readonly/x/y", False, True),
        ("a\\*b", "a*b", False, True),
        ("a\\*b", "aXb", False, False),
        ("a\\?b", "a?b", False, True),
        ("a\\?b", "aXb", False, False),
        ("a\\\\b", "a\\b", False, True),
        ("a\\b", "a\\b", False, True),
        ("*", "", False, True),
        ("?", "", False, False),
        ("a.b", "aXb", False, False),
        ("x*", "x\ny", False, True),
    ],
)
def test_like(pattern, value, ignore_case, matches):
    assert (compile_like(pattern, ignore_case=ignore_case).fullmatch(value) is not None) is matches


def test_guids_and_dates():
    assert normalise_guid("AAAAAAAA-0000-4000-8000-000000000001") == "aaaaaaaa-0000-4000-8000-000000000001"
    assert normalise_guid("aaaaaaaa00004000800000000000000001") is None
    assert datetime_ticks("2022-06-01T00:00:00.0Z") == datetime_ticks("2022-06-01T00:00:00Z")
    assert datetime_ticks("2022-06-01T00:00:00.0000001Z") == datetime_ticks("2022-06-01T00:00:00Z") + 1
    moment = dt.datetime(2022, 6, 1, tzinfo=dt.UTC)
    assert datetime_ticks(moment) == datetime_ticks("2022-06-01T00:00:00Z")
    assert datetime_ticks(dt.datetime(2022, 6, 1)) is None  # naive  # noqa: DTZ001 - the point
    assert datetime_ticks("2022-06-01") is None
    assert datetime_ticks("2022-02-30T00:00:00Z") is None
    assert datetime_ticks(5) is None


@pytest.mark.parametrize(
    ("op", "left", "right", "result"),
    [
        (BaseOperator.STRING_EQUALS, "a", "a", True),
        (BaseOperator.STRING_EQUALS, "a", "A", False),
        (BaseOperator.STRING_EQUALS_IGNORE_CASE, "a", "A", True),
        (BaseOperator.STRING_STARTS_WITH, "backend/x", "backend/", True),
        (BaseOperator.STRING_EQUALS, 1, "1", None),
        (BaseOperator.NUMERIC_LESS_THAN, 1, 2, True),
        (BaseOperator.NUMERIC_EQUALS, True, 1, None),
        (BaseOperator.NUMERIC_GREATER_THAN_EQUALS, 2, 2, True),
        (
            BaseOperator.GUID_EQUALS,
            "AAAAAAAA-0000-4000-8000-000000000001",
            "aaaaaaaa-0000-4000-8000-000000000001",
            True,
        ),
        (BaseOperator.GUID_EQUALS, "nope", "nope", None),
        (BaseOperator.BOOL_EQUALS, True, True, True),
        (BaseOperator.BOOL_EQUALS, 1, True, None),
        (BaseOperator.DATETIME_LESS_THAN, "2022-01-01T00:00:00Z", "2022-01-01T00:00:00.0000001Z", True),
    ],
)
def test_pairs(op, left, right, result):
    assert compare_pair(op)(left, right) is result
