"""Hypothesis strategies for condition trees and condition-like text."""

from __future__ import annotations

import uuid

from hypothesis import strategies as st

from cerulean.access.conditions.attributes import AttributeSource
from cerulean.access.conditions.nodes import (
    ActionMatches,
    And,
    Attribute,
    Comparison,
    Exists,
    Literal,
    LiteralSet,
    Not,
    Or,
    SubOperationMatches,
)
from cerulean.access.conditions.operators import BASE_OPERATORS, Family, Operator, Quantifier

_TEXT = st.text(alphabet=st.characters(blacklist_characters="'", blacklist_categories=("Cs",)), max_size=12)
_NAME = st.text(
    alphabet=st.characters(blacklist_characters="]\r\n", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=20,
).filter(lambda s: s.strip() != "")
_PATTERN = st.from_regex(r"[A-Za-z0-9_.*/\-]{1,30}", fullmatch=True)
_DATE = st.datetimes().map(
    lambda d: (
        f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}."
        f"{d.microsecond:06d}Z"
    )
)
_LITERALS = {
    Family.STRING: _TEXT.map(Literal),
    Family.NUMERIC: st.integers(-(10**18), 10**18).map(Literal),
    Family.BOOL: st.booleans().map(Literal),
    Family.GUID: st.uuids().map(lambda u: Literal(str(u).upper() if u.int % 2 else str(u))),
    Family.DATETIME: _DATE.map(Literal),
}

attributes = st.builds(Attribute, st.sampled_from(list(AttributeSource)), _NAME)


@st.composite
def operators(draw: st.DrawFn) -> Operator:
    base = draw(st.sampled_from(list(BASE_OPERATORS.values())))
    quantifier = None
    if base.cross_product and draw(st.booleans()):
        quantifier = draw(st.sampled_from(list(Quantifier)))
    return Operator(base, quantifier)


@st.composite
def comparisons(draw: st.DrawFn) -> Comparison:
    operator = draw(operators())
    literal = _LITERALS[operator.base.family]

    def operand() -> Attribute | Literal | LiteralSet:
        choice = draw(st.integers(0, 2))
        if choice == 0:
            return draw(attributes)
        if choice == 1:
            return draw(literal)
        return LiteralSet(tuple(draw(st.lists(literal, min_size=1, max_size=3))))

    return Comparison(operand(), operator, operand())


leaves = st.one_of(
    comparisons(),
    st.builds(ActionMatches, _PATTERN),
    st.builds(SubOperationMatches, _TEXT),
    st.builds(Exists, attributes),
)


def _extend(children: st.SearchStrategy) -> st.SearchStrategy:
    several = st.lists(children, min_size=2, max_size=4).map(tuple)
    return st.one_of(children.map(Not), several.map(And), several.map(Or))


trees = st.recursive(leaves, _extend, max_leaves=12)

_WORDS = [
    "AND",
    "OR",
    "NOT",
    "&&",
    "||",
    "!",
    "(",
    ")",
    "{",
    "}",
    ",",
    "'x'",
    "'a*c?'",
    "1",
    "-2",
    "true",
    "ActionMatches",
    "SubOperationMatches",
    "Exists",
    "@Request[a:b]",
    "@Resource[x]",
    "@Nope[x]",
    "StringEquals",
    "ForAnyOfAnyValues:StringEquals",
    "ForAllOfAllValues:NumericLessThan",
    "GuidEquals",
    f"'{uuid.UUID(int=1)}'",
    "DateTimeEquals",
    "'2024-01-01T00:00:00.0Z'",
    "'",
    "@Request[",
    "BoolEquals",
    "StringLike",
    "xyz",
    "-",
    "\n",
]
condition_soup = st.lists(st.sampled_from(_WORDS), max_size=25).map(" ".join)
