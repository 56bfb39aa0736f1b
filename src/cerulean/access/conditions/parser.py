"""Tokens → AST. One builder method per production (the production is its docstring).

The builder runs inside the LALR parser at each reduction, so building never recurses, however deep
the input; depth is checked afterwards, iteratively, against `MAX_DEPTH`. Every failure — unknown
character, unexpected token, AND mixed with OR, wrong literal type, limit — is a
`ConditionParseError` with the offset, line and column, and what was expected there.
"""

from __future__ import annotations

import functools
from typing import Any, Final, cast

from lark import Lark, Token, Transformer
from lark.exceptions import LarkError, UnexpectedInput, UnexpectedToken

from cerulean.access.actions import compile_pattern
from cerulean.access.conditions.attributes import AttributeSource
from cerulean.access.conditions.errors import (
    ConditionLimitError,
    ConditionParseError,
    ConditionSyntaxError,
    ConditionTypeError,
)
from cerulean.access.conditions.grammar import build_parser
from cerulean.access.conditions.lexer import tokenize
from cerulean.access.conditions.nodes import (
    ActionMatches,
    And,
    Attribute,
    Comparison,
    Exists,
    Literal,
    LiteralSet,
    Node,
    Not,
    Operand,
    Or,
    Span,
    SubOperationMatches,
)
from cerulean.access.conditions.operators import (
    Family,
    datetime_ticks,
    lookup_operator,
    normalise_guid,
)
from cerulean.access.conditions.tokens import TokenKind, describe
from cerulean.access.errors import InvalidActionError

__all__ = ["MAX_DEPTH", "parse"]

MAX_DEPTH: Final = 64


class _Problem(Exception):  # noqa: N818 - internal signal, converted to a ConditionParseError
    def __init__(self, kind: type[ConditionParseError], message: str, offset: int, *expected: str) -> None:
        super().__init__(message)
        self.kind, self.message, self.offset, self.expected = kind, message, offset, expected


def _span(first: Node | Operand | Token, last: Node | Operand | Token) -> Span:
    start = first.start_pos if isinstance(first, Token) else first.span.start
    end = last.end_pos if isinstance(last, Token) else last.span.end
    return Span(start or 0, end or 0)


def _unquote(token: Token) -> str:
    return str(token)[1:-1]


class _Builder(Transformer[Token, Any]):
    """Builds nodes; raises `_Problem` for errors the grammar cannot express."""

    def start(self, children: list[Node]) -> Node:
        """Production `start: expr`."""
        return children[0]

    def expr(self, children: list[Any]) -> Node:
        """Production `expr: unary ((AND | OR) unary)*`."""
        nodes: tuple[Node, ...] = tuple(children[0::2])
        operators: list[Token] = children[1::2]
        if not operators:
            return nodes[0]
        first = operators[0].type
        for op in operators[1:]:
            if op.type != first:
                raise _Problem(
                    ConditionSyntaxError,
                    "AND and OR mixed without parentheses; the order of evaluation is ambiguous "
                    "— write (a AND b) OR c or a AND (b OR c)",
                    op.start_pos or 0,
                    "'AND'" if first == TokenKind.AND else "'OR'",
                    "')'",
                )
        span = _span(nodes[0], nodes[-1])
        return And(nodes, span) if first == TokenKind.AND else Or(nodes, span)

    def negation(self, children: list[Any]) -> Node:
        """Production `unary: NOT unary`."""
        token, operand = children
        return Not(operand, _span(token, operand))

    def group(self, children: list[Node]) -> Node:
        """Production `atom: "(" expr ")`."""
        return children[0]

    def action_matches(self, children: list[Token]) -> Node:
        """Production `atom: ActionMatches "{" STRING "}`."""
        keyword, string = children
        pattern = _unquote(string)
        try:
            compile_pattern(pattern)
        except InvalidActionError:
            raise _Problem(
                ConditionTypeError,
                f"{pattern!r} is not an action pattern",
                string.start_pos or 0,
                "an action such as 'Microsoft.ContainerRegistry/registries/repositories/content/read'",
            ) from None
        return ActionMatches(pattern, _span(keyword, string))

    def suboperation_matches(self, children: list[Token]) -> Node:
        """Production `atom: SubOperationMatches "{" STRING "}`."""
        keyword, string = children
        return SubOperationMatches(_unquote(string), _span(keyword, string))

    def exists(self, children: list[Any]) -> Node:
        """Production `atom: Exists ATTRIBUTE`."""
        keyword, token = children
        attribute = self.attribute([token])
        return Exists(attribute, _span(keyword, token))

    def comparison(self, children: list[Any]) -> Node:
        """Production `atom: operand OPERATOR operand`."""
        left, token, right = children
        operator = lookup_operator(str(token))
        if operator is None:  # the lexer only emits known operators
            raise _Problem(ConditionSyntaxError, f"unknown operator {token!s}", token.start_pos or 0)
        for side in (left, right):
            for literal in _literals(side):
                _check_literal(operator.base.family, operator.spelling, literal)
        return Comparison(left, operator, right, _span(left, right))

    def attribute(self, children: list[Token]) -> Attribute:
        """Production `operand: ATTRIBUTE`."""
        token = children[0]
        text = str(token)
        source, _, rest = text[1:].partition("[")
        return Attribute(AttributeSource(source), rest[:-1], _span(token, token))

    def literal(self, children: list[Token]) -> Literal:
        """Production `literal: STRING | INTEGER | BOOLEAN`."""
        token = children[0]
        span = _span(token, token)
        if token.type == TokenKind.STRING:
            return Literal(_unquote(token), span)
        if token.type == TokenKind.INTEGER:
            return Literal(int(str(token)), span)
        return Literal(str(token).casefold() == "true", span)

    def literal_set(self, children: list[Literal]) -> LiteralSet:
        """Production `operand: "{" literal ("," literal)* "}`."""
        return LiteralSet(tuple(children), _span(children[0], children[-1]))


