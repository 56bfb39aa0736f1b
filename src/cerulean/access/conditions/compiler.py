"""Compile once, evaluate many: the condition cache and the compiled-condition value.

A condition's *clauses* are the operands of its top-level `AND` (or the whole condition when it is
not an `AND`) — in the documented shape, one `(guard) OR (expression)` per group of targeted actions.
When a condition is false, the explanation names the first false clause and why it is false.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Final

from cerulean.access.conditions.evaluator import EvalContext, Predicate, compile_node, why_false
from cerulean.access.conditions.nodes import And, Node
from cerulean.access.conditions.parser import parse
from cerulean.access.conditions.printer import to_text

__all__ = ["CACHE_SIZE", "ClauseFailure", "CompiledCondition", "compile_condition"]

CACHE_SIZE: Final = 4096


@dataclass(frozen=True, slots=True)
class ClauseFailure:
    """Which clause of a condition was false, and why."""

    index: int
    clause: str
    reasons: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """A JSON-friendly view."""
        return {"clause": self.index, "text": self.clause, "reasons": list(self.reasons)}


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    """A parsed, type-checked, compiled condition."""

    text: str
    tree: Node
    clauses: tuple[Node, ...] = field(repr=False)
    _predicates: tuple[Predicate, ...] = field(repr=False, compare=False)

    def evaluate(self, ctx: EvalContext) -> bool:
        """Whether the condition holds for `ctx` (every clause true)."""
        return all(predicate(ctx) for predicate in self._predicates)

    def first_failure(self, ctx: EvalContext) -> ClauseFailure | None:
        """The first false clause with its reasons, or `None` if the condition holds."""
        for index, (clause, predicate) in enumerate(zip(self.clauses, self._predicates, strict=True)):
            if not predicate(ctx):
                return ClauseFailure(index + 1, to_text(clause), why_false(clause, ctx))
        return None


@functools.lru_cache(maxsize=CACHE_SIZE)
def compile_condition(text: str) -> CompiledCondition:
    """Parse and compile `text`; cached by text. Raises `ConditionParseError`."""
    tree = parse(text)
    clauses = tree.operands if isinstance(tree, And) else (tree,)
    return CompiledCondition(text, tree, clauses, tuple(compile_node(c) for c in clauses))
