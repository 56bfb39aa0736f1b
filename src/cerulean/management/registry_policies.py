"""A registry's `properties.policies`: changes merged per policy, checked as ACR checks them.

Ranges and rules, from ACR's documentation where the API spec says nothing:
* retention keeps untagged manifests 0 to 365 days (default 7); soft delete keeps deleted artifacts
  1 to 90 days (default 7); ACR refuses both enabled at once.
* content trust's only type is Notary, and it is not offered on ABAC registries.
* exports can only be disabled while public network access is disabled (the two may change together).
* SKU gates: quarantine, content trust, retention and disabled exports need Premium, so a downgrade is
  refused while any is on; soft delete is offered on every SKU.
A policy's `lastUpdatedTime` moves when its status or days change.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.access import Sku
from cerulean.access.modes import PermissionMode
from cerulean.management.errors import BadRequestError
from cerulean.management.gate import same

if TYPE_CHECKING:
    import datetime as dt

    from cerulean.arm.models import RegistryPolicies, RegistryResource

__all__ = ["RETENTION_DAYS", "SOFT_DELETE_DAYS", "PolicyChanges", "apply", "check"]

RETENTION_DAYS: Final = range(366)
SOFT_DELETE_DAYS: Final = range(1, 91)
_POLICIES: Final = "properties.policies"


@dataclass(frozen=True, slots=True)
class PolicyChanges:
    """The policy fields a PUT or PATCH carried (None: not given, left as it is)."""

    quarantine_enabled: bool | None = None
    trust_enabled: bool | None = None
    trust_type: str | None = None
    retention_enabled: bool | None = None
    retention_days: int | None = None
    export_enabled: bool | None = None
    soft_delete_enabled: bool | None = None
    soft_delete_days: int | None = None


def apply(current: RegistryPolicies, changes: PolicyChanges, now: dt.datetime) -> RegistryPolicies:
    """`current` with `changes` merged in, each value checked; SKU and cross-setting rules are `check`'s."""
    if changes.trust_type is not None and not same(changes.trust_type, "Notary"):
        raise BadRequestError(
            f"The trust policy type '{changes.trust_type[:20]}' is invalid; the only type is 'Notary'.",
            target=f"{_POLICIES}.trustPolicy.type",
        )
    _in_range(changes.retention_days, RETENTION_DAYS, "retentionPolicy.days")
    _in_range(changes.soft_delete_days, SOFT_DELETE_DAYS, "softDeletePolicy.retentionDays")
    given = {
        f.name: value
        for f in dataclasses.fields(changes)
        if f.name != "trust_type" and (value := getattr(changes, f.name)) is not None
    }
    merged = dataclasses.replace(current, **given)
    stamps: dict[str, dt.datetime] = {}
    if (merged.retention_enabled, merged.retention_days) != (
        current.retention_enabled,
        current.retention_days,
    ):
        stamps["retention_updated_at"] = now
    if (merged.soft_delete_enabled, merged.soft_delete_days) != (
        current.soft_delete_enabled,
        current.soft_delete_days,
    ):
        stamps["soft_delete_updated_at"] = now
    return dataclasses.replace(merged, **stamps)  # type: ignore[arg-type]


def check(registry: RegistryResource) -> None:
    """Refuse policies the registry's SKU or its other settings do not allow (the SKU is named)."""
    policies = registry.policies
    tier = Sku(registry.sku)
    if tier is not Sku.PREMIUM:
        premium_only = [
            (policies.quarantine_enabled, "Quarantine is", "quarantinePolicy"),
            (policies.trust_enabled, "Content trust is", "trustPolicy"),
            (policies.retention_enabled, "The retention policy is", "retentionPolicy"),
            (not policies.export_enabled, "Disabling exports is", "exportPolicy"),
        ]
        for used, feature, policy in premium_only:
            if used:
                raise BadRequestError(
                    f"{feature} not supported for the SKU '{tier}'. Use the Premium SKU.",
                    code="FeatureNotSupportedForSku",
                    target=f"{_POLICIES}.{policy}",
                )
    if not policies.export_enabled and registry.public_network_access:
        raise BadRequestError(
            "Exports can only be disabled when public network access is disabled; "
            "set 'publicNetworkAccess' to 'Disabled' in the same request or before.",
            target=f"{_POLICIES}.exportPolicy.status",
        )
    if policies.retention_enabled and policies.soft_delete_enabled:
        raise BadRequestError(
            "The retention policy and the soft delete policy cannot both be enabled.",
            target=f"{_POLICIES}.softDeletePolicy.status",
        )
    if policies.trust_enabled and registry.permission_mode == PermissionMode.ABAC.value:
        raise BadRequestError(
            "Content trust is not supported on registries with the role assignment mode "
            "'AbacRepositoryPermissions'.",
            target=f"{_POLICIES}.trustPolicy.status",
        )


def _in_range(value: int | None, allowed: range, field: str) -> None:
    if value is not None and value not in allowed:
        raise BadRequestError(
            f"The value {value} is out of range for '{field}'; "
            f"expected {allowed.start} to {allowed.stop - 1} days.",
            target=f"{_POLICIES}.{field}",
        )
