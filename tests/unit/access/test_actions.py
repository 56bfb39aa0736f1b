"""Action patterns: `*` matches any run of characters, case never matters."""

from __future__ import annotations

import pytest

from cerulean.access.actions import (
    ActionKind,
    classify,
    compile_pattern,
    is_condition_applicable,
)
from cerulean.access.errors import InvalidActionError


@pytest.mark.parametrize(
    ("pattern", "action", "matches"),
    [
        ("*", "Microsoft.ContainerRegistry/registries/write", True),
        ("*/read", "Microsoft.ContainerRegistry/registries/pull/read", True),
        ("*/read", "Microsoft.ContainerRegistry/registries/push/write", False),
        ("Microsoft.Authorization/*/Write", "Microsoft.Authorization/roleAssignments/write", True),
        ("Microsoft.Authorization/*/Delete", "microsoft.authorization/roleassignments/DELETE", True),
        ("Microsoft.Compute/*", "Microsoft.ContainerRegistry/registries/read", False),
        ("Microsoft.Network/*/read", "Microsoft.Network/virtualNetworks/subnets/read", True),
        (
            "Microsoft.ContainerRegistry/registries/pull/read",
            "MICROSOFT.CONTAINERREGISTRY/REGISTRIES/PULL/READ",
            True,
        ),
        (
            "Microsoft.ContainerRegistry/registries/pull/read",
            "Microsoft.ContainerRegistry/registries/pull/reads",
            False,
        ),
        (
            "Microsoft.ContainerRegistry/registries/*/read",
            "Microsoft.ContainerRegistry/registries/read",
            False,
        ),
        ("a*b*c", "aXXbYYc", True),
        ("a*b*c", "aXXcYYb", False),
        ("a.b", "aXb", False),
    ],
)
def test_pattern_matching(pattern, action, matches):
    assert compile_pattern(pattern).matches(action) is matches


@pytest.mark.parametrize("pattern", ["", "   ", "Microsoft.X/ y", "a?b", "a\nb", "(.*)"])
def test_malformed_patterns_are_rejected(pattern):
    with pytest.raises(InvalidActionError):
        compile_pattern(pattern)


def test_compiled_patterns_are_cached_and_keep_their_text():
    assert compile_pattern("*/read") is compile_pattern("*/read")
    assert compile_pattern(" */read ").text == "*/read"
    assert compile_pattern("*/read").has_wildcard
    assert not compile_pattern("a/read").has_wildcard


@pytest.mark.parametrize(
    ("action", "kind"),
    [
        ("Microsoft.ContainerRegistry/registries/repositories/content/read", ActionKind.DATA_ACTION),
        ("microsoft.containerregistry/registries/catalog/read", ActionKind.DATA_ACTION),
        ("Microsoft.ContainerRegistry/registries/quarantinedArtifacts/read", ActionKind.DATA_ACTION),
        ("Microsoft.ContainerRegistry/registries/pull/read", ActionKind.ACTION),
        ("Microsoft.Authorization/roleAssignments/write", ActionKind.ACTION),
    ],
)
def test_classify(action, kind):
    assert classify(action) is kind


@pytest.mark.parametrize(
    ("action", "applicable"),
    [
        ("Microsoft.ContainerRegistry/registries/repositories/content/read", True),
        ("Microsoft.ContainerRegistry/registries/repositories/metadata/delete", True),
        ("Microsoft.Authorization/roleAssignments/write", True),
        ("Microsoft.Authorization/roleAssignments/delete", True),
        ("Microsoft.ContainerRegistry/registries/catalog/read", False),
        ("Microsoft.ContainerRegistry/registries/pull/read", False),
        ("Microsoft.ContainerRegistry/registries/quarantinedArtifacts/read", False),
    ],
)
def test_conditions_apply_only_to_repository_data_actions_and_role_assignment_writes(action, applicable):
    assert is_condition_applicable(action) is applicable
