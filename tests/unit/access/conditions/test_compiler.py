"""Compile once (cached by text), evaluate many; first failing clause."""

from __future__ import annotations

import pytest

from cerulean.access.conditions.attributes import Attributes
from cerulean.access.conditions.compiler import compile_condition
from cerulean.access.conditions.errors import ConditionSyntaxError
from cerulean.access.conditions.evaluator import EvalContext

READ = "Microsoft.ContainerRegistry/registries/repositories/content/read"
WRITE = "Microsoft.ContainerRegistry/registries/repositories/content/write"
NAME = "Microsoft.ContainerRegistry/registries/repositories:name"
TWO_CLAUSES = (
    f"((!(ActionMatches{{'{READ}'}})) OR (@Request[{NAME}] StringEqualsIgnoreCase 'a'))"
    f" AND ((!(ActionMatches{{'{WRITE}'}})) OR (@Request[{NAME}] StringEqualsIgnoreCase 'b'))"
)


def _ctx(action: str, name: str) -> EvalContext:
    return EvalContext(action, Attributes.of(request={NAME: name}).values)


def test_cached_by_text():
    assert compile_condition(TWO_CLAUSES) is compile_condition(TWO_CLAUSES)


def test_clauses_and_first_failure():
    condition = compile_condition(TWO_CLAUSES)
    assert len(condition.clauses) == 2
    assert condition.evaluate(_ctx(READ, "a"))
    assert condition.first_failure(_ctx(READ, "a")) is None
    failure = condition.first_failure(_ctx(WRITE, "a"))
    assert failure is not None
    assert failure.index == 2
    assert "'b'" in failure.clause
    assert failure.to_json()["clause"] == 2


def test_single_clause_condition():
    condition = compile_condition(f"@Request[{NAME}] StringEquals 'x'")
    assert len(condition.clauses) == 1
    assert not condition.evaluate(_ctx(READ, "y"))


def test_errors_are_not_cached_as_successes():
    for _ in range(2):
        with pytest.raises(ConditionSyntaxError):
            compile_condition("(((")
