"""Printing: both layouts parse back to the same tree."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from cerulean.access.conditions.nodes import Literal
from cerulean.access.conditions.parser import parse
from cerulean.access.conditions.printer import operand_text, pretty, to_text

from .strategies import trees

PORTAL = (
    "( (  !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'})  AND  "
    "!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'}) ) OR  "
    "(  @Request[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase "
    "'hello-world' ))"
)


@settings(max_examples=150, deadline=None)
@given(trees)
def test_printed_trees_parse_back_to_the_same_tree(tree):
    assert parse(to_text(tree)) == tree
    assert parse(pretty(tree)) == tree


def test_pretty_uses_the_documented_layout():
    expected = [
        "(",
        "    !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'})",
        "    AND",
        "    !(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/metadata/read'})",
        ")",
        "OR",
        (
            "@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringEqualsIgnoreCase "
            "'hello-world'"
        ),
    ]
    assert pretty(parse(PORTAL)).splitlines() == expected


def test_one_line_form():
    assert to_text(parse("NOT Exists @Request[a]  &&  {1, 2} ForAnyOfAllValues:NumericLessThan {3}")) == (
        "!(Exists @Request[a]) AND {1, 2} ForAnyOfAllValues:NumericLessThan {3}"
    )
    assert to_text(parse("@Resource[x] BoolEquals TRUE")) == "@Resource[x] BoolEquals true"


def test_strings_with_quotes_cannot_be_printed():
    with pytest.raises(ValueError, match="quote"):
        operand_text(Literal("it's"))
