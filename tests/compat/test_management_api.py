"""The management API with the real azure-mgmt-containerregistry and azure-mgmt-authorization clients.

Each change made through ARM is checked where it matters: on the data plane (admin passwords that were
listed log in; a condition that was assigned restricts pulls; a mode switch changes what a role does).
Refusals are checked with the caller's own token: no role → 403 AuthorizationFailed naming the action
and scope; a condition that does not parse → 400 with its position; bad types → 400 naming the field.
"""

from __future__ import annotations

import ssl
import uuid
from collections.abc import Iterator

import httpx
import pytest
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.mgmt.authorization.models import RoleAssignmentCreateParameters
from azure.mgmt.containerregistry.models import RegenerateCredentialParameters, RegistryUpdateParameters

from support.arm import Arm, running_arm
from support.client import push_image
from support.oci import make_image

REPOSITORY_READER = "Container Registry Repository Reader"


@pytest.fixture(scope="module")
def arm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Arm]:
    with running_arm(tmp_path_factory.mktemp("arm")) as running:
        yield running


def _registry(arm: Arm) -> tuple[str, str]:
    return arm.record["resourceGroup"], arm.record["registryName"]


def test_registry_get_and_admin_user_round_trip_to_the_data_plane(arm: Arm) -> None:
    client = arm.registries()
    group, name = _registry(arm)
    registry = client.registries.get(group, name)
    assert registry.id == arm.registry_id
    assert registry.login_server == arm.server.host
    assert registry.admin_user_enabled is False
    assert registry.provisioning_state == "Succeeded"
    assert registry.role_assignment_mode == "LegacyRegistryPermissions"
    assert [r.name for r in client.registries.list_by_resource_group(group)] == [name]
    assert [r.name for r in client.registries.list()] == [name]

    with pytest.raises(HttpResponseError) as refused:  # admin off: no credentials to list
        client.registries.list_credentials(group, name)
    assert refused.value.status_code == 400

    updated = client.registries.begin_update(
        group, name, RegistryUpdateParameters(admin_user_enabled=True)
    ).result()
    assert updated.admin_user_enabled is True
    credentials = client.registries.list_credentials(group, name)
    assert credentials.username == name
    assert [p.name for p in credentials.passwords] == ["password", "password2"]
    first, second = (p.value for p in credentials.passwords)
    with arm.http(auth=(name, first)) as http:
        assert http.get("/v2/").status_code == 200  # what ARM listed logs in

    regenerated = client.registries.regenerate_credential(
        group, name, RegenerateCredentialParameters(name="password")
    )
    new_first = regenerated.passwords[0].value
    assert new_first != first
    assert regenerated.passwords[1].value == second
    with arm.http(auth=(name, first)) as http:
        assert http.get("/v2/").status_code == 401  # the replaced password is refused
    with arm.http(auth=(name, new_first)) as http:
        assert http.get("/v2/").status_code == 200

    client.registries.begin_update(group, name, RegistryUpdateParameters(admin_user_enabled=False)).result()
    with arm.http(auth=(name, new_first)) as http:
        assert http.get("/v2/").status_code == 401  # admin switched off through ARM


def test_sku_gates_and_bad_input_are_arm_errors(arm: Arm) -> None:
    client = arm.registries()
    group, name = _registry(arm)
    with arm.http(headers={"Authorization": f"Bearer {arm.arm_token()}"}) as http:
        url = f"{arm.registry_id}?api-version=2025-11-01"
        wrong_type = http.patch(url, json={"properties": {"adminUserEnabled": "yes"}})
        assert wrong_type.status_code == 400
        assert wrong_type.json()["error"]["code"] == "InvalidRequestContent"
        assert "adminUserEnabled" in wrong_type.json()["error"]["target"]
        unknown = http.patch(url, json={"properties": {"somethingNew": 1}, "extra": True})
        assert unknown.status_code == 200  # unknown properties are ignored, as ARM does
        basic_anonymous = http.patch(
            url, json={"sku": {"name": "Basic"}, "properties": {"anonymousPullEnabled": True}}
        )
        assert basic_anonymous.status_code == 400
        assert "Basic" in basic_anonymous.json()["error"]["message"]
        missing = http.get(url.replace(f"/registries/{name}", "/registries/nosuchregistry"))
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "ResourceNotFound"
        no_token = httpx.get(arm.server.url + url, verify=ssl.create_default_context(cafile=arm.ca))
        assert no_token.status_code == 401
        assert no_token.json()["error"]["code"] == "AuthenticationFailed"
        assert no_token.headers["WWW-Authenticate"].startswith('Bearer authorization_uri="')
        forged = httpx.get(
            arm.server.url + url,
            headers={"Authorization": "Bearer " + arm.arm_token()[:-4] + "AAAA"},
            verify=ssl.create_default_context(cafile=arm.ca),
        )
        assert forged.status_code == 401
        assert forged.json()["error"]["code"] == "InvalidAuthenticationToken"
        registry_audience = arm.owner().get_token("https://containerregistry.azure.net/.default").token
        wrong_audience = httpx.get(
            arm.server.url + url,
            headers={"Authorization": f"Bearer {registry_audience}"},
            verify=ssl.create_default_context(cafile=arm.ca),
        )
        assert wrong_audience.status_code == 401  # a token for the registry is not one for ARM
        assert wrong_audience.json()["error"]["code"] == "InvalidAuthenticationToken"
    assert client.registries.get(group, name).sku.name == "Premium"  # the refused PATCH changed nothing


