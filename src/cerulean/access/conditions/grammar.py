"""The condition grammar, declared for Lark (LALR(1)); tokens come from `lexer.tokenize`.

    start      : expr
    expr       : unary ((AND | OR) unary)*        AND and OR may not be mixed in one chain
    unary      : NOT unary | atom
    atom       : "(" expr ")"
               | ActionMatches "{" STRING "}"
               | SubOperationMatches "{" STRING "}"
               | Exists ATTRIBUTE
               | operand OPERATOR operand
    operand    : ATTRIBUTE | literal | "{" literal ("," literal)* "}"
    literal    : STRING | INTEGER | BOOLEAN

This is more general than the documented clause shape (`(guard) OR (expression)` joined by `AND`): the
documented shape is one sentence of this grammar, and Azure's own examples use `NOT` and function calls
outside it (`AND NOT SubOperationMatches{'Blob.List'}`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from lark import Lark, Token, Transformer
from lark.lexer import Lexer, LexerState

from cerulean.access.conditions.tokens import TokenKind

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["GRAMMAR", "build_parser"]

GRAMMAR: Final = rf"""
start: expr

expr: unary ((AND_OP | OR_OP) unary)*

?unary: NOT_OP unary                                  -> negation
      | atom

?atom: _LPAR expr _RPAR                               -> group
     | ACTION_MATCHES _LBRACE STRING _RBRACE          -> action_matches
     | SUBOP_MATCHES _LBRACE STRING _RBRACE           -> suboperation_matches
     | EXISTS ATTRIBUTE                               -> exists
     | operand OPERATOR operand                       -> comparison

?operand: ATTRIBUTE                                   -> attribute
        | literal
        | _LBRACE literal (_COMMA literal)* _RBRACE   -> literal_set

literal: STRING | INTEGER | BOOLEAN

%declare {" ".join(k.value for k in TokenKind if k is not TokenKind.END)}
"""


class _TokenFeeder(Lexer):
    """Hands Lark the tokens `lexer.tokenize` already produced."""

    __future_interface__ = 2  # receive (lexer_state, parser_state), the typed interface

    def __init__(self, lexer_conf: Any) -> None:  # noqa: ANN401 - Lark's LexerConf is untyped
        del lexer_conf

    def lex(self, lexer_state: LexerState, parser_state: Any) -> Iterator[Token]:  # noqa: ANN401 - Lark's parser state is untyped
        del parser_state
        tokens: tuple[Token, ...] = lexer_state.text  # type: ignore[assignment]  # custom input, see Lark.parse
        yield from tokens


def build_parser(transformer: Transformer[Token, Any]) -> Lark:
    """An LALR parser that calls `transformer` at each reduction (build it once: it takes ~20 ms)."""
    return Lark(
        GRAMMAR,
        parser="lalr",
        lexer=_TokenFeeder,
        transformer=transformer,
        maybe_placeholders=False,
    )
