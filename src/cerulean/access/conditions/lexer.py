"""Text → tokens. Hand-written so that every failure names its position and what was expected.

Operator names, function names and `AND`/`OR`/`NOT` are case-sensitive (every documented example uses
these exact spellings; the reference is silent, so we are strict and say so in the error). `true` and
`false` are accepted in any case. A quoted string runs to the next `'`: the language has no escape for
a quote inside a string (reference: not found), so such a value cannot be written.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Final

from lark import Token

from cerulean.access.conditions.attributes import AttributeSource
from cerulean.access.conditions.errors import ConditionLimitError, ConditionSyntaxError
from cerulean.access.conditions.operators import BASE_OPERATORS, Quantifier, lookup_operator
from cerulean.access.conditions.tokens import FUNCTIONS, LOGICAL_WORDS, TokenKind

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["MAX_LENGTH", "MAX_TOKENS", "tokenize"]

MAX_LENGTH: Final = 16_384
MAX_TOKENS: Final = 4_096

_WHITESPACE: Final = frozenset(" \t\r\n")
_PUNCTUATION: Final = {
    "!": TokenKind.NOT,
    "(": TokenKind.LPAR,
    ")": TokenKind.RPAR,
    "{": TokenKind.LBRACE,
    "}": TokenKind.RBRACE,
    ",": TokenKind.COMMA,
}
_WORD: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?::[A-Za-z_][A-Za-z0-9_]*)?")
_INTEGER: Final = re.compile(r"-?[0-9]+")
_ATTRIBUTE: Final = re.compile(r"@([A-Za-z]*)\[([^\]\r\n]*)\]")
_ALL_OPERATORS: Final = [
    *BASE_OPERATORS,
    *(f"{q}:{b}" for q in Quantifier for b, op in BASE_OPERATORS.items() if op.cross_product),
]
_SOURCES: Final = tuple(s.value for s in AttributeSource)
_MAX_INTEGER_DIGITS: Final = 19  # a .NET long


def tokenize(text: str) -> tuple[Token, ...]:
    """Split a condition into Lark tokens; raise `ConditionParseError` on anything unknown."""
    if len(text) > MAX_LENGTH:
        raise ConditionLimitError(f"condition is longer than {MAX_LENGTH} characters", text, MAX_LENGTH)
    tokens: list[Token] = []
    pos, size = 0, len(text)
    while pos < size:
        char = text[pos]
        if char in _WHITESPACE:
            pos += 1
            continue
        if len(tokens) >= MAX_TOKENS:
            raise ConditionLimitError(f"condition has more than {MAX_TOKENS} tokens", text, pos)
        kind, end = _scan(text, pos)
        tokens.append(Token(kind.value, text[pos:end], start_pos=pos, end_pos=end))
        pos = end
    return tuple(tokens)


def _scan(text: str, pos: int) -> tuple[TokenKind, int]:
    char = text[pos]
    single = _PUNCTUATION.get(char)
    if single is not None:
        return single, pos + 1
    if text.startswith(("&&", "||"), pos):
        return LOGICAL_WORDS[text[pos : pos + 2]], pos + 2
    scanner = _SCANNERS.get(char) or (_scan_integer if char.isdigit() else _scan_word)
    return scanner(text, pos)


def _scan_string(text: str, pos: int) -> tuple[TokenKind, int]:
    end = text.find("'", pos + 1)
    if end < 0:
        raise ConditionSyntaxError("unterminated string", text, pos, ("a closing quote (')",))
    return TokenKind.STRING, end + 1


def _scan_integer(text: str, pos: int) -> tuple[TokenKind, int]:
    match = _INTEGER.match(text, pos)
    if match is None:
        raise ConditionSyntaxError("unexpected '-'", text, pos, ("an integer",))
    if len(match.group().lstrip("-")) > _MAX_INTEGER_DIGITS:
        raise ConditionSyntaxError("integer is too large", text, pos)
    return TokenKind.INTEGER, match.end()


def _scan_word(text: str, pos: int) -> tuple[TokenKind, int]:
    word = _WORD.match(text, pos)
    if word is None:
        raise ConditionSyntaxError(
            f"unexpected character {text[pos]!r}",
            text,
            pos,
            ("an attribute", "a literal", "'('", "'!'", "ActionMatches", "an operator"),
        )
    return _classify_word(text, pos, word.group()), word.end()


def _scan_attribute(text: str, pos: int) -> tuple[TokenKind, int]:
    match = _ATTRIBUTE.match(text, pos)
    if match is None:
        raise ConditionSyntaxError("malformed attribute", text, pos, ("@Source[name] with a closing ']'",))
    source, name = match.groups()
    if source not in _SOURCES:
        raise ConditionSyntaxError(
            f"unknown attribute source {source!r}", text, pos + 1, tuple(f"'{s}'" for s in _SOURCES)
        )
    if not name.strip():
        raise ConditionSyntaxError("attribute name is empty", text, pos + len(source) + 2)
    return TokenKind.ATTRIBUTE, match.end()


_SCANNERS: Final[dict[str, Callable[[str, int], tuple[TokenKind, int]]]] = {
    "'": _scan_string,
    "@": _scan_attribute,
    "-": _scan_integer,
}


def _classify_word(text: str, pos: int, word: str) -> TokenKind:
    if word in LOGICAL_WORDS:
        return LOGICAL_WORDS[word]
    if word in FUNCTIONS:
        return FUNCTIONS[word]
    if word.casefold() in {"true", "false"}:
        return TokenKind.BOOLEAN
    if word.upper() in {"AND", "OR", "NOT"}:
        raise ConditionSyntaxError(f"{word!r} must be written in capitals", text, pos, (f"'{word.upper()}'",))
    if lookup_operator(word) is not None:
        return TokenKind.OPERATOR
    suggestions = difflib.get_close_matches(word, _ALL_OPERATORS + list(FUNCTIONS), n=3)
    raise ConditionSyntaxError(
        f"unknown operator or function {word!r}",
        text,
        pos,
        tuple(f"'{s}'" for s in suggestions) or ("an operator such as StringEquals",),
    )
