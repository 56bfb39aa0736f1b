"""AST → text, in two layouts that both parse back to the same tree.

`to_text` writes one line; `pretty` writes the indented layout of Azure's documentation, one
expression per line. Nested chains are always parenthesised (the grammar needs it for mixed operators
and the tree keeps it for equal ones), and negations are written `!(...)` as the portal writes them.
"""

from __future__ import annotations

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

__all__ = ["operand_text", "pretty", "to_text"]

_INDENT = "    "


def _quote(value: str) -> str:
    if "'" in value:
        raise ValueError(f"{value!r} contains a quote, which condition strings cannot express")
    return f"'{value}'"


def _literal(literal: Literal) -> str:
    value = literal.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return _quote(value)


def operand_text(operand: Operand) -> str:
    """An operand as written in a condition."""
    if isinstance(operand, Attribute):
        return f"@{operand.source}[{operand.name}]"
    if isinstance(operand, Literal):
        return _literal(operand)
    return "{" + ", ".join(_literal(v) for v in operand.values) + "}"


def _leaf(node: Comparison | Exists | ActionMatches | SubOperationMatches) -> str:
    if isinstance(node, Comparison):
        return f"{operand_text(node.left)} {node.operator.spelling} {operand_text(node.right)}"
    if isinstance(node, Exists):
        return f"Exists {operand_text(node.attribute)}"
    if isinstance(node, ActionMatches):
        return f"ActionMatches{{{_quote(node.pattern)}}}"
    return f"SubOperationMatches{{{_quote(node.pattern)}}}"


def to_text(node: Node, *, top: bool = True) -> str:
    """The condition on one line."""
    if isinstance(node, And | Or):
        word = " AND " if isinstance(node, And) else " OR "
        body = word.join(to_text(child, top=False) for child in node.operands)
        return body if top else f"({body})"
    if isinstance(node, Not):
        inner = to_text(node.operand, top=True)
        return f"!({inner})"
    return _leaf(node)


def pretty(node: Node) -> str:
    """The condition laid out one expression per line, as in Azure's documentation."""
    return "\n".join(_pretty(node, 0, top=True))


def _pretty(node: Node, level: int, *, top: bool) -> list[str]:
    pad = _INDENT * level
    if isinstance(node, And | Or):
        word = "AND" if isinstance(node, And) else "OR"
        inner_level = level if top else level + 1
        lines: list[str] = [] if top else [f"{pad}("]
        for i, child in enumerate(node.operands):
            if i:
                lines.append(f"{_INDENT * inner_level}{word}")
            lines.extend(_pretty(child, inner_level, top=False))
        if not top:
            lines.append(f"{pad})")
        return lines
    if isinstance(node, Not):
        if isinstance(node.operand, And | Or | Not):
            return [f"{pad}!(", *_pretty(node.operand, level + 1, top=True), f"{pad})"]
        return [f"{pad}!({_leaf(node.operand)})"]
    return [f"{pad}{_leaf(node)}"]
