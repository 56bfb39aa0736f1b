"""The condition AST: small frozen nodes with source spans.

Spans are not part of equality, so a pretty-printed condition that parses back compares equal to the
original tree. Parentheses leave no node: `And`/`Or` hold every operand of a flat chain, and a nested
chain of the same operator only appears where the source had parentheses around it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from cerulean.access.conditions.attributes import AttributeSource
    from cerulean.access.conditions.operators import Operator

__all__ = [
    "ActionMatches",
    "And",
    "Attribute",
    "Comparison",
    "Exists",
    "Literal",
    "LiteralSet",
    "Node",
    "Not",
    "Operand",
    "Or",
    "Span",
    "SubOperationMatches",
]


@dataclass(frozen=True, slots=True)
class Span:
    """Character offsets `[start, end)` in the source text."""

    start: int = 0
    end: int = 0


_NO_SPAN = Span()


@dataclass(frozen=True, slots=True)
class Attribute:
    """`@Source[name]`."""

    source: AttributeSource
    name: str
    span: Span = field(default=_NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Literal:
    """A quoted string, an integer, or `true`/`false`."""

    value: str | int | bool
    span: Span = field(default=_NO_SPAN, compare=False)

    def __eq__(self, other: object) -> bool:
        # `True == 1` in Python; a literal's type is part of its meaning.
        return (
            isinstance(other, Literal) and type(self.value) is type(other.value) and self.value == other.value
        )

    def __hash__(self) -> int:
        return hash((type(self.value), self.value))


@dataclass(frozen=True, slots=True)
class LiteralSet:
    """`{v1, v2, ...}`."""

    values: tuple[Literal, ...]
    span: Span = field(default=_NO_SPAN, compare=False)


Operand: TypeAlias = Attribute | Literal | LiteralSet


@dataclass(frozen=True, slots=True)
class Comparison:
    """`left Operator right`."""

    left: Operand
    operator: Operator
    right: Operand
    span: Span = field(default=_NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Exists:
    """`Exists @Source[name]`."""

    attribute: Attribute
    span: Span = field(default=_NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ActionMatches:
    """`ActionMatches{'pattern'}`: the action being checked matches the pattern (`*` wildcard)."""

    pattern: str
    span: Span = field(default=_NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class SubOperationMatches:
    """`SubOperationMatches{'pattern'}`: the request's suboperation matches the pattern."""

    pattern: str
    span: Span = field(default=_NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Not:
    """`NOT x` / `!x`."""

    operand: Node
    span: Span = field(default=_NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class And:
    """`a AND b AND ...` (two or more operands)."""

    operands: tuple[Node, ...]
    span: Span = field(default=_NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Or:
    """`a OR b OR ...` (two or more operands)."""

    operands: tuple[Node, ...]
    span: Span = field(default=_NO_SPAN, compare=False)


Node: TypeAlias = And | Or | Not | Comparison | Exists | ActionMatches | SubOperationMatches
