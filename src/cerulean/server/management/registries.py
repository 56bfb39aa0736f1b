"""`Microsoft.ContainerRegistry/registries`, their scope maps and tokens, and their actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from cerulean.management import BadRequestError, ResourceManager
from cerulean.management.registries import IdentityChange, RegistryChanges
from cerulean.management.registry_policies import PolicyChanges
from cerulean.management.tokens import TokenChanges
from cerulean.server.management.bodies import (
    ExplainAccessBody,
    GenerateCredentialsBody,
    NameAvailabilityBody,
    RegenerateCredentialBody,
    RegistryBody,
    RegistryProperties,
    ScopeMapBody,
    TokenBody,
)
from cerulean.server.management.deps import Authenticated, Manager
from cerulean.server.management.private_endpoints import connection_json
from cerulean.server.management.shapes import (
    generated_credentials_json,
    registry_json,
    scope_map_json,
    token_json,
    usage_json,
)

if TYPE_CHECKING:
    from cerulean.arm.models import RegistryResource

__all__ = ["render_registry", "router"]

_GROUP: Final = "/subscriptions/{subscription}/resourceGroups/{group}"
_PROVIDER: Final = "/providers/Microsoft.ContainerRegistry"
_REGISTRY: Final = _GROUP + _PROVIDER + "/registries/{name}"

router = APIRouter()


async def render_registry(manager: ResourceManager, registry: RegistryResource) -> dict[str, Any]:
    """A registry's JSON, with its identities' ids filled in."""
    attached = {}
    for resource_id in registry.user_assigned_identities:
        identity = await manager.identities.user_assigned(resource_id)
        if identity is not None:
            attached[resource_id] = identity
    tenant = ""
    if registry.system_identity_id:
        system = await manager.identities.managed(registry.system_identity_id)
        tenant = system.tenant_id if system else ""
    body = registry_json(registry, tenant, attached)
    body["properties"]["privateEndpointConnections"] = [
        connection_json(registry, c) for c in await manager.private_endpoints.of_registry(registry)
    ]
    return body


def _status(value: str | None, target: str) -> bool | None:
    if value is None:
        return None
    if value.lower() not in {"enabled", "disabled"}:
        raise BadRequestError(f"The value '{value[:20]}' must be 'Enabled' or 'Disabled'.", target=target)
    return value.lower() == "enabled"


def _bypass(value: str | None) -> bool | None:
    if value is None:
        return None
    if value.lower() not in {"azureservices", "none"}:
        raise BadRequestError(
            f"The value '{value[:20]}' must be 'AzureServices' or 'None'.",
            target="properties.networkRuleBypassOptions",
        )
    return value.lower() == "azureservices"


def _identity(body: RegistryBody) -> IdentityChange | None:
    if body.identity is None:
        return None
    kinds = {k.strip().lower() for k in body.identity.type.split(",")}
    if not kinds <= {"systemassigned", "userassigned", "none"} or ("none" in kinds and len(kinds) > 1):
        raise BadRequestError(
            f"The identity type '{body.identity.type[:60]}' is invalid; expected SystemAssigned, "
            "UserAssigned, 'SystemAssigned, UserAssigned' or None.",
            target="identity.type",
        )
    user = tuple(body.identity.user_assigned_identities or {}) if "userassigned" in kinds else ()
    if "userassigned" in kinds and not user:
        raise BadRequestError(
            "The identity type UserAssigned needs 'userAssignedIdentities'.",
            target="identity.userAssignedIdentities",
        )
    return IdentityChange(system_assigned="systemassigned" in kinds, user_assigned=user)


def _policies(props: RegistryProperties) -> PolicyChanges | None:
    """`properties.policies` merged per policy, as ARM's PATCH does (a policy not given is kept)."""
    given = props.policies
    if given is None:
        return None
    target = "properties.policies"
    quarantine, trust, retention = given.quarantine_policy, given.trust_policy, given.retention_policy
    export, soft_delete = given.export_policy, given.soft_delete_policy
    return PolicyChanges(
        quarantine_enabled=_status(
            quarantine.status if quarantine else None, f"{target}.quarantinePolicy.status"
        ),
        trust_enabled=_status(trust.status if trust else None, f"{target}.trustPolicy.status"),
        trust_type=trust.type if trust else None,
        retention_enabled=_status(
            retention.status if retention else None, f"{target}.retentionPolicy.status"
        ),
        retention_days=retention.days if retention else None,
        export_enabled=_status(export.status if export else None, f"{target}.exportPolicy.status"),
        soft_delete_enabled=_status(
            soft_delete.status if soft_delete else None, f"{target}.softDeletePolicy.status"
        ),
        soft_delete_days=soft_delete.retention_days if soft_delete else None,
    )


