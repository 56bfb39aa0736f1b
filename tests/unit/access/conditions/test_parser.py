"""Parsing: the grammar, the AND/OR rule, type checks, positions, limits, and fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cerulean.access.conditions.attributes import AttributeSource
from cerulean.access.conditions.errors import (
    ConditionLimitError,
    ConditionParseError,
    ConditionSyntaxError,
    ConditionTypeError,
)
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
from cerulean.access.conditions.operators import BaseOperator, Operator, Quantifier
from cerulean.access.conditions.parser import MAX_DEPTH, parse

from .strategies import condition_soup

A = ActionMatches("a")
B = ActionMatches("b")
C = ActionMatches("c")


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("ActionMatches{'a'}", A),
        ("ActionMatches {'a'}", A),
        ("!(ActionMatches{'a'})", Not(A)),
        ("NOT ActionMatches{'a'}", Not(A)),
        ("ActionMatches{'a'} AND ActionMatches{'b'} && ActionMatches{'c'}", And((A, B, C))),
        ("ActionMatches{'a'} || ActionMatches{'b'} OR ActionMatches{'c'}", Or((A, B, C))),
        ("(ActionMatches{'a'} AND ActionMatches{'b'}) OR ActionMatches{'c'}", Or((And((A, B)), C))),
        ("ActionMatches{'a'} AND (ActionMatches{'b'} OR ActionMatches{'c'})", And((A, Or((B, C))))),
        ("((((ActionMatches{'a'}))))", A),
        (
            "!(ActionMatches{'a'} AND SubOperationMatches{'Blob.List'})",
            Not(And((A, SubOperationMatches("Blob.List")))),
        ),
        (
            "ActionMatches{'a'} AND NOT SubOperationMatches{'Blob.List'}",
            And((A, Not(SubOperationMatches("Blob.List")))),
        ),
        ("Exists @Request[x:y]", Exists(Attribute(AttributeSource.REQUEST, "x:y"))),
        (
            "@Resource[tags:Project<$key_case_sensitive$>] StringEquals 'Cascade'",
            Comparison(
                Attribute(AttributeSource.RESOURCE, "tags:Project<$key_case_sensitive$>"),
                Operator(BaseOperator.STRING_EQUALS),
                Literal("Cascade"),
            ),
        ),
        (
            "{10, 20} ForAnyOfAllValues:NumericLessThan {15, 18}",
            Comparison(
                LiteralSet((Literal(10), Literal(20))),
                Operator(BaseOperator.NUMERIC_LESS_THAN, Quantifier.ANY_OF_ALL),
                LiteralSet((Literal(15), Literal(18))),
            ),
        ),
        (
            "@Principal[a] StringEquals @Resource[b]",
            Comparison(
                Attribute(AttributeSource.PRINCIPAL, "a"),
                Operator(BaseOperator.STRING_EQUALS),
                Attribute(AttributeSource.RESOURCE, "b"),
            ),
        ),
        (
            "@Environment[isPrivateLink] BoolEquals false",
            Comparison(
                Attribute(AttributeSource.ENVIRONMENT, "isPrivateLink"),
                Operator(BaseOperator.BOOL_EQUALS),
                Literal(value=False),
            ),
        ),
    ],
)
def test_parse_trees(text, tree):
    assert parse(text) == tree


def test_spans_point_into_the_source():
    text = "ActionMatches{'a'} AND @Request[x] StringEquals 'y'"
    tree = parse(text)
    assert isinstance(tree, And)
    comparison = tree.operands[1]
    assert text[comparison.span.start : comparison.span.end] == "@Request[x] StringEquals 'y'"


def test_literal_types_are_part_of_equality():
    assert Literal(1) != Literal(value=True)
    assert Literal(1) == Literal(1)
    assert hash(Literal(1)) != hash(Literal(value=True)) or Literal(1) != Literal(value=True)


@pytest.mark.parametrize(
    ("text", "kind", "offset", "expected"),
    [
        ("", ConditionSyntaxError, 0, "an expression"),
        ("   ", ConditionSyntaxError, 0, "an expression"),
        ("ActionMatches{'a'} AND ActionMatches{'b'} OR ActionMatches{'c'}", ConditionSyntaxError, 42, "')'"),
        ("ActionMatches{'a'} OR ActionMatches{'b'} && ActionMatches{'c'}", ConditionSyntaxError, 41, "'OR'"),
        ("ActionMatches{'a'", ConditionSyntaxError, 17, "'}'"),
        ("(ActionMatches{'a'}", ConditionSyntaxError, 19, "')'"),
        ("ActionMatches{'a'})", ConditionSyntaxError, 18, "the end of the condition"),
        ("@Request[x] StringEquals", ConditionSyntaxError, 24, "a quoted string"),
        ("@Request[x] StringEqual 'a'", ConditionSyntaxError, 12, "'StringEquals'"),
        ("@Request[x] and @Request[y]", ConditionSyntaxError, 12, "'AND'"),
        ("@Request[x] StringEquals 'a", ConditionSyntaxError, 25, "a closing quote (')"),
        ("@Bogus[x] StringEquals 'a'", ConditionSyntaxError, 1, "'Request'"),
        ("@Request[] StringEquals 'a'", ConditionSyntaxError, 9, ""),
        ("@Request[x StringEquals 'a'", ConditionSyntaxError, 0, "@Source[name] with a closing ']'"),
        ("@Request[x] StringEquals 'a' #", ConditionSyntaxError, 29, "an attribute"),
        ("@Request[x] NumericEquals 'a'", ConditionTypeError, 26, "an integer"),
        ("@Request[x] StringEquals 1", ConditionTypeError, 25, "a quoted string"),
        ("@Request[x] BoolEquals 'true'", ConditionTypeError, 23, "true or false"),
        ("@Request[x] GuidEquals 'nope'", ConditionTypeError, 23, "a quoted GUID"),
        ("@Request[x] DateTimeEquals '2024-13-01T00:00:00Z'", ConditionTypeError, 27, "a quoted date"),
        ("@Request[x] StringEquals {'a', 2}", ConditionTypeError, 31, "a quoted string"),
        ("ForAnyOfAnyValues:StringStartsWith", ConditionSyntaxError, 0, "'ForAnyOfAnyValues:StringEquals'"),
        ("ActionMatches{'not an action'}", ConditionTypeError, 14, "an action"),
        ("@Request[x] StringEquals 99999999999999999999", ConditionSyntaxError, 25, ""),
        ("- 1", ConditionSyntaxError, 0, "an integer"),
    ],
)
def test_errors_name_position_and_expectation(text, kind, offset, expected):
    with pytest.raises(kind) as info:
        parse(text)
    error = info.value
    assert error.offset == offset
    assert expected in " ".join(error.expected)
    assert "^" in str(error)


def test_mixed_operators_message_says_why():
    with pytest.raises(ConditionSyntaxError, match="ambiguous"):
        parse("ActionMatches{'a'} AND ActionMatches{'b'} OR ActionMatches{'c'}")


def test_depth_limit():
    nested = "!(" * (MAX_DEPTH + 1) + "ActionMatches{'a'}" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(ConditionLimitError):
        parse(nested)
    ok = "!(" * (MAX_DEPTH - 1) + "ActionMatches{'a'}" + ")" * (MAX_DEPTH - 1)
    assert isinstance(parse(ok), Not)


def test_non_text_is_a_parse_error():
    with pytest.raises(ConditionParseError):
        parse(None)  # type: ignore[arg-type]  # the point of the test


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=200), condition_soup))
def test_arbitrary_input_raises_only_the_typed_parse_error(text):
    error: ConditionParseError | None = None
    try:
        parse(text)
    except ConditionParseError as caught:
        error = caught
    if error is not None:
        assert 0 <= error.offset <= len(text)
        assert error.line >= 1
        assert error.column >= 1
