"""ARM's JSON shapes of Cerulean's resources (as the 2025-11-01 and 2022-04-01 api-versions write them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cerulean.access.scopes import parse_scope

if TYPE_CHECKING:
    import datetime as dt

    from cerulean.access.roles import RoleDefinition
    from cerulean.arm.models import RegistryResource, ResourceGroup, StoredRoleAssignment, Subscription, Tags
    from cerulean.auth.models import StoredToken
    from cerulean.identity.models import ManagedIdentity, Tenant
    from cerulean.management.identities import UserAssignedIdentity
    from cerulean.management.registries import Usage
    from cerulean.management.subscriptions import GenericResource
    from cerulean.management.tokens import GeneratedPassword, RegistryScopeMap

__all__ = [
    "generated_credentials_json",
    "identity_json",
    "registry_json",
    "resource_group_json",
    "resource_json",
    "role_assignment_json",
    "role_definition_json",
    "scope_map_json",
    "subscription_json",
    "tenant_json",
    "time_json",
    "token_json",
    "usage_json",
]

_ROLE_DEFINITIONS = "/providers/Microsoft.Authorization/roleDefinitions"


def _status(enabled: bool) -> str:  # noqa: FBT001 - a plain mapping
    return "enabled" if enabled else "disabled"


def time_json(moment: dt.datetime) -> str:
    """ARM's timestamps: ISO 8601 in UTC with a `Z`."""
    return moment.isoformat().replace("+00:00", "Z")


def _tags(tags: Tags) -> dict[str, str]:
    return dict(tags)


def _registry_identity(
    registry: RegistryResource, tenant_id: str, attached: dict[str, ManagedIdentity]
) -> dict[str, Any] | None:
    kinds = (["SystemAssigned"] if registry.system_identity_id else []) + (
        ["UserAssigned"] if registry.user_assigned_identities else []
    )
    if not kinds:
        return None
    block: dict[str, Any] = {"type": ", ".join(kinds)}
    if registry.system_identity_id:
        block |= {"principalId": registry.system_identity_id, "tenantId": tenant_id}
    if registry.user_assigned_identities:
        block["userAssignedIdentities"] = {
            rid: {"principalId": attached[rid].principal_id, "clientId": attached[rid].client_id}
            if rid in attached
            else {}
            for rid in registry.user_assigned_identities
        }
    return block


def _policies_json(registry: RegistryResource) -> dict[str, Any]:
    """`properties.policies`; softDeletePolicy is preview-only in the spec, but ACR returns it anyway."""
    p = registry.policies
    return {
        "quarantinePolicy": {"status": _status(p.quarantine_enabled)},
        "trustPolicy": {"type": "Notary", "status": _status(p.trust_enabled)},
        "retentionPolicy": {
            "days": p.retention_days,
            "lastUpdatedTime": time_json(p.retention_updated_at or registry.created_at),
            "status": _status(p.retention_enabled),
        },
        "exportPolicy": {"status": _status(p.export_enabled)},
        "azureADAuthenticationAsArmPolicy": {"status": _status(registry.arm_audience_enabled)},
        "softDeletePolicy": {
            "retentionDays": p.soft_delete_days,
            "lastUpdatedTime": time_json(p.soft_delete_updated_at or registry.created_at),
            "status": _status(p.soft_delete_enabled),
        },
    }


def registry_json(
    registry: RegistryResource, tenant_id: str = "", attached: dict[str, ManagedIdentity] | None = None
) -> dict[str, Any]:
    """A `Microsoft.ContainerRegistry/registries` resource (`attached`: its user-assigned identities)."""
    body: dict[str, Any] = {
        "id": registry.resource_id,
        "name": registry.name,
        "type": "Microsoft.ContainerRegistry/registries",
        "location": registry.location,
        "tags": _tags(registry.tags),
        "sku": {"name": registry.sku, "tier": registry.sku},
        "properties": {
            "loginServer": registry.login_server,
            "creationDate": time_json(registry.created_at),
            "provisioningState": "Succeeded",
            "adminUserEnabled": registry.admin_user_enabled,
            "networkRuleSet": {
                "defaultAction": registry.network_default_action,
                "ipRules": [{"action": "Allow", "value": v} for v in registry.ip_rules],
            },
            "policies": _policies_json(registry),
            "encryption": {"status": "disabled"},
            "dataEndpointEnabled": registry.data_endpoint_enabled,
            "dataEndpointHostNames": [],
            "privateEndpointConnections": [],
            "publicNetworkAccess": "Enabled" if registry.public_network_access else "Disabled",
            "networkRuleBypassOptions": "AzureServices" if registry.bypass_azure_services else "None",
            "networkRuleBypassAllowedForTasks": registry.bypass_for_tasks,
            "zoneRedundancy": "Disabled",
            "anonymousPullEnabled": registry.anonymous_pull_enabled,
            "roleAssignmentMode": registry.permission_mode,
        },
    }
    identity = _registry_identity(registry, tenant_id, attached or {})
    if identity is not None:
        body["identity"] = identity
    return body


def usage_json(usage: Usage) -> dict[str, Any]:
    """One `RegistryUsage`."""
    return {"name": usage.name, "limit": usage.limit, "currentValue": usage.current, "unit": usage.unit}