def _changes(body: RegistryBody) -> RegistryChanges:
    props = body.properties or RegistryProperties()
    arm_policy = props.policies.azure_ad_authentication_as_arm_policy if props.policies else None
    rules = props.network_rule_set
    for rule in (rules.ip_rules or []) if rules else []:
        if rule.action is not None and rule.action.lower() != "allow":
            raise BadRequestError(
                f"The IP rule action '{rule.action[:20]}' is invalid; the only action is 'Allow'.",
                target="properties.networkRuleSet.ipRules.action",
            )
    return RegistryChanges(
        location=body.location,
        tags=tuple(body.tags.items()) if body.tags is not None else None,
        sku=body.sku.name if body.sku else None,
        admin_user_enabled=props.admin_user_enabled,
        anonymous_pull_enabled=props.anonymous_pull_enabled,
        role_assignment_mode=props.role_assignment_mode,
        arm_audience_enabled=_status(
            arm_policy.status if arm_policy else None,
            "properties.policies.azureADAuthenticationAsArmPolicy.status",
        ),
        public_network_access=_status(props.public_network_access, "properties.publicNetworkAccess"),
        network_default_action=rules.default_action if rules else None,
        ip_rules=tuple(r.value for r in rules.ip_rules) if rules and rules.ip_rules is not None else None,
        bypass_azure_services=_bypass(props.network_rule_bypass_options),
        bypass_for_tasks=props.network_rule_bypass_allowed_for_tasks,
        data_endpoint_enabled=props.data_endpoint_enabled,
        identity=_identity(body),
        policies=_policies(props),
    )


# -- registries -----------------------------------------------------------------------------------------


@router.get(_REGISTRY, name="registries_get")
async def get_registry(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str
) -> dict[str, Any]:
    return await render_registry(manager, await manager.registries.get(who, subscription, group, name))


@router.put(_REGISTRY, name="registries_create")
async def put_registry(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str, body: RegistryBody
) -> JSONResponse:
    registry, created = await manager.registries.put(who, subscription, group, name, _changes(body))
    return JSONResponse(await render_registry(manager, registry), status_code=201 if created else 200)


@router.patch(_REGISTRY, name="registries_update")
async def patch_registry(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str, body: RegistryBody
) -> dict[str, Any]:
    if body.location is not None:
        raise BadRequestError("A registry's location cannot be changed.", code="LocationCannotBeChanged",
                              target="location")  # fmt: skip
    registry = await manager.registries.update(who, subscription, group, name, _changes(body))
    return await render_registry(manager, registry)


@router.delete(_REGISTRY, name="registries_delete")
async def delete_registry(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str
) -> Response:
    deleted = await manager.registries.delete(who, subscription, group, name)
    return Response(status_code=200 if deleted else 204)


@router.get(_GROUP + _PROVIDER + "/registries", name="registries_listByResourceGroup")
async def registries_in_group(
    manager: Manager, who: Authenticated, subscription: str, group: str
) -> dict[str, Any]:
    found = await manager.registries.of_subscription(who, subscription, group)
    return {"value": [await render_registry(manager, r) for r in found]}


