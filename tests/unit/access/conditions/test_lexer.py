"""The lexer: token kinds, positions, limits."""

from __future__ import annotations

import pytest

from cerulean.access.conditions.errors import ConditionLimitError, ConditionSyntaxError
from cerulean.access.conditions.lexer import MAX_LENGTH, MAX_TOKENS, tokenize


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(t.type, str(t)) for t in tokenize(text)]


def test_token_kinds_and_positions():
    text = "!(ActionMatches{'a*'}) && @Request[x:y] ForAnyOfAnyValues:StringEquals {'p', -3, TRUE}"
    assert _kinds(text) == [
        ("NOT_OP", "!"),
        ("_LPAR", "("),
        ("ACTION_MATCHES", "ActionMatches"),
        ("_LBRACE", "{"),
        ("STRING", "'a*'"),
        ("_RBRACE", "}"),
        ("_RPAR", ")"),
        ("AND_OP", "&&"),
        ("ATTRIBUTE", "@Request[x:y]"),
        ("OPERATOR", "ForAnyOfAnyValues:StringEquals"),
        ("_LBRACE", "{"),
        ("STRING", "'p'"),
        ("_COMMA", ","),
        ("INTEGER", "-3"),
        ("_COMMA", ","),
        ("BOOLEAN", "TRUE"),
        ("_RBRACE", "}"),
    ]
    tokens = tokenize(text)
    assert all(text[t.start_pos : t.end_pos] == str(t) for t in tokens)


def test_words_for_logic_and_functions():
    assert [k for k, _ in _kinds("AND OR NOT || Exists SubOperationMatches")] == [
        "AND_OP",
        "OR_OP",
        "NOT_OP",
        "OR_OP",
        "EXISTS",
        "SUBOP_MATCHES",
    ]


def test_strings_keep_backslashes_and_newlines():
    assert _kinds("'a\\*b\nc'") == [("STRING", "'a\\*b\nc'")]


@pytest.mark.parametrize(
    ("text", "offset", "message"),
    [
        ("and", 0, "capitals"),
        ("@Request[x] stringequals 'a'", 12, "unknown operator"),
        ("'abc", 0, "unterminated"),
        ("$", 0, "unexpected character"),
        ("@Request[x", 0, "malformed attribute"),
        ("@request[x]", 1, "unknown attribute source"),
    ],
)
def test_lexical_errors(text, offset, message):
    with pytest.raises(ConditionSyntaxError, match=message) as info:
        tokenize(text)
    assert info.value.offset == offset


def test_limits():
    with pytest.raises(ConditionLimitError):
        tokenize("!" * (MAX_LENGTH + 1))
    with pytest.raises(ConditionLimitError) as info:
        tokenize("!" * (MAX_TOKENS + 1))
    assert info.value.offset == MAX_TOKENS
    assert len(tokenize("!" * MAX_TOKENS)) == MAX_TOKENS
