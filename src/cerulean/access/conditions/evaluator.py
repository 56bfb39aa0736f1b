"""AST → a predicate over the request, compiled once; and a tracer that says why a condition is false.

The predicate is total: absent attributes, wrong types and malformed values make comparisons false
instead of raising. `AND`/`OR` short-circuit left to right, which is also what lets `grant` prove that a
condition does not depend on the repository name (see `EvalContext.unknown`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from cerulean.access.actions import action_key, compile_pattern
from cerulean.access.conditions.attributes import AttributeSource, AttributeValue, attribute_key
from cerulean.access.conditions.nodes import (
    ActionMatches,
    And,
    Attribute,
    Comparison,
    Exists,
    Literal,
    Node,
    Not,
    Operand,
    Or,
    SubOperationMatches,
)
from cerulean.access.conditions.operators import BaseOperator, Quantifier, compare_pair
from cerulean.access.conditions.printer import operand_text, to_text

__all__ = ["EvalContext", "Predicate", "UnknownAttributeError", "compile_node", "why_false"]


class UnknownAttributeError(Exception):
    """Raised while probing when the predicate reads an attribute marked unknown."""


@dataclass(frozen=True, slots=True)
class EvalContext:
    """What a condition sees: the action being checked, its suboperation, the attributes.

    `values` is keyed by `(source, attribute_key(name))`. Reading a key listed in `unknown` raises
    `UnknownAttributeError`: the engine uses that to ask "is this true whatever the repository?".
    """

    action: str
    values: Mapping[tuple[AttributeSource, str], AttributeValue]
    sub_operation: str | None = None
    unknown: frozenset[tuple[AttributeSource, str]] = frozenset()

    def lookup(self, key: tuple[AttributeSource, str]) -> AttributeValue | None:
        """The attribute's value, `None` when absent."""
        if key in self.unknown:
            raise UnknownAttributeError(key)
        return self.values.get(key)


Predicate = Callable[[EvalContext], bool]
_Values = Callable[[EvalContext], tuple[object, ...] | None]


def _as_tuple(value: AttributeValue | None) -> tuple[object, ...] | None:
    if value is None:
        return None
    return value if isinstance(value, tuple) else (value,)


def _operand(operand: Operand) -> _Values:
    if isinstance(operand, Attribute):
        key = (operand.source, attribute_key(operand.name))
        return lambda ctx: _as_tuple(ctx.lookup(key))
    constant: tuple[object, ...] = (
        (operand.value,) if isinstance(operand, Literal) else tuple(v.value for v in operand.values)
    )
    return lambda _ctx: constant


def _effective_quantifier(node: Comparison) -> Quantifier:
    if node.operator.quantifier is not None:
        return node.operator.quantifier
    return Quantifier.ALL_OF_ALL if node.operator.base.negated else Quantifier.ANY_OF_ANY


def _matcher(base: BaseOperator) -> Callable[[object, object], bool]:
    pair = compare_pair(base)
    negated = base.negated

    def match(left: object, right: object) -> bool:
        result = pair(left, right)
        return result is not None and result is not negated

    return match


def _combine(
    quantifier: Quantifier,
    match: Callable[[object, object], bool],
    lefts: tuple[object, ...],
    rights: tuple[object, ...],
) -> bool:
    if quantifier is Quantifier.ANY_OF_ANY:
        return any(match(a, b) for a in lefts for b in rights)
    if quantifier is Quantifier.ALL_OF_ANY:
        return all(any(match(a, b) for b in rights) for a in lefts)
    if quantifier is Quantifier.ANY_OF_ALL:
        return any(all(match(a, b) for b in rights) for a in lefts)
    return all(match(a, b) for a in lefts for b in rights)


def _equals(value: str, expected: str) -> bool:
    return value == expected


_FAST_STRING: Final[dict[BaseOperator, Callable[[str, str], bool]]] = {
    BaseOperator.STRING_EQUALS_IGNORE_CASE: _equals,
    BaseOperator.STRING_STARTS_WITH_IGNORE_CASE: str.startswith,
}