@router.get("/subscriptions/{subscription}" + _PROVIDER + "/registries", name="registries_list")
async def registries(manager: Manager, who: Authenticated, subscription: str) -> dict[str, Any]:
    found = await manager.registries.of_subscription(who, subscription, None)
    return {"value": [await render_registry(manager, r) for r in found]}


@router.post(
    "/subscriptions/{subscription}" + _PROVIDER + "/checkNameAvailability",
    name="registries_checkNameAvailability",
)
async def check_name(
    manager: Manager, who: Authenticated, subscription: str, body: NameAvailabilityBody
) -> dict[str, Any]:
    del subscription
    if body.type.lower() != "microsoft.containerregistry/registries":
        raise BadRequestError(f"The resource type '{body.type[:100]}' is not supported.", target="type")
    answer = await manager.registries.check_name(who, body.name)
    result: dict[str, Any] = {"nameAvailable": answer.available}
    if not answer.available:
        result |= {"reason": answer.reason, "message": answer.message}
    return result


def _credentials_json(username: str, passwords: list[tuple[str, str]]) -> dict[str, Any]:
    return {"username": username, "passwords": [{"name": n, "value": v} for n, v in passwords]}


@router.post(_REGISTRY + "/listCredentials", name="registries_listCredentials")
async def list_credentials(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str
) -> dict[str, Any]:
    return _credentials_json(*await manager.registries.list_credentials(who, subscription, group, name))


@router.post(_REGISTRY + "/regenerateCredential", name="registries_regenerateCredential")
async def regenerate_credential(
    manager: Manager,
    who: Authenticated,
    subscription: str,
    group: str,
    name: str,
    body: RegenerateCredentialBody,
) -> dict[str, Any]:
    return _credentials_json(
        *await manager.registries.regenerate_credential(who, subscription, group, name, body.name)
    )


@router.post(_REGISTRY + "/generateCredentials", name="registries_generateCredentials")
async def generate_credentials(
    manager: Manager,
    who: Authenticated,
    subscription: str,
    group: str,
    name: str,
    body: GenerateCredentialsBody,
) -> dict[str, Any]:
    token, passwords = await manager.tokens.generate_credentials(
        who, subscription, group, name, body.token_id, body.name, body.expiry
    )
    return generated_credentials_json(token.name, passwords)


@router.get(_REGISTRY + "/listUsages", name="registries_listUsages")
async def list_usages(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str
) -> dict[str, Any]:
    return {"value": [usage_json(u) for u in await manager.registries.usages(who, subscription, group, name)]}


@router.get(_REGISTRY + "/replications", name="replications_list")
async def replications(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str
) -> dict[str, Any]:
    """No geo-replication: one region (`az acr show-endpoints` lists them)."""
    await manager.registries.get(who, subscription, group, name)
    return {"value": []}


@router.post(_REGISTRY + "/explainAccess", name="registries_explainAccess")
async def explain_access(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str, body: ExplainAccessBody
) -> dict[str, Any]:
    """Cerulean's own action: the network gate's verdict (given a client) and the access engine's."""
    answer = await manager.registries.explain_access(
        who, subscription, group, name, body.principal_id, body.action, body.repository,
        client_ip=body.client_ip, private_endpoint=body.private_endpoint,
    )  # fmt: skip
    result: dict[str, Any] = {"allowed": answer.allowed, "text": answer.text, "decision": answer.decision}
    if answer.network is not None:
        result["network"] = answer.network.to_json()
    return result


# -- scope maps -----------------------------------------------------------------------------------------


@router.get(_REGISTRY + "/scopeMaps", name="scopeMaps_list")
async def scope_maps(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str
) -> dict[str, Any]:
    return {
        "value": [scope_map_json(m) for m in await manager.tokens.scope_maps(who, subscription, group, name)]
    }


