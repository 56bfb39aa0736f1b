"""Evaluation: semantics of every construct, absent attributes, probing, explanations."""

from __future__ import annotations

import datetime as dt

import pytest

from cerulean.access.conditions.attributes import UTC_NOW, Attributes, AttributeSource, attribute_key
from cerulean.access.conditions.evaluator import (
    EvalContext,
    UnknownAttributeError,
    compile_node,
    why_false,
)
from cerulean.access.conditions.parser import parse

REPO = "Microsoft.ContainerRegistry/registries/repositories:name"
READ = "Microsoft.ContainerRegistry/registries/repositories/content/read"


def _eval(text: str, *, action: str = READ, sub: str | None = None, **request: object) -> bool:
    values = Attributes.of(request=request).values  # type: ignore[arg-type]
    return compile_node(parse(text))(EvalContext(action, values, sub))


@pytest.mark.parametrize(
    ("text", "request_values", "expected"),
    [
        ("@Request[name] StringEquals 'a'", {"name": "a"}, True),
        ("@Request[NAME] StringEquals 'a'", {"name": "a"}, True),
        ("@Request[name] StringEquals 'a'", {}, False),
        ("@Request[name] StringNotEquals 'a'", {}, False),
        ("NOT @Request[name] StringEquals 'a'", {}, True),
        ("Exists @Request[name]", {"name": ""}, True),
        ("Exists @Request[name]", {}, False),
        ("@Request[name] StringEquals {'a', 'b'}", {"name": "b"}, True),
        ("@Request[name] StringNotEquals {'a', 'b'}", {"name": "b"}, False),
        ("@Request[name] StringNotEquals {'a', 'b'}", {"name": "c"}, True),
        ("@Request[tags] StringEquals 'x'", {"tags": ("y", "x")}, True),
        ("@Request[tags] ForAllOfAnyValues:StringEquals {'x', 'y'}", {"tags": ("y", "x")}, True),
        ("@Request[tags] ForAllOfAnyValues:StringEquals {'x'}", {"tags": ("y", "x")}, False),
        ("@Request[n] NumericGreaterThan 3", {"n": 4}, True),
        ("@Request[n] NumericGreaterThan 3", {"n": "4"}, False),
        ("@Request[n] NumericNotEquals 3", {"n": "4"}, False),
        ("@Request[b] BoolEquals true", {"b": True}, True),
        ("@Request[b] BoolNotEquals true", {"b": False}, True),
        (
            "@Request[g] GuidEquals '00000000-0000-0000-0000-00000000000A'",
            {"g": "00000000-0000-0000-0000-00000000000a"},
            True,
        ),
        ("@Request[p] StringLike 'readonly/*'", {"p": "readonly/a/b"}, True),
        ("@Request[p] StringNotLikeIgnoreCase 'READONLY/*'", {"p": "readonly/a"}, False),
        ("@Request[a] StringEquals @Request[b]", {"a": "x", "b": "x"}, True),
        ("@Request[a] StringEquals @Request[b]", {"a": "x"}, False),
        ("@Request[tags<$Key$>] StringEquals 'v'", {"tags<$Key$>": "v"}, True),
        ("@Request[TAGS<$Key$>] StringEquals 'v'", {"tags<$key$>": "v"}, False),
    ],
)
def test_semantics(text, request_values, expected):
    assert _eval(text, **request_values) is expected


def test_action_and_suboperation_matching():
    assert _eval("ActionMatches{'microsoft.containerregistry/*/read'}")
    assert not _eval("ActionMatches{'Microsoft.Authorization/*'}")
    assert _eval("SubOperationMatches{'Blob.List'}", sub="blob.list")
    assert not _eval("SubOperationMatches{'Blob.List'}")


def test_datetime_against_environment_now():
    now = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    values = Attributes.of(environment={UTC_NOW: now}).values
    before = compile_node(parse("@Environment[UtcNow] DateTimeLessThan '2026-01-01T00:00:00.0Z'"))
    after = compile_node(parse("@Environment[UtcNow] DateTimeGreaterThan '2026-01-01T00:00:00.0Z'"))
    assert before(EvalContext(READ, values))
    assert not after(EvalContext(READ, values))


def test_fast_path_matches_general_semantics_on_multi_values_and_types():
    for value, expected in ((("X/a", "y"), True), (("y",), False), (5, False), ("x/b", True)):
        assert _eval("@Request[name] StringStartsWithIgnoreCase 'x/'", name=value) is expected
        assert _eval("@Request[name] StringEqualsIgnoreCase 'X/A'", name=value) is (value == ("X/a", "y"))


def test_probing_an_unknown_attribute_raises_only_when_read():
    guard_then_name = compile_node(
        parse(f"(!(ActionMatches{{'{READ}'}})) OR @Request[{REPO}] StringStartsWith 'a/'")
    )
    unknown = frozenset({(AttributeSource.REQUEST, attribute_key(REPO))})
    write = "Microsoft.ContainerRegistry/registries/repositories/content/write"
    assert guard_then_name(EvalContext(write, {}, None, unknown))
    with pytest.raises(UnknownAttributeError):
        guard_then_name(EvalContext(READ, {}, None, unknown))


def test_why_false_names_the_failing_leaves_and_values():
    tree = parse(
        f"(!(ActionMatches{{'{READ}'}})) OR (@Request[{REPO}] StringStartsWith 'a/' "
        f"OR @Request[{REPO}] StringEquals 'b')"
    )
    values = Attributes.of(request={REPO: "c/d"}).values
    reasons = why_false(tree, EvalContext(READ, values))
    assert reasons[0] == f"the action {READ} matches {READ!r}"
    assert any("StringStartsWith 'a/' is false" in r and "'c/d'" in r for r in reasons)
    assert any("StringEquals 'b' is false" in r for r in reasons)
    missing = why_false(parse("@Request[x] StringEquals 'y' AND Exists @Request[z]"), EvalContext(READ, {}))
    assert missing == (
        "@Request[x] StringEquals 'y' is false (@Request[x] is absent)",
        "Exists @Request[z] is false",
    )
    sub = why_false(parse("SubOperationMatches{'Blob.List'}"), EvalContext(READ, {}))
    assert sub == ("the suboperation (none) does not match 'Blob.List'",)