def _comparison(node: Comparison) -> Predicate:
    fast = _FAST_STRING.get(node.operator.base)
    if (
        fast is not None
        and node.operator.quantifier is None
        and isinstance(node.left, Attribute)
        and isinstance(node.right, Literal)
        and isinstance(node.right.value, str)
    ):
        # The shape of nearly every ACR condition; same result as the general path, fewer calls.
        key = (node.left.source, attribute_key(node.left.name))
        expected = node.right.value.casefold()

        def fast_path(ctx: EvalContext) -> bool:
            value = ctx.lookup(key)
            if isinstance(value, str):
                return fast(value.casefold(), expected)
            if isinstance(value, tuple):
                return any(isinstance(v, str) and fast(v.casefold(), expected) for v in value)
            return False

        return fast_path
    left, right = _operand(node.left), _operand(node.right)
    match = _matcher(node.operator.base)
    quantifier = _effective_quantifier(node)

    def general(ctx: EvalContext) -> bool:
        lefts, rights = left(ctx), right(ctx)
        if lefts is None or rights is None:
            return False
        return _combine(quantifier, match, lefts, rights)

    return general


def _chain(node: And | Or) -> Predicate:
    parts = tuple(compile_node(child) for child in node.operands)
    if isinstance(node, And):

        def all_of(ctx: EvalContext) -> bool:
            return all(part(ctx) for part in parts)

        return all_of

    def any_of(ctx: EvalContext) -> bool:
        return any(part(ctx) for part in parts)

    return any_of


def _negation(node: Not) -> Predicate:
    inner = compile_node(node.operand)
    return lambda ctx: not inner(ctx)


def _action_matches(node: ActionMatches) -> Predicate:
    pattern = compile_pattern(node.pattern)
    return lambda ctx: pattern.matches_key(action_key(ctx.action))


def _sub_operation_matches(node: SubOperationMatches) -> Predicate:
    wanted = node.pattern.casefold()
    return lambda ctx: ctx.sub_operation is not None and ctx.sub_operation.casefold() == wanted


def _exists(node: Exists) -> Predicate:
    key = (node.attribute.source, attribute_key(node.attribute.name))
    return lambda ctx: ctx.lookup(key) is not None


def compile_node(node: Node) -> Predicate:
    """Compile a tree into a predicate (do it once per distinct condition text)."""
    if isinstance(node, And | Or):
        return _chain(node)
    if isinstance(node, Not):
        return _negation(node)
    if isinstance(node, ActionMatches):
        return _action_matches(node)
    if isinstance(node, SubOperationMatches):
        return _sub_operation_matches(node)
    if isinstance(node, Exists):
        return _exists(node)
    return _comparison(node)


def _shown(values: tuple[object, ...] | None) -> str:
    if values is None:
        return "absent"
    shown = [repr(v) for v in values]
    return shown[0] if len(shown) == 1 else "{" + ", ".join(shown) + "}"


def _leaf_story(
    node: Comparison | Exists | ActionMatches | SubOperationMatches,
    ctx: EvalContext,
    *,
    outcome: bool,
) -> str:
    text = to_text(node)
    verdict = "true" if outcome else "false"
    if isinstance(node, Comparison):
        values = [
            f"{operand_text(side)} is {_shown(_operand(side)(ctx))}"
            for side in (node.left, node.right)
            if isinstance(side, Attribute)
        ]
        suffix = f" ({'; '.join(values)})" if values else ""
        return f"{text} is {verdict}{suffix}"
    if isinstance(node, Exists):
        return f"{text} is {verdict}"
    if isinstance(node, ActionMatches):
        relation = "matches" if outcome else "does not match"
        return f"the action {ctx.action} {relation} {node.pattern!r}"
    relation = "matches" if outcome else "does not match"
    return f"the suboperation {ctx.sub_operation or '(none)'} {relation} {node.pattern!r}"


def why_false(node: Node, ctx: EvalContext, limit: int = 8) -> tuple[str, ...]:
    """Sentences explaining why `node` is false for `ctx` (its failing leaves), at most `limit`."""
    out: list[str] = []
    _explain(node, ctx, want=False, out=out)
    return tuple(out[:limit])


def _explain(node: Node, ctx: EvalContext, *, want: bool, out: list[str]) -> None:
    """Append why `node` evaluates to `want`."""
    if isinstance(node, Not):
        _explain(node.operand, ctx, want=not want, out=out)
        return
    if isinstance(node, And | Or):
        children = [child for child in node.operands if compile_node(child)(ctx) is want]
        # A true OR needs one reason; a false OR, and an AND either way, is explained by all of them.
        chosen = children[:1] if isinstance(node, Or) and want else children
        for child in chosen:
            _explain(child, ctx, want=want, out=out)
        return
    out.append(_leaf_story(node, ctx, outcome=want))
