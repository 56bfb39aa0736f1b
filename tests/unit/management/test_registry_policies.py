"""Registry policies: merged per field, stamped when they change, refused where ACR refuses them."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from cerulean.arm import RegistryPolicies, RegistryResource
from cerulean.management import BadRequestError
from cerulean.management.registry_policies import PolicyChanges, apply, check

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(hours=1)


def registry(sku: str = "Premium", **changes: object) -> RegistryResource:
    base = RegistryResource(
        "s", "rg", "policyreg", "local", sku, "policyreg.test", admin_user_enabled=False,
        anonymous_pull_enabled=False, permission_mode="LegacyRegistryPermissions", created_at=T0,
    )  # fmt: skip
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_only_given_fields_change_and_only_changed_policies_are_stamped() -> None:
    merged = apply(RegistryPolicies(), PolicyChanges(retention_days=30), T1)
    assert merged == RegistryPolicies(retention_days=30, retention_updated_at=T1)
    assert (
        apply(merged, PolicyChanges(retention_days=30, retention_enabled=False), T0)
        == merged  # same values: no new stamp
    )
    soft = apply(merged, PolicyChanges(soft_delete_enabled=True, quarantine_enabled=True), T1)
    assert (soft.soft_delete_updated_at, soft.retention_updated_at, soft.quarantine_enabled) == (T1, T1, True)


@pytest.mark.parametrize(
    ("changes", "target"),
    [
        (PolicyChanges(retention_days=366), "properties.policies.retentionPolicy.days"),
        (PolicyChanges(retention_days=-1), "properties.policies.retentionPolicy.days"),
        (PolicyChanges(soft_delete_days=0), "properties.policies.softDeletePolicy.retentionDays"),
        (PolicyChanges(soft_delete_days=91), "properties.policies.softDeletePolicy.retentionDays"),
        (PolicyChanges(trust_type="Cosign"), "properties.policies.trustPolicy.type"),
    ],
)
def test_values_out_of_range_are_refused(changes: PolicyChanges, target: str) -> None:
    with pytest.raises(BadRequestError) as refused:
        apply(RegistryPolicies(), changes, T1)
    assert refused.value.target == target


def test_range_ends_are_accepted() -> None:
    for changes in (PolicyChanges(retention_days=0, soft_delete_days=1, trust_type="notary"),
                    PolicyChanges(retention_days=365, soft_delete_days=90)):  # fmt: skip
        apply(RegistryPolicies(), changes, T1)


@pytest.mark.parametrize("sku", ["Basic", "Standard"])
@pytest.mark.parametrize(
    "policies",
    [
        RegistryPolicies(quarantine_enabled=True),
        RegistryPolicies(trust_enabled=True),
        RegistryPolicies(retention_enabled=True),
        RegistryPolicies(export_enabled=False),
    ],
)
def test_premium_policies_name_the_sku(sku: str, policies: RegistryPolicies) -> None:
    with pytest.raises(BadRequestError) as refused:
        check(registry(sku, policies=policies))
    assert refused.value.code == "FeatureNotSupportedForSku"
    assert f"'{sku}'" in refused.value.message
    check(registry("Premium", policies=policies, public_network_access=False))


def test_soft_delete_and_disabled_defaults_pass_on_basic() -> None:
    check(registry("Basic", policies=RegistryPolicies(soft_delete_enabled=True, retention_days=30)))


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"policies": RegistryPolicies(export_enabled=False)}, "public network access"),
        ({"policies": RegistryPolicies(retention_enabled=True, soft_delete_enabled=True)}, "both"),
        (
            {
                "policies": RegistryPolicies(trust_enabled=True),
                "permission_mode": "AbacRepositoryPermissions",
            },
            "AbacRepositoryPermissions",
        ),
    ],
)
def test_settings_that_exclude_each_other(changes: dict[str, object], words: str) -> None:
    with pytest.raises(BadRequestError) as refused:
        check(registry(**changes))
    assert words in refused.value.message
