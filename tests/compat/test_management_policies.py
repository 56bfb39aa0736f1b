"""A registry's `properties.policies` through azure-mgmt-containerregistry 15, and raw ARM for the rest.

Each policy is set with `begin_update` and read back with `get`; a PATCH that names one policy keeps the
others and the policy's unnamed fields. Premium-only policies are refused on Basic and Standard with
an error naming the SKU, and a downgrade is refused while one is on. Bad values are 400s naming the
field. softDeletePolicy (preview; not in the SDK's 2025-11-01 models) goes through plain HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from azure.core.exceptions import HttpResponseError
from azure.mgmt.containerregistry import ContainerRegistryManagementClient
from azure.mgmt.containerregistry.models import (
    ExportPolicy,
    Policies,
    QuarantinePolicy,
    Registry,
    RegistryUpdateParameters,
    RetentionPolicy,
    Sku,
    TrustPolicy,
)
from azure.mgmt.resource import ResourceManagementClient

from support.arm import Arm, running_arm

GROUP = "policies"
API = "?api-version=2025-11-01"


@pytest.fixture(scope="module")
def arm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Arm]:
    with running_arm(tmp_path_factory.mktemp("policies")) as running:
        ResourceManagementClient(
            running.owner(), running.record["subscriptionId"], base_url=running.server.url,
            connection_verify=running.ca,
        ).resource_groups.create_or_update(GROUP, {"location": "local"})  # fmt: skip
        yield running


@pytest.fixture(scope="module")
def client(arm: Arm) -> ContainerRegistryManagementClient:
    return arm.registries()


def _create(client: ContainerRegistryManagementClient, name: str, sku: str) -> Registry:
    return client.registries.begin_create(GROUP, name, Registry(location="local", sku=Sku(name=sku))).result()


def _update(client: ContainerRegistryManagementClient, name: str, **changes: Any) -> Registry:
    return client.registries.begin_update(GROUP, name, RegistryUpdateParameters(**changes)).result()


def _refused(client: ContainerRegistryManagementClient, name: str, **changes: Any) -> HttpResponseError:
    with pytest.raises(HttpResponseError) as refused:
        _update(client, name, **changes)
    assert refused.value.status_code == 400
    return refused.value


def _patch(arm: Arm, name: str, properties: dict[str, Any]) -> Any:
    path = f"/subscriptions/{arm.record['subscriptionId']}/resourceGroups/{GROUP}"
    path += f"/providers/Microsoft.ContainerRegistry/registries/{name}{API}"
    with arm.http(headers={"Authorization": f"Bearer {arm.arm_token()}"}) as http:
        return http.patch(path, json={"properties": properties})


def test_defaults_are_acrs(client: ContainerRegistryManagementClient) -> None:
    created = _create(client, "polbasic01", "Basic")
    p = created.policies
    assert (p.quarantine_policy.status, p.trust_policy.type, p.trust_policy.status) == (
        "disabled",
        "Notary",
        "disabled",
    )
    assert (p.retention_policy.days, p.retention_policy.status) == (7, "disabled")
    assert p.retention_policy.last_updated_time == created.creation_date  # unchanged since creation
    assert p.export_policy.status == "enabled"
    assert p.azure_ad_authentication_as_arm_policy.status == "enabled"


def test_each_policy_is_set_and_read_back(client: ContainerRegistryManagementClient) -> None:
    created = _create(client, "polprem01", "Premium")
    _update(client, "polprem01", policies=Policies(quarantine_policy=QuarantinePolicy(status="enabled")))
    _update(client, "polprem01", policies=Policies(trust_policy=TrustPolicy(type="Notary", status="enabled")))
    retained = _update(
        client, "polprem01", policies=Policies(retention_policy=RetentionPolicy(days=30, status="enabled"))
    )
    assert retained.policies.retention_policy.last_updated_time > created.creation_date
    _update(
        client, "polprem01", public_network_access="Disabled",
        policies=Policies(export_policy=ExportPolicy(status="disabled")),
    )  # fmt: skip

    p = client.registries.get(GROUP, "polprem01").policies
    assert p.quarantine_policy.status == "enabled"
    assert (p.trust_policy.type, p.trust_policy.status) == ("Notary", "enabled")
    assert (p.retention_policy.days, p.retention_policy.status) == (30, "enabled")
    assert p.export_policy.status == "disabled"
    assert p.azure_ad_authentication_as_arm_policy.status == "enabled"

    # One field of one policy: the policy's other field and every other policy stay as they were.
    stamped = p.retention_policy.last_updated_time
    p = _update(client, "polprem01", policies=Policies(retention_policy=RetentionPolicy(days=0))).policies
    assert (p.retention_policy.days, p.retention_policy.status) == (0, "enabled")
    assert p.retention_policy.last_updated_time > stamped
    assert (p.quarantine_policy.status, p.trust_policy.status, p.export_policy.status) == (
        "enabled",
        "enabled",
        "disabled",
    )
    # Sending back what GET returned (as `az acr update` does) changes nothing, lastUpdatedTime included.
    again = _update(client, "polprem01", policies=p).policies
    assert again.retention_policy.last_updated_time == p.retention_policy.last_updated_time


def test_premium_policies_are_refused_on_basic_and_standard(
    arm: Arm, client: ContainerRegistryManagementClient
) -> None:
    _create(client, "polstd01", "Standard")
    _create(client, "polbasic02", "Basic")  # its own: the tests may run in any order, or apart
    for policies in (
        Policies(quarantine_policy=QuarantinePolicy(status="enabled")),
        Policies(trust_policy=TrustPolicy(status="enabled")),
        Policies(retention_policy=RetentionPolicy(days=30, status="enabled")),
        Policies(export_policy=ExportPolicy(status="disabled")),
    ):
        refused = _refused(client, "polstd01", policies=policies)
        assert refused.error.code == "FeatureNotSupportedForSku"
        assert "'Standard'" in refused.error.message
        assert refused.error.target.startswith("properties.policies.")
    refused = _refused(client, "polbasic02", policies=Policies(trust_policy=TrustPolicy(status="enabled")))
    assert "'Basic'" in refused.error.message

    # Disabled policies and the defaults as GET shows them are fine on any SKU; soft delete is on every SKU.
    shown = client.registries.get(GROUP, "polstd01").policies
    kept = _update(client, "polstd01", policies=shown, admin_user_enabled=True)
    assert kept.admin_user_enabled is True
    days = _update(client, "polstd01", policies=Policies(retention_policy=RetentionPolicy(days=14)))
    assert (days.policies.retention_policy.days, days.policies.retention_policy.status) == (14, "disabled")
    response = _patch(
        arm, "polbasic02", {"policies": {"softDeletePolicy": {"retentionDays": 90, "status": "enabled"}}}
    )
    assert response.status_code == 200, response.text
    soft_delete = response.json()["properties"]["policies"]["softDeletePolicy"]
    assert (soft_delete["retentionDays"], soft_delete["status"]) == (90, "enabled")
    assert (
        _patch(arm, "polbasic02", {}).json()["properties"]["policies"]["softDeletePolicy"]["status"]
        == "enabled"
    )


def test_a_downgrade_is_refused_while_a_premium_policy_is_on(
    client: ContainerRegistryManagementClient,
) -> None:
    _create(client, "poldown01", "Premium")
    _update(client, "poldown01", policies=Policies(quarantine_policy=QuarantinePolicy(status="enabled")))
    refused = _refused(client, "poldown01", sku=Sku(name="Standard"))
    assert refused.error.code == "FeatureNotSupportedForSku"
    assert "'Standard'" in refused.error.message
    assert client.registries.get(GROUP, "poldown01").sku.name == "Premium"
    downgraded = _update(
        client, "poldown01", sku=Sku(name="Standard"),
        policies=Policies(quarantine_policy=QuarantinePolicy(status="disabled")),
    )  # fmt: skip
    assert downgraded.sku.name == "Standard"


def test_bad_values_are_400s_naming_the_field(arm: Arm, client: ContainerRegistryManagementClient) -> None:
    _create(client, "polbad01", "Premium")
    cases: list[tuple[dict[str, Any], str]] = [
        ({"retentionPolicy": {"days": "thirty"}}, "days"),
        ({"retentionPolicy": {"days": 366}}, "properties.policies.retentionPolicy.days"),
        ({"retentionPolicy": {"days": -1}}, "properties.policies.retentionPolicy.days"),
        ({"softDeletePolicy": {"retentionDays": 0}}, "properties.policies.softDeletePolicy.retentionDays"),
        ({"softDeletePolicy": {"retentionDays": 91}}, "properties.policies.softDeletePolicy.retentionDays"),
        ({"quarantinePolicy": {"status": "on"}}, "properties.policies.quarantinePolicy.status"),
        ({"quarantinePolicy": {"status": True}}, "status"),
        ({"trustPolicy": {"type": "Cosign", "status": "enabled"}}, "properties.policies.trustPolicy.type"),
        ({"exportPolicy": "disabled"}, "exportPolicy"),
        (
            {"exportPolicy": {"status": "disabled"}},
            "properties.policies.exportPolicy.status",
        ),  # public access on
        (
            {"retentionPolicy": {"status": "enabled"}, "softDeletePolicy": {"status": "enabled"}},
            "properties.policies.softDeletePolicy.status",
        ),
    ]
    for policies, target in cases:
        response = _patch(arm, "polbad01", {"policies": policies})
        assert response.status_code == 400, (policies, response.text)
        error = response.json()["error"]
        assert target in f"{error.get('target')} {error['message']}", (policies, error)
    p = client.registries.get(GROUP, "polbad01").policies  # nothing of the refused requests was kept
    assert (p.retention_policy.status, p.export_policy.status, p.trust_policy.status) == (
        "disabled",
        "enabled",
        "disabled",
    )

    refused = _refused(client, "polbad01", policies=Policies(retention_policy=RetentionPolicy(days=400)))
    assert refused.error.target == "properties.policies.retentionPolicy.days"
    _update(client, "polbad01", role_assignment_mode="AbacRepositoryPermissions")
    refused = _refused(client, "polbad01", policies=Policies(trust_policy=TrustPolicy(status="enabled")))
    assert "AbacRepositoryPermissions" in refused.error.message
