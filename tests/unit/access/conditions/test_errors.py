"""Parse errors: position, line, column, caret."""

from __future__ import annotations

import pytest

from cerulean.access.conditions.errors import ConditionSyntaxError
from cerulean.access.conditions.parser import parse


def test_line_column_and_caret_on_multi_line_text():
    text = "(\n    ActionMatches{'a'}\n    AND\n    ActionMatches{'b'}\n    OR ActionMatches{'c'}\n)"
    with pytest.raises(ConditionSyntaxError) as info:
        parse(text)
    error = info.value
    assert (error.line, error.column) == (5, 5)
    assert error.caret() == "      OR ActionMatches{'c'}\n      ^"
    assert str(error).splitlines()[0].startswith("AND and OR mixed without parentheses")
    assert error.to_json()["line"] == 5


def test_caret_is_shortened_on_long_lines():
    text = "ActionMatches{'a'} AND " * 20 + "ActionMatches{'a'} OR ActionMatches{'b'}"
    with pytest.raises(ConditionSyntaxError) as info:
        parse(text)
    line, caret = info.value.caret().splitlines()
    assert line.startswith("  ...")
    assert caret.index("^") == line.index(" OR ") + 1


def test_single_expected_item_is_not_joined():
    error = ConditionSyntaxError("x", "abc", 1, ("one",))
    assert "expected one\n" in str(error)
    multi = ConditionSyntaxError("x", "abc", 9, ("a", "b", "c"))
    assert "expected a, b or c" in str(multi)
    assert multi.offset == 3
