"""Scope parsing, parents, registries and the management-group hierarchy."""

from __future__ import annotations

import pytest

from cerulean.access.errors import InvalidScopeError
from cerulean.access.scopes import ROOT, ScopeHierarchy, ScopeKind, parse_scope

from .support import REGISTRY, RG, SUB

MG = "/providers/Microsoft.Management/managementGroups/corp"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("/", ScopeKind.ROOT),
        (MG, ScopeKind.MANAGEMENT_GROUP),
        (f"/subscriptions/{SUB}", ScopeKind.SUBSCRIPTION),
        (RG, ScopeKind.RESOURCE_GROUP),
        (REGISTRY, ScopeKind.RESOURCE),
        (f"{REGISTRY}/scopeMaps/m", ScopeKind.RESOURCE),
        (f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/x", ScopeKind.RESOURCE),
        (f"{REGISTRY}/providers/Microsoft.Insights/diagnosticSettings/d", ScopeKind.RESOURCE),
    ],
)
def test_parse_kinds(text, kind):
    assert parse_scope(text).kind is kind


@pytest.mark.parametrize(
    "text",
    [
        "",
        "subscriptions/x",
        "//",
        "/subscriptions",
        "/subscriptions/ /resourceGroups/rg",
        "/subscriptions/s/resourceGroups",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/r/scopeMaps",
        "/resourceGroups/rg",
        "/providers/Microsoft.Management/managementGroups",
        "/" + "a/" * 2000,
    ],
)
def test_invalid_scopes(text):
    with pytest.raises(InvalidScopeError):
        parse_scope(text)


def test_scopes_compare_without_case_and_trailing_slash():
    assert parse_scope(REGISTRY.upper() + "/") == parse_scope(REGISTRY)
    assert parse_scope(REGISTRY.upper()).text == REGISTRY.upper()
    assert parse_scope(REGISTRY) != parse_scope(RG)


def test_parents_walk_up_to_root():
    chain = []
    scope = parse_scope(f"{REGISTRY}/scopeMaps/m")
    while scope is not None:
        chain.append(scope.text)
        scope = scope.parent
    assert chain == [f"{REGISTRY}/scopeMaps/m", REGISTRY, RG, f"/subscriptions/{SUB}", "/"]
    assert parse_scope(MG).parent == ROOT
    ext = parse_scope(f"{REGISTRY}/providers/Microsoft.Insights/diagnosticSettings/d")
    assert ext.parent == parse_scope(REGISTRY)


def test_registry_of_a_scope():
    assert parse_scope(f"{REGISTRY}/tokens/t").registry == parse_scope(REGISTRY)
    assert parse_scope(REGISTRY).is_registry
    assert not parse_scope(f"{REGISTRY}/tokens/t").is_registry
    assert parse_scope(RG).registry is None
    assert parse_scope(REGISTRY).name == "contoso"
    assert parse_scope(REGISTRY).subscription_id == SUB
    assert parse_scope(MG).management_group_id == "corp"
    assert ROOT.subscription_id is None


def test_ancestors_go_through_management_groups():
    tree = ScopeHierarchy(
        management_group_parents={"corp": "root-mg", "root-mg": None},
        subscription_groups={SUB.upper(): "Corp"},
    )
    keys = tree.ancestors(parse_scope(REGISTRY))
    assert keys == (
        REGISTRY.casefold(),
        RG.casefold(),
        f"/subscriptions/{SUB}",
        "/providers/microsoft.management/managementgroups/corp",
        "/providers/microsoft.management/managementgroups/root-mg",
        "/",
    )
    assert tree.contains(parse_scope(MG), parse_scope(REGISTRY))
    assert not ScopeHierarchy().contains(parse_scope(MG), parse_scope(REGISTRY))
    assert tree.ancestors(parse_scope(MG))[-1] == "/"


def test_management_group_cycles_terminate():
    tree = ScopeHierarchy(management_group_parents={"a": "b", "b": "a"}, subscription_groups={SUB: "a"})
    keys = tree.ancestors(parse_scope(REGISTRY))
    assert keys[-1] == "/"
    assert len(keys) == 6