def _literals(operand: Operand) -> tuple[Literal, ...]:
    if isinstance(operand, Literal):
        return (operand,)
    if isinstance(operand, LiteralSet):
        return operand.values
    return ()


_EXPECTED_TYPE: Final = {
    Family.STRING: "a quoted string",
    Family.NUMERIC: "an integer",
    Family.BOOL: "true or false",
    Family.GUID: "a quoted GUID such as '00000000-0000-0000-0000-000000000000'",
    Family.DATETIME: "a quoted date such as '2024-01-01T00:00:00.0Z'",
}


def _check_literal(family: Family, spelling: str, literal: Literal) -> None:
    value = literal.value
    ok = {
        Family.STRING: isinstance(value, str),
        Family.NUMERIC: isinstance(value, int) and not isinstance(value, bool),
        Family.BOOL: isinstance(value, bool),
        Family.GUID: isinstance(value, str) and normalise_guid(value) is not None,
        Family.DATETIME: isinstance(value, str) and datetime_ticks(value) is not None,
    }[family]
    if not ok:
        raise _Problem(
            ConditionTypeError,
            f"{spelling} cannot compare {_show(value)}",
            literal.span.start,
            _EXPECTED_TYPE[family],
        )


def _show(value: str | int | bool) -> str:  # noqa: FBT001 - a literal's value, not a flag
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


@functools.cache
def _parser() -> Lark:
    return build_parser(_Builder())


def parse(text: str) -> Node:
    """Parse a condition into its AST; raise `ConditionParseError` (and nothing else) on bad input."""
    if not isinstance(text, str):
        raise ConditionSyntaxError("a condition must be text", "", 0)
    tokens = tokenize(text)
    if not tokens:
        raise ConditionSyntaxError("the condition is empty", text, 0, ("an expression",))
    try:
        node = cast("Node", _parser().parse(tokens))  # the builder returns nodes, not a Tree
    except _Problem as problem:
        raise problem.kind(problem.message, text, problem.offset, problem.expected) from None
    except UnexpectedToken as exc:
        raise _unexpected(text, exc) from None
    except (UnexpectedInput, LarkError) as exc:  # defensive: any other Lark failure
        raise ConditionSyntaxError(f"cannot parse condition: {exc}", text, 0) from None
    _check_depth(text, node)
    return node


def _unexpected(text: str, exc: UnexpectedToken) -> ConditionSyntaxError:
    token = exc.token
    expected = describe(frozenset(exc.expected))
    if token.type == TokenKind.END:
        return ConditionSyntaxError("unexpected end of condition", text, len(text), expected)
    return ConditionSyntaxError(f"unexpected '{token!s}'", text, token.start_pos or 0, expected)


def _check_depth(text: str, root: Node) -> None:
    stack: list[tuple[Node, int]] = [(root, 1)]
    while stack:
        node, level = stack.pop()
        if level > MAX_DEPTH:
            raise ConditionLimitError(
                f"condition is nested deeper than {MAX_DEPTH} levels", text, node.span.start
            )
        if isinstance(node, And | Or):
            stack.extend((child, level + 1) for child in node.operands)
        elif isinstance(node, Not):
            stack.append((node.operand, level + 1))