def test_role_assignment_with_condition_restricts_pulls_and_needs_rights(arm: Arm) -> None:
    roles = arm.roles()
    reader = next(
        iter(roles.role_definitions.list(arm.registry_id, filter=f"roleName eq '{REPOSITORY_READER}'"))
    )
    assert reader.role_name == REPOSITORY_READER
    assert reader.role_type == "BuiltInRole"
    pipeline = arm.credential(arm.pipeline["appId"], arm.pipeline["secret"])

    # The pipeline holds no role: it can neither read the registry nor assign roles.
    with pytest.raises(HttpResponseError) as refused:
        arm.registries(pipeline).registries.get(*_registry(arm))
    assert refused.value.status_code == 403
    assert refused.value.error.code == "AuthorizationFailed"
    assert "Microsoft.ContainerRegistry/registries/read" in refused.value.message
    assert arm.registry_id in refused.value.message
    with pytest.raises(HttpResponseError) as cannot_assign:
        arm.roles(pipeline).role_assignments.create(
            arm.registry_id, str(uuid.uuid4()),
            RoleAssignmentCreateParameters(
                role_definition_id=reader.id, principal_id=arm.pipeline["servicePrincipalId"]
            ),
        )  # fmt: skip
    assert cannot_assign.value.status_code == 403
    assert "Microsoft.Authorization/roleAssignments/write" in cannot_assign.value.message

    # A condition that does not parse is refused with its position.
    with pytest.raises(HttpResponseError) as bad_condition:
        roles.role_assignments.create(
            arm.registry_id, str(uuid.uuid4()),
            RoleAssignmentCreateParameters(
                role_definition_id=reader.id, principal_id=arm.pipeline["servicePrincipalId"],
                principal_type="ServicePrincipal", condition="((!(ActionMatches{'x'})) OR",
                condition_version="2.0",
            ),
        )  # fmt: skip
    assert bad_condition.value.status_code == 400
    assert bad_condition.value.error.code == "InvalidCondition"
    assert "column" in bad_condition.value.message

    # Content to pull, pushed by the owner while the registry is in RBAC Registry mode (Owner may push there).
    with arm.http(auth=(arm.record["clientId"], arm.record["clientSecret"])) as owner_http:
        push_image(owner_http, "team1/app", make_image(), "v1")
        push_image(owner_http, "team2/app", make_image(), "v1")

    # ABAC mode, then Repository Reader on team1/ only.
    arm.registries().registries.begin_update(
        *_registry(arm), RegistryUpdateParameters(role_assignment_mode="AbacRepositoryPermissions")
    ).result()
    condition = (
        "((!(ActionMatches{'Microsoft.ContainerRegistry/registries/repositories/content/read'}))"
        " OR (@Request[Microsoft.ContainerRegistry/registries/repositories:name]"
        " StringStartsWithIgnoreCase 'team1/'))"
    )
    name = str(uuid.uuid4())
    try:
        created = roles.role_assignments.create(
            arm.registry_id, name,
            RoleAssignmentCreateParameters(
                role_definition_id=reader.id, principal_id=arm.pipeline["servicePrincipalId"],
                principal_type="ServicePrincipal", condition=condition, condition_version="2.0",
            ),
        )  # fmt: skip
        assert created.name == name
        assert created.scope == arm.registry_id
        assert created.condition == condition
        listed = roles.role_assignments.list_for_scope(
            arm.registry_id, filter=f"principalId eq '{arm.pipeline['servicePrincipalId']}'"
        )
        assert [a.name for a in listed] == [name]
        accept = {"Accept": "application/vnd.oci.image.manifest.v1+json"}
        with arm.http(auth=(arm.pipeline["appId"], arm.pipeline["secret"])) as http:
            assert http.get("/v2/team1/app/manifests/v1", headers=accept).status_code == 200
            assert http.get("/v2/team2/app/manifests/v1", headers=accept).status_code in {401, 403}
        with arm.http(auth=(arm.record["clientId"], arm.record["clientSecret"])) as owner_http:
            # Owner's actions do not reach repository content in ABAC mode.
            assert owner_http.get("/v2/team1/app/manifests/v1", headers=accept).status_code in {401, 403}
    finally:
        roles.role_assignments.delete(arm.registry_id, name)
        arm.registries().registries.begin_update(
            *_registry(arm), RegistryUpdateParameters(role_assignment_mode="LegacyRegistryPermissions")
        ).result()
    remaining = roles.role_assignments.list_for_scope(arm.registry_id, filter="atScope()")
    assert name not in [a.name for a in remaining]
    with arm.http(auth=(arm.pipeline["appId"], arm.pipeline["secret"])) as http:
        assert http.get("/v2/team1/app/manifests/v1").status_code in {401, 403}  # the deletion took effect


def test_unauthenticated_sdk_call_is_a_client_authentication_error(arm: Arm) -> None:
    wrong = arm.credential(arm.pipeline["appId"], "not-the-secret")
    with pytest.raises(ClientAuthenticationError):
        arm.registries(wrong).registries.get(*_registry(arm))
