"""Scope-map actions, wildcards, system maps, tokens and SKU limits (reference §2)."""

from __future__ import annotations

import pytest

from cerulean.access.context import Sku
from cerulean.access.errors import InvalidScopeMapError, ScopeMapLimitError
from cerulean.access.scopemaps import (
    SYSTEM_SCOPE_MAPS,
    GatewayAction,
    RepositoryAction,
    ScopeMap,
    Token,
    check_counts,
    parse_scope_map_action,
)

from .support import OTHER_REGISTRY, REGISTRY


@pytest.mark.parametrize(
    ("text", "target", "action"),
    [
        ("repositories/hello-world/content/read", "hello-world", RepositoryAction.CONTENT_READ),
        ("repositories/samples/*/content/write", "samples/*", RepositoryAction.CONTENT_WRITE),
        ("repositories/*/content/delete", "*", RepositoryAction.CONTENT_DELETE),
        ("repositories/a/b/c/metadata/read", "a/b/c", RepositoryAction.METADATA_READ),
        ("repositories/sample/teamA/*/metadata/write", "sample/teama/*", RepositoryAction.METADATA_WRITE),
        ("gateway/edge1/config/read", "edge1", GatewayAction.CONFIG_READ),
        ("gateway/edge1/message/write", "edge1", GatewayAction.MESSAGE_WRITE),
    ],
)
def test_valid_actions(text, target, action):
    entry = parse_scope_map_action(text)
    assert (entry.target, entry.action) == (target, action)


@pytest.mark.parametrize(
    "text",
    [
        "repositories/sample/*/teamA/content/read",
        "repositories/sample/teamA*/content/read",
        "repositories/sample/teamA/*/projectB/*/content/read",
        "repositories/*a/content/read",
        "repositories/content/read",
        "repositories/app/content/list",
        "repositories/app/pull",
        "repositories/myrepository/contentWrite",
        "repositories/app/Content/Read",
        "repositories/../etc/content/read",
        "repository/app/content/read",
        "gateway/*/config/read",
        "gateway/edge1/content/read",
        "app/content/read",
        "",
    ],
)
def test_invalid_actions(text):
    with pytest.raises(InvalidScopeMapError):
        parse_scope_map_action(text)


def test_wildcards_cover_below_the_prefix_only():
    entry = parse_scope_map_action("repositories/samples/*/content/read")
    assert entry.covers("samples/a")
    assert entry.covers("samples/a/b/c")
    assert not entry.covers("samples")
    assert not entry.covers("samples-x/a")
    assert not entry.covers("other/samples/a")


def test_entries_are_additive():
    scope_map = ScopeMap(
        "m",
        (
            "repositories/sample/*/content/read",
            "repositories/sample/teamA/*/content/write",
            "repositories/sample/teamA/projectB/content/delete",
        ),
    )
    r, w, d = RepositoryAction.CONTENT_READ, RepositoryAction.CONTENT_WRITE, RepositoryAction.CONTENT_DELETE
    assert scope_map.allowed("sample/teama/projectb") == {r, w, d}
    assert scope_map.allowed("sample/teama/projectc") == {r, w}
    assert scope_map.allowed("sample/teamb") == {r}
    assert scope_map.allowed("elsewhere") == frozenset()
    assert scope_map.allowed_everywhere() == frozenset()
    assert scope_map.granting_entries("sample/teama/projectb", w) == (
        "repositories/sample/teamA/*/content/write",
    )


def test_system_scope_maps():
    assert set(SYSTEM_SCOPE_MAPS) == {
        "_repositories_admin",
        "_repositories_pull",
        "_repositories_pull_metadata_read",
        "_repositories_push",
        "_repositories_push_metadata_write",
    }
    assert SYSTEM_SCOPE_MAPS["_repositories_admin"].allowed_everywhere() == frozenset(RepositoryAction)
    assert SYSTEM_SCOPE_MAPS["_repositories_push"].allowed("x") == {
        RepositoryAction.CONTENT_READ,
        RepositoryAction.CONTENT_WRITE,
    }
    assert all(m.system for m in SYSTEM_SCOPE_MAPS.values())


def test_token_scope_map_must_be_in_its_registry():
    assert Token.of(REGISTRY, "t", f"{REGISTRY}/scopeMaps/m").scope_map_in_registry
    assert not Token.of(REGISTRY, "t", f"{OTHER_REGISTRY}/scopeMaps/m").scope_map_in_registry
    assert not Token.of(REGISTRY, "t", f"{REGISTRY}/tokens/m").scope_map_in_registry
    assert Token.of(REGISTRY, "t", f"{REGISTRY}/scopeMaps/m").scope_map_name == "m"


@pytest.mark.parametrize(
    ("sku", "tokens", "maps"),
    [(Sku.BASIC, 100, 100), (Sku.STANDARD, 500, 500), (Sku.PREMIUM, 50_000, 50_000)],
)
def test_sku_limits(sku, tokens, maps):
    check_counts(sku, tokens=tokens, scope_maps=maps, scope_map_actions=["a"] * 500)
    with pytest.raises(ScopeMapLimitError):
        check_counts(sku, tokens=tokens + 1)
    with pytest.raises(ScopeMapLimitError):
        check_counts(sku, scope_maps=maps + 1)
    with pytest.raises(ScopeMapLimitError):
        check_counts(sku, scope_map_actions=["a"] * 501)