def scope_map_json(scope_map: RegistryScopeMap) -> dict[str, Any]:
    """A `registries/scopeMaps` resource."""
    return {
        "id": scope_map.resource_id,
        "name": scope_map.name,
        "type": "Microsoft.ContainerRegistry/registries/scopeMaps",
        "properties": {
            "description": scope_map.description,
            "type": "SystemDefined" if scope_map.system else "UserDefined",
            "creationDate": time_json(scope_map.created_at),
            "provisioningState": "Succeeded",
            "actions": list(scope_map.actions),
        },
    }


def token_json(registry: RegistryResource, token: StoredToken) -> dict[str, Any]:
    """A `registries/tokens` resource (password values are never shown again)."""
    return {
        "id": f"{registry.resource_id}/tokens/{token.name}",
        "name": token.name,
        "type": "Microsoft.ContainerRegistry/registries/tokens",
        "properties": {
            "creationDate": time_json(token.created_at),
            "provisioningState": "Succeeded",
            "scopeMapId": f"{registry.resource_id}/scopeMaps/{token.scope_map}",
            "status": token.status.value,
            "credentials": {
                "certificates": [],
                "passwords": [
                    {
                        "name": p.name,
                        "creationTime": time_json(p.created_at),
                        "expiry": time_json(p.expiry) if p.expiry else None,
                    }
                    for p in sorted(token.passwords, key=lambda p: p.name)
                ],
            },
        },
    }


def generated_credentials_json(username: str, passwords: list[GeneratedPassword]) -> dict[str, Any]:
    """`GenerateCredentialsResult`: the values are shown this once."""
    return {
        "username": username,
        "passwords": [
            {
                "name": p.name,
                "value": p.value,
                "creationTime": time_json(p.created_at),
                "expiry": time_json(p.expiry) if p.expiry else None,
            }
            for p in passwords
        ],
    }


def subscription_json(subscription: Subscription) -> dict[str, Any]:
    """A subscription as `GET /subscriptions` lists it."""
    return {
        "id": subscription.resource_id,
        "subscriptionId": subscription.id,
        "tenantId": subscription.tenant_id,
        "displayName": subscription.display_name,
        "state": "Enabled",
        "subscriptionPolicies": {
            "locationPlacementId": "Public_2014-09-01",
            "quotaId": "PayAsYouGo_2014-09-01",
            "spendingLimit": "Off",
        },
        "authorizationSource": "RoleBased",
        "managedByTenants": [],
    }


def tenant_json(tenant: Tenant) -> dict[str, Any]:
    """A tenant as `GET /tenants` lists it."""
    return {
        "id": f"/tenants/{tenant.id}",
        "tenantId": tenant.id,
        "displayName": tenant.display_name,
        "defaultDomain": tenant.default_domain,
        "domains": [tenant.default_domain],
        "tenantCategory": "Home",
        "tenantType": "AAD",
    }


def resource_group_json(group: ResourceGroup) -> dict[str, Any]:
    """A `Microsoft.Resources/resourceGroups` resource."""
    return {
        "id": group.resource_id,
        "name": group.name,
        "type": "Microsoft.Resources/resourceGroups",
        "location": group.location,
        "tags": _tags(group.tags),
        "properties": {"provisioningState": "Succeeded"},
    }


def resource_json(resource: GenericResource) -> dict[str, Any]:
    """One `GenericResourceExpanded` of `/resources`."""
    return {
        "id": resource.id,
        "name": resource.name,
        "type": resource.type,
        "location": resource.location,
        "tags": _tags(resource.tags),
    }


def identity_json(identity: UserAssignedIdentity) -> dict[str, Any]:
    """A `Microsoft.ManagedIdentity/userAssignedIdentities` resource."""
    managed = identity.identity
    return {
        "id": identity.resource_id,
        "name": identity.name,
        "type": "Microsoft.ManagedIdentity/userAssignedIdentities",
        "location": identity.location,
        "tags": {},
        "properties": {
            "tenantId": managed.tenant_id,
            "principalId": managed.principal_id,
            "clientId": managed.client_id,
        },
    }


def _definition_prefix(scope: str) -> str:
    """Role definition ids are written under the scope's subscription, or the root."""
    subscription = parse_scope(scope).subscription_id
    return f"/subscriptions/{subscription}{_ROLE_DEFINITIONS}" if subscription else _ROLE_DEFINITIONS


def role_definition_json(role: RoleDefinition, scope: str) -> dict[str, Any]:
    """A `Microsoft.Authorization/roleDefinitions` resource."""
    return {
        "id": f"{_definition_prefix(scope)}/{role.id}",
        "name": role.id,
        "type": "Microsoft.Authorization/roleDefinitions",
        "properties": {
            "roleName": role.name,
            "type": role.role_type.value,
            "description": role.description,
            "assignableScopes": [s.text for s in role.assignable_scopes],
            "permissions": [p.to_json() for p in role.permissions],
        },
    }


def role_assignment_json(assignment: StoredRoleAssignment) -> dict[str, Any]:
    """A `Microsoft.Authorization/roleAssignments` resource."""
    scope = assignment.scope
    created = time_json(assignment.created_at)
    base = "" if scope == "/" else scope
    return {
        "id": f"{base}/providers/Microsoft.Authorization/roleAssignments/{assignment.id}",
        "name": assignment.id,
        "type": "Microsoft.Authorization/roleAssignments",
        "properties": {
            "roleDefinitionId": f"{_definition_prefix(scope)}/{assignment.role_definition_id}",
            "principalId": assignment.principal_id,
            "principalType": assignment.principal_type,
            "scope": scope,
            "condition": assignment.condition,
            "conditionVersion": assignment.condition_version,
            "description": assignment.description,
            "createdOn": created,
            "updatedOn": created,
        },
    }
