"""The rest of the management API with the real Azure clients, each change checked where it matters.

Subscriptions, tenants, resource groups and `/resources` (azure-mgmt-resource), registries created and
deleted, name checks and usages, scope maps, tokens and their passwords (azure-mgmt-containerregistry:
a generated password pulls what its scope map allows and nothing else), custom roles
(azure-mgmt-authorization: a custom role assigned grants exactly its actions on the data plane), and
user-assigned identities (azure-mgmt-msi) attached to a registry.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.authorization.models import Permission, RoleAssignmentCreateParameters, RoleDefinition
from azure.mgmt.containerregistry.models import (
    GenerateCredentialsParameters,
    IdentityProperties,
    IPRule,
    NetworkRuleSet,
    Registry,
    RegistryNameCheckRequest,
    RegistryUpdateParameters,
    ScopeMap,
    ScopeMapUpdateParameters,
    Sku,
    Token,
    TokenUpdateParameters,
    UserIdentityProperties,
)
from azure.mgmt.msi import ManagedServiceIdentityClient
from azure.mgmt.resource import ResourceManagementClient, SubscriptionClient

from support.arm import Arm, running_arm
from support.client import push_image
from support.oci import make_image

ACCEPT = {"Accept": "application/vnd.oci.image.manifest.v1+json"}


@pytest.fixture(scope="module")
def arm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Arm]:
    with running_arm(tmp_path_factory.mktemp("arm")) as running:
        with running.http(auth=(running.record["clientId"], running.record["clientSecret"])) as owner:
            for repository in ("vendor/app", "other/app"):
                push_image(owner, repository, make_image(), "v1")
        yield running


def _subscriptions(arm: Arm, credential: object = None) -> SubscriptionClient:
    return SubscriptionClient(credential or arm.owner(), base_url=arm.server.url, connection_verify=arm.ca)  # type: ignore[arg-type]


def _resources(arm: Arm) -> ResourceManagementClient:
    return ResourceManagementClient(
        arm.owner(), arm.record["subscriptionId"], base_url=arm.server.url, connection_verify=arm.ca
    )


def _pull(arm: Arm, auth: tuple[str, str], repository: str) -> int:
    with arm.http(auth=auth) as http:
        return http.get(f"/v2/{repository}/manifests/v1", headers=ACCEPT).status_code


def test_cloud_metadata_subscriptions_tenants_and_resource_groups(arm: Arm) -> None:
    with arm.http() as anonymous:
        metadata = anonymous.get("/metadata/endpoints?api-version=2022-09-01")
    assert metadata.status_code == 200  # no token needed, as for ARM's own
    body = metadata.json()
    assert body["resourceManager"] == arm.server.url + "/"
    assert body["authentication"]["loginEndpoint"] == arm.server.url
    assert body["authentication"]["audiences"][0] == "https://management.core.windows.net/"

    subscription_id = arm.record["subscriptionId"]
    listed = list(_subscriptions(arm).subscriptions.list())
    assert [s.subscription_id for s in listed] == [subscription_id]
    assert listed[0].tenant_id == arm.record["tenantId"]
    assert listed[0].state == "Enabled"
    assert [t.tenant_id for t in _subscriptions(arm).tenants.list()] == [arm.record["tenantId"]]
    pipeline = arm.credential(arm.pipeline["appId"], arm.pipeline["secret"])
    assert list(_subscriptions(arm, pipeline).subscriptions.list()) == []  # no role anywhere: none listed

    client = _resources(arm)
    registries = list(
        client.resources.list(filter="resourceType eq 'Microsoft.ContainerRegistry/registries'")
    )
    assert [(r.name, r.type) for r in registries] == [
        (arm.record["registryName"], "Microsoft.ContainerRegistry/registries")
    ]
    created = client.resource_groups.create_or_update(
        "scratch", {"location": "local", "tags": {"env": "test"}}
    )
    assert (created.name, created.location, created.tags) == ("scratch", "local", {"env": "test"})
    assert client.resource_groups.check_existence("scratch") is True
    assert sorted(g.name for g in client.resource_groups.list()) == ["cerulean", "scratch"]
    with pytest.raises(HttpResponseError) as moved:
        client.resource_groups.create_or_update("scratch", {"location": "elsewhere"})
    assert moved.value.status_code == 409
    client.resource_groups.begin_delete("scratch").result()
    assert client.resource_groups.check_existence("scratch") is False
    with pytest.raises(ResourceNotFoundError):
        client.resource_groups.get("scratch")
    with pytest.raises(HttpResponseError) as served:  # the served registry lives in it
        client.resource_groups.begin_delete(arm.record["resourceGroup"]).result()
    assert served.value.status_code == 409
    assert client.resource_groups.check_existence(arm.record["resourceGroup"]) is True


def test_registry_create_name_check_usages_gates_and_delete(arm: Arm) -> None:  # noqa: PLR0915 - one story
    client = arm.registries()
    served = arm.record["registryName"]
    taken = client.registries.check_name_availability(RegistryNameCheckRequest(name=served))
    assert (taken.name_available, taken.reason) == (False, "AlreadyExists")
    invalid = client.registries.check_name_availability(RegistryNameCheckRequest(name="a-b"))
    assert (invalid.name_available, invalid.reason) == (False, "Invalid")
    assert client.registries.check_name_availability(
        RegistryNameCheckRequest(name="teamreg01")
    ).name_available

    _resources(arm).resource_groups.create_or_update("teams", {"location": "local"})
    registry = client.registries.begin_create(
        "teams", "teamreg01", Registry(location="local", sku=Sku(name="Standard"), admin_user_enabled=True)
    ).result()
    assert registry.provisioning_state == "Succeeded"
    assert registry.login_server.startswith("teamreg01.")
    assert registry.admin_user_enabled is True
    assert [p.name for p in client.registries.list_credentials("teams", "teamreg01").passwords] == [
        "password",
        "password2",
    ]
    with pytest.raises(HttpResponseError) as duplicate:  # names are unique across resource groups
        client.registries.begin_create(
            arm.record["resourceGroup"], "TEAMREG01", Registry(location="local", sku=Sku(name="Basic"))
        ).result()
    assert duplicate.value.status_code == 409
    with pytest.raises(HttpResponseError) as bad_name:
        client.registries.begin_create(
            "teams", "no", Registry(location="local", sku=Sku(name="Basic"))
        ).result()
    assert bad_name.value.status_code == 400

    usages = {u.name: u for u in client.registries.list_usages("teams", "teamreg01").value}
    assert (usages["Tokens"].limit, usages["Tokens"].current_value) == (500, 0)
    assert usages["IPRules"].limit == 0  # Standard has no IP rules
    served_size = {
        u.name: u for u in client.registries.list_usages(arm.record["resourceGroup"], served).value
    }
    assert served_size["Size"].current_value > 0  # the images pushed by the fixture
    assert served_size["Size"].unit == "Bytes"

    with pytest.raises(HttpResponseError) as gated:
        client.registries.begin_update(
            "teams",
            "teamreg01",
            RegistryUpdateParameters(network_rule_set=NetworkRuleSet(default_action="Deny")),
        ).result()
    assert gated.value.status_code == 400
    assert "Standard" in gated.value.message
    premium = client.registries.begin_update(
        "teams", "teamreg01",
        RegistryUpdateParameters(
            sku=Sku(name="Premium"), public_network_access="Disabled", network_rule_bypass_options="None",
            network_rule_set=NetworkRuleSet(
                default_action="Deny", ip_rules=[IPRule(ip_address_or_range="10.1.0.0/16")]
            ),
        ),
    ).result()  # fmt: skip
    assert premium.network_rule_set.default_action == "Deny"
    assert [r.ip_address_or_range for r in premium.network_rule_set.ip_rules] == ["10.1.0.0/16"]
    assert (premium.public_network_access, premium.network_rule_bypass_options) == ("Disabled", "None")
    with pytest.raises(HttpResponseError) as ipv6:
        client.registries.begin_update(
            "teams", "teamreg01",
            RegistryUpdateParameters(network_rule_set=NetworkRuleSet(default_action="Deny",
                                                                     ip_rules=[IPRule(ip_address_or_range="2001:db8::/32")])),
        ).result()  # fmt: skip
    assert ipv6.value.status_code == 400
    assert "IPv4" in ipv6.value.message
    with pytest.raises(HttpResponseError) as downgrade:  # Premium-only settings are still on
        client.registries.begin_update(
            "teams", "teamreg01", RegistryUpdateParameters(sku=Sku(name="Basic"))
        ).result()
    assert downgrade.value.status_code == 400

    # A role assigned on the registry goes with it.
    roles = arm.roles()
    reader = next(iter(roles.role_definitions.list(registry.id, filter="roleName eq 'Reader'")))
    roles.role_assignments.create(
        registry.id, str(uuid.uuid4()),
        RoleAssignmentCreateParameters(role_definition_id=reader.id,
                                       principal_id=arm.pipeline["servicePrincipalId"],
                                       principal_type="ServicePrincipal"),
    )  # fmt: skip
    client.registries.begin_delete("teams", "teamreg01").result()
    with pytest.raises(ResourceNotFoundError):
        client.registries.get("teams", "teamreg01")
    assert all(a.scope != registry.id for a in roles.role_assignments.list_for_subscription())
    assert client.registries.check_name_availability(
        RegistryNameCheckRequest(name="teamreg01")
    ).name_available
    with pytest.raises(HttpResponseError) as refused:
        client.registries.begin_delete(arm.record["resourceGroup"], served).result()
    assert refused.value.status_code == 409
    assert refused.value.error.code == "OperationNotAllowed"


def test_scope_map_and_token_passwords_reach_the_data_plane(arm: Arm) -> None:
    client = arm.registries()
    group, name = arm.record["resourceGroup"], arm.record["registryName"]
    system = {m.name: m for m in client.scope_maps.list(group, name)}
    assert {"_repositories_admin", "_repositories_pull", "_repositories_push"} <= set(system)
    assert system["_repositories_pull"].properties.type == "SystemDefined"
    with pytest.raises(HttpResponseError) as read_only:
        client.scope_maps.begin_create(group, name, "_repositories_pull", ScopeMap(actions=[])).result()
    assert read_only.value.status_code == 400

    scope_map = client.scope_maps.begin_create(
        group, name, "vendor-read",
        ScopeMap(description="partner", actions=["repositories/vendor/*/content/read"]),
    ).result()  # fmt: skip
    assert (scope_map.properties.type, scope_map.provisioning_state) == ("UserDefined", "Succeeded")
    with pytest.raises(HttpResponseError) as bad_action:
        client.scope_maps.begin_create(
            group, name, "broken-map", ScopeMap(actions=["repositories/x/content/fly"])
        ).result()
    assert bad_action.value.status_code == 400

    token = client.tokens.begin_create(
        group, name, "partner01", Token(scope_map_id=scope_map.id, status="enabled")
    ).result()
    assert token.scope_map_id == scope_map.id
    generated = client.registries.begin_generate_credentials(
        group, name, GenerateCredentialsParameters(token_id=token.id)
    ).result()
    assert generated.username == "partner01"
    assert [p.name for p in generated.passwords] == ["password1", "password2"]
    password = generated.passwords[0].value
    assert password
    assert _pull(arm, ("partner01", password), "vendor/app") == 200
    assert _pull(arm, ("partner01", password), "other/app") in {401, 403}  # outside its scope map
    assert _pull(arm, ("partner01", "wrong" + password), "vendor/app") == 401
    shown = client.tokens.get(group, name, "partner01")
    assert [p.name for p in shown.credentials.passwords] == ["password1", "password2"]
    assert all(p.value is None for p in shown.credentials.passwords)  # never shown again

    # Widening the scope map applies to the next token request; disabling the token stops it.
    client.scope_maps.begin_update(
        group, name, "vendor-read",
        ScopeMapUpdateParameters(
            actions=["repositories/vendor/*/content/read", "repositories/other/app/content/read"]
        ),
    ).result()  # fmt: skip
    assert _pull(arm, ("partner01", password), "other/app") == 200
    client.tokens.begin_update(group, name, "partner01", TokenUpdateParameters(status="disabled")).result()
    assert _pull(arm, ("partner01", password), "vendor/app") == 401
    with pytest.raises(HttpResponseError) as in_use:
        client.scope_maps.begin_delete(group, name, "vendor-read").result()
    assert in_use.value.status_code == 409
    client.tokens.begin_delete(group, name, "partner01").result()
    client.scope_maps.begin_delete(group, name, "vendor-read").result()
    assert "vendor-read" not in {m.name for m in client.scope_maps.list(group, name)}
    assert list(client.tokens.list(group, name)) == []


def test_custom_role_grants_exactly_its_actions(arm: Arm) -> None:
    roles = arm.roles()
    role_id = str(uuid.uuid4())
    definition = roles.role_definitions.create_or_update(
        arm.registry_id, role_id,
        RoleDefinition(
            role_name="Registry Puller", description="pull only", role_type="CustomRole",
            permissions=[Permission(actions=["Microsoft.ContainerRegistry/registries/pull/read"])],
            assignable_scopes=[arm.registry_id],
        ),
    )  # fmt: skip
    assert (definition.role_name, definition.role_type) == ("Registry Puller", "CustomRole")
    custom = list(roles.role_definitions.list(arm.registry_id, filter="type eq 'CustomRole'"))
    assert [r.role_name for r in custom] == ["Registry Puller"]
    with pytest.raises(HttpResponseError) as same_name:
        roles.role_definitions.create_or_update(
            arm.registry_id, str(uuid.uuid4()),
            RoleDefinition(role_name="Registry Puller", permissions=[Permission(actions=[])],
                           assignable_scopes=[arm.registry_id]),
        )  # fmt: skip
    assert same_name.value.status_code == 409
    pipeline = arm.credential(arm.pipeline["appId"], arm.pipeline["secret"])
    with pytest.raises(HttpResponseError) as not_owner:
        arm.roles(pipeline).role_definitions.create_or_update(
            arm.registry_id, str(uuid.uuid4()),
            RoleDefinition(role_name="Mine", permissions=[Permission(actions=["*"])],
                           assignable_scopes=[arm.registry_id]),
        )  # fmt: skip
    assert not_owner.value.status_code == 403

    auth = (arm.pipeline["appId"], arm.pipeline["secret"])
    assert _pull(arm, auth, "vendor/app") in {401, 403}
    assignment = str(uuid.uuid4())
    roles.role_assignments.create(
        arm.registry_id, assignment,
        RoleAssignmentCreateParameters(role_definition_id=definition.id,
                                       principal_id=arm.pipeline["servicePrincipalId"],
                                       principal_type="ServicePrincipal"),
    )  # fmt: skip
    assert _pull(arm, auth, "vendor/app") == 200
    with arm.http(auth=auth) as http:  # pull only: a push is refused
        refused = http.post("/v2/vendor/app/blobs/uploads/")
    assert refused.status_code in {401, 403}
    with pytest.raises(HttpResponseError) as in_use:
        roles.role_definitions.delete(arm.registry_id, role_id)
    assert in_use.value.status_code == 409

    with arm.http(headers={"Authorization": f"Bearer {arm.arm_token()}"}) as http:
        explained = http.post(
            f"{arm.registry_id}/explainAccess?api-version=2025-11-01",
            json={
                "principalId": arm.pipeline["servicePrincipalId"],
                "action": "pull",
                "repository": "vendor/app",
            },
        )
    assert explained.status_code == 200
    assert explained.json()["allowed"] is True
    assert "Registry Puller" in explained.json()["text"]

    roles.role_assignments.delete(arm.registry_id, assignment)
    roles.role_definitions.delete(arm.registry_id, role_id)
    assert _pull(arm, auth, "vendor/app") in {401, 403}
    assert list(roles.role_definitions.list(arm.registry_id, filter="type eq 'CustomRole'")) == []


def test_user_assigned_identity_attached_to_a_registry(arm: Arm) -> None:
    msi = ManagedServiceIdentityClient(
        arm.owner(), arm.record["subscriptionId"], base_url=arm.server.url, connection_verify=arm.ca
    )
    group = arm.record["resourceGroup"]
    identity = msi.user_assigned_identities.create_or_update(group, "builder", {"location": "local"})
    assert identity.principal_id
    assert identity.client_id
    assert identity.tenant_id == arm.record["tenantId"]
    assert [i.name for i in msi.user_assigned_identities.list_by_resource_group(group)] == ["builder"]
    assert msi.user_assigned_identities.get(group, "builder").principal_id == identity.principal_id

    client = arm.registries()
    attached = client.registries.begin_update(
        group, arm.record["registryName"],
        RegistryUpdateParameters(identity=IdentityProperties(
            type="SystemAssigned, UserAssigned",
            user_assigned_identities={identity.id: UserIdentityProperties()},
        )),
    ).result()  # fmt: skip
    assert attached.identity.principal_id  # the system-assigned identity was created
    assert attached.identity.user_assigned_identities[identity.id].client_id == identity.client_id
    with pytest.raises(HttpResponseError) as unknown:
        client.registries.begin_update(
            group, arm.record["registryName"],
            RegistryUpdateParameters(identity=IdentityProperties(
                type="UserAssigned", user_assigned_identities={identity.id + "x": UserIdentityProperties()},
            )),
        ).result()  # fmt: skip
    assert unknown.value.status_code == 400
    detached = client.registries.begin_update(
        group, arm.record["registryName"], RegistryUpdateParameters(identity=IdentityProperties(type="None"))
    ).result()
    assert detached.identity is None
    msi.user_assigned_identities.delete(group, "builder")
    with pytest.raises(ResourceNotFoundError):
        msi.user_assigned_identities.get(group, "builder")
