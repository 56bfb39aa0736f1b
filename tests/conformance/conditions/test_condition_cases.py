"""Condition-language conformance: every case in the JSON files next to this module.

A case is either `{condition, action, subOperation?, attributes?, expected}` — the condition must
parse and evaluate to `expected` — or `{condition, error: {type, offset, expected?}}` — parsing must
raise that error at that offset. Attribute values: JSON scalars, lists (multi-valued), or
`{"$datetime": "<ISO 8601>"}`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cerulean.access.conditions import Attributes, EvalContext, compile_condition, errors

HERE = Path(__file__).parent


def _cases() -> list[pytest.ParameterSet]:
    return [
        pytest.param(case, id=f"{path.stem}: {case['name']}")
        for path in sorted(HERE.glob("*.json"))
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]
    ]


def _value(raw):
    if isinstance(raw, dict):
        return dt.datetime.fromisoformat(raw["$datetime"])
    if isinstance(raw, list):
        return tuple(raw)
    return raw


def _attributes(raw: dict) -> Attributes:
    return Attributes.of(
        **{source: {name: _value(v) for name, v in values.items()} for source, values in raw.items()}
    )


@pytest.mark.parametrize("case", _cases())
def test_case(case):
    if "error" in case:
        expected = case["error"]
        with pytest.raises(getattr(errors, expected["type"])) as info:
            compile_condition(case["condition"])
        assert info.value.offset == expected["offset"]
        for item in expected.get("expected", []):
            assert item in info.value.expected
        return
    condition = compile_condition(case["condition"])
    attributes = _attributes(case.get("attributes", {}))
    ctx = EvalContext(case["action"], attributes.values, case.get("subOperation"))
    assert condition.evaluate(ctx) is case["expected"]


def test_there_are_enough_cases():
    assert len(_cases()) >= 100
