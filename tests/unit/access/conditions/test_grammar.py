"""The declared grammar and its terminal vocabulary agree."""

from __future__ import annotations

from cerulean.access.conditions.grammar import GRAMMAR
from cerulean.access.conditions.tokens import TokenKind, describe


def test_every_terminal_is_declared_and_described():
    for kind in TokenKind:
        if kind is not TokenKind.END:
            assert kind.value in GRAMMAR
    assert len(describe(frozenset(k.value for k in TokenKind))) == len(TokenKind)
    assert describe(frozenset({"UNKNOWN"})) == ()