@router.get(_REGISTRY + "/scopeMaps/{map_name}", name="scopeMaps_get")
async def scope_map(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str, map_name: str
) -> dict[str, Any]:
    return scope_map_json(await manager.tokens.scope_map(who, subscription, group, name, map_name))


async def _put_scope_map(
    manager: Manager, who: Authenticated, path: tuple[str, str, str, str], body: ScopeMapBody
) -> JSONResponse:
    props = body.properties
    found, created = await manager.tokens.put_scope_map(
        who, *path, props.actions if props else None, props.description if props else None
    )
    return JSONResponse(scope_map_json(found), status_code=201 if created else 200)


@router.put(_REGISTRY + "/scopeMaps/{map_name}", name="scopeMaps_create")
async def put_scope_map(
    manager: Manager,
    who: Authenticated,
    subscription: str,
    group: str,
    name: str,
    map_name: str,
    body: ScopeMapBody,
) -> JSONResponse:
    return await _put_scope_map(manager, who, (subscription, group, name, map_name), body)


@router.patch(_REGISTRY + "/scopeMaps/{map_name}", name="scopeMaps_update")
async def patch_scope_map(
    manager: Manager,
    who: Authenticated,
    subscription: str,
    group: str,
    name: str,
    map_name: str,
    body: ScopeMapBody,
) -> JSONResponse:
    await manager.tokens.scope_map(who, subscription, group, name, map_name)  # PATCH needs an existing map
    return await _put_scope_map(manager, who, (subscription, group, name, map_name), body)


@router.delete(_REGISTRY + "/scopeMaps/{map_name}", name="scopeMaps_delete")
async def delete_scope_map(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str, map_name: str
) -> Response:
    deleted = await manager.tokens.delete_scope_map(who, subscription, group, name, map_name)
    return Response(status_code=200 if deleted else 204)


# -- tokens ---------------------------------------------------------------------------------------------


@router.get(_REGISTRY + "/tokens", name="tokens_list")
async def tokens(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str
) -> dict[str, Any]:
    registry, found = await manager.tokens.tokens(who, subscription, group, name)
    return {"value": [token_json(registry, t) for t in found]}


@router.get(_REGISTRY + "/tokens/{token_name}", name="tokens_get")
async def token(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str, token_name: str
) -> dict[str, Any]:
    return token_json(*await manager.tokens.token(who, subscription, group, name, token_name))


async def _put_token(
    manager: Manager, who: Authenticated, path: tuple[str, str, str, str], body: TokenBody
) -> JSONResponse:
    props = body.properties
    passwords = props.credentials.passwords if props and props.credentials else None
    changes = (
        TokenChanges(
            props.scope_map_id, props.status, None if passwords is None else tuple(p.name for p in passwords)
        )
        if props
        else TokenChanges()
    )
    registry, stored, created = await manager.tokens.put_token(who, *path, changes)
    return JSONResponse(token_json(registry, stored), status_code=201 if created else 200)


@router.put(_REGISTRY + "/tokens/{token_name}", name="tokens_create")
async def put_token(
    manager: Manager,
    who: Authenticated,
    subscription: str,
    group: str,
    name: str,
    token_name: str,
    body: TokenBody,
) -> JSONResponse:
    return await _put_token(manager, who, (subscription, group, name, token_name), body)


@router.patch(_REGISTRY + "/tokens/{token_name}", name="tokens_update")
async def patch_token(
    manager: Manager,
    who: Authenticated,
    subscription: str,
    group: str,
    name: str,
    token_name: str,
    body: TokenBody,
) -> JSONResponse:
    await manager.tokens.token(who, subscription, group, name, token_name)  # PATCH needs an existing token
    return await _put_token(manager, who, (subscription, group, name, token_name), body)


@router.delete(_REGISTRY + "/tokens/{token_name}", name="tokens_delete")
async def delete_token(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str, token_name: str
) -> Response:
    deleted = await manager.tokens.delete_token(who, subscription, group, name, token_name)
    return Response(status_code=200 if deleted else 204)
