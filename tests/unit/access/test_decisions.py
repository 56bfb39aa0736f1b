"""Decision and grant values."""

from __future__ import annotations

import pytest

from cerulean.access import Resource, decide, grant

from .support import REGISTRY, alice, assign, registry, snapshot


def test_a_decision_is_not_a_boolean():
    decision = decide(snapshot(), alice(), "pull", Resource.of(REGISTRY, "app"), registry=registry())
    with pytest.raises(TypeError, match="allowed"):
        bool(decision)
    with pytest.raises(AttributeError):
        decision.allowed = True  # type: ignore[misc]  # immutable


def test_decision_json_shape():
    decision = decide(
        snapshot(assign("AcrPull")), alice(), "pull", Resource.of(REGISTRY, "app"), registry=registry()
    )
    data = decision.to_json()
    assert data["allowed"] is True
    assert data["mode"] == "LegacyRegistryPermissions"
    assert data["required"] == ["Microsoft.ContainerRegistry/registries/pull/read"]
    assert data["reasons"][0]["code"] == "assignment"
    assert decision.granted_by[0].role_name == "AcrPull"


def test_grant_claim_and_allows():
    result = grant(snapshot(assign("AcrPull")), alice(), registry(), ["repository:app:pull,push"])
    assert result.claim() == [{"type": "repository", "name": "app", "actions": ["pull"]}]
    assert result.allows("repository", "app", "pull")
    assert not result.allows("repository", "app", "push")
    assert result.registry_scope.key == REGISTRY.casefold()
    assert [d.action for d in result.decisions] == ["pull", "push"]
