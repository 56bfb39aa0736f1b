"""Registry context and resources."""

from __future__ import annotations

import pytest

from cerulean.access import (
    InvalidModeError,
    InvalidScopeError,
    PermissionMode,
    RegistryContext,
    Resource,
    Sku,
)
from cerulean.access.context import parse_sku

from .support import REGISTRY, RG


def test_of_parses_arm_values():
    reg = RegistryContext.of(
        REGISTRY,
        mode="AbacRepositoryPermissions",
        sku="premium",
        anonymous_pull_enabled=True,
        tenant_id=" T ",
    )
    assert reg.mode is PermissionMode.ABAC
    assert reg.sku is Sku.PREMIUM
    assert reg.name == "contoso"
    assert reg.tenant_id == "t"
    assert reg.anonymous_pull


def test_anonymous_pull_needs_a_sku_that_offers_it():
    assert not RegistryContext.of(REGISTRY, sku="Basic", anonymous_pull_enabled=True).anonymous_pull
    assert not RegistryContext.of(REGISTRY, sku="Standard").anonymous_pull


def test_only_registries_are_registry_contexts():
    with pytest.raises(InvalidScopeError):
        RegistryContext.of(RG)
    with pytest.raises(InvalidScopeError):
        RegistryContext.of(f"{REGISTRY}/tokens/t")
    with pytest.raises(InvalidModeError):
        RegistryContext.of(REGISTRY, sku="Classic")
    with pytest.raises(InvalidModeError):
        parse_sku("")


def test_resource_descriptions():
    assert Resource.of(REGISTRY).describe() == REGISTRY
    assert Resource.of(REGISTRY, "app").describe() == f"repository 'app' in {REGISTRY}"
