"""The terminals of condition language 2.0: their kinds, spellings and how errors name them."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = ["FUNCTIONS", "LOGICAL_WORDS", "TokenKind", "describe"]


class TokenKind(StrEnum):
    """Terminal names shared by the lexer and the grammar (punctuation starts with `_`)."""

    AND = "AND_OP"
    OR = "OR_OP"
    NOT = "NOT_OP"
    ACTION_MATCHES = "ACTION_MATCHES"
    SUB_OPERATION_MATCHES = "SUBOP_MATCHES"
    EXISTS = "EXISTS"
    ATTRIBUTE = "ATTRIBUTE"
    OPERATOR = "OPERATOR"
    STRING = "STRING"
    INTEGER = "INTEGER"
    BOOLEAN = "BOOLEAN"
    LPAR = "_LPAR"
    RPAR = "_RPAR"
    LBRACE = "_LBRACE"
    RBRACE = "_RBRACE"
    COMMA = "_COMMA"
    END = "$END"


LOGICAL_WORDS: Final = {
    "AND": TokenKind.AND,
    "&&": TokenKind.AND,
    "OR": TokenKind.OR,
    "||": TokenKind.OR,
    "NOT": TokenKind.NOT,
    "!": TokenKind.NOT,
}

FUNCTIONS: Final = {
    "ActionMatches": TokenKind.ACTION_MATCHES,
    "SubOperationMatches": TokenKind.SUB_OPERATION_MATCHES,
    "Exists": TokenKind.EXISTS,
}

_DESCRIPTIONS: Final = {
    TokenKind.AND: "'AND'",
    TokenKind.OR: "'OR'",
    TokenKind.NOT: "'NOT'",
    TokenKind.ACTION_MATCHES: "'ActionMatches'",
    TokenKind.SUB_OPERATION_MATCHES: "'SubOperationMatches'",
    TokenKind.EXISTS: "'Exists'",
    TokenKind.ATTRIBUTE: "an attribute such as @Request[...]",
    TokenKind.OPERATOR: "an operator such as StringEquals",
    TokenKind.STRING: "a quoted string",
    TokenKind.INTEGER: "an integer",
    TokenKind.BOOLEAN: "true or false",
    TokenKind.LPAR: "'('",
    TokenKind.RPAR: "')'",
    TokenKind.LBRACE: "'{'",
    TokenKind.RBRACE: "'}'",
    TokenKind.COMMA: "','",
    TokenKind.END: "the end of the condition",
}

# Order in which expected terminals are listed: most helpful first.
_ORDER: Final = list(_DESCRIPTIONS)


def describe(names: set[str] | frozenset[str]) -> tuple[str, ...]:
    """Human descriptions of terminal names, in a stable, helpful order."""
    kinds = [TokenKind(n) for n in names if n in TokenKind._value2member_map_]
    return tuple(_DESCRIPTIONS[k] for k in sorted(kinds, key=_ORDER.index))
