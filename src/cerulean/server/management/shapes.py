"""ARM's JSON shapes of Cerulean's resources (as the 2025-11-01 and 2022-04-01 api-versions write them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cerulean.access.scopes import parse_scope

if TYPE_CHECKING:
    from cerulean.access.roles import RoleDefinition
    from cerulean.arm.models import RegistryResource, StoredRoleAssignment

__all__ = ["registry_json", "role_assignment_json", "role_definition_json"]

_ROLE_DEFINITIONS = "/providers/Microsoft.Authorization/roleDefinitions"


def _status(enabled: bool) -> str:  # noqa: FBT001 - a plain mapping
    return "enabled" if enabled else "disabled"


def registry_json(registry: RegistryResource) -> dict[str, Any]:
    """A `Microsoft.ContainerRegistry/registries` resource."""
    return {
        "id": registry.resource_id,
        "name": registry.name,
        "type": "Microsoft.ContainerRegistry/registries",
        "location": registry.location,
        "tags": {},
        "sku": {"name": registry.sku, "tier": registry.sku},
        "properties": {
            "loginServer": registry.login_server,
            "creationDate": registry.created_at.isoformat().replace("+00:00", "Z"),
            "provisioningState": "Succeeded",
            "adminUserEnabled": registry.admin_user_enabled,
            "networkRuleSet": {"defaultAction": "Allow", "ipRules": []},
            "policies": {
                "quarantinePolicy": {"status": "disabled"},
                "trustPolicy": {"type": "Notary", "status": "disabled"},
                "retentionPolicy": {"days": 7, "status": "disabled"},
                "exportPolicy": {"status": "enabled"},
                "azureADAuthenticationAsArmPolicy": {"status": _status(registry.arm_audience_enabled)},
            },
            "encryption": {"status": "disabled"},
            "dataEndpointEnabled": False,
            "dataEndpointHostNames": [],
            "privateEndpointConnections": [],
            "publicNetworkAccess": "Enabled",
            "networkRuleBypassOptions": "AzureServices",
            "networkRuleBypassAllowedForTasks": False,
            "zoneRedundancy": "Disabled",
            "anonymousPullEnabled": registry.anonymous_pull_enabled,
            "roleAssignmentMode": registry.permission_mode,
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
    created = assignment.created_at.isoformat().replace("+00:00", "Z")
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
