"""The request bodies of the management API (pydantic).

Unknown properties are ignored as ARM does; a wrong type is refused with a 400 naming the field.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

__all__ = [
    "ExplainAccessBody",
    "GenerateCredentialsBody",
    "IdentityBody",
    "NameAvailabilityBody",
    "RegenerateCredentialBody",
    "RegistryBody",
    "ResourceGroupBody",
    "RoleAssignmentBody",
    "RoleDefinitionBody",
    "ScopeMapBody",
    "TokenBody",
    "TrackedBody",
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")  # ARM ignores properties it does not know


class TrackedBody(_Body):
    """A tracked resource's envelope: `location` and `tags`."""

    location: StrictStr | None = None
    tags: dict[str, StrictStr] | None = None


class ResourceGroupBody(TrackedBody):
    """A resource group PUT or PATCH."""


class IdentityBody(TrackedBody):
    """A user-assigned identity PUT or PATCH."""


class _Sku(_Body):
    name: StrictStr


class _Status(_Body):
    status: StrictStr | None = None


class _TrustPolicy(_Status):
    type: StrictStr | None = None


class _RetentionPolicy(_Status):
    days: StrictInt | None = None  # `lastUpdatedTime` is read-only: ignored when sent back


class _SoftDeletePolicy(_Status):
    retention_days: StrictInt | None = Field(None, alias="retentionDays")


class _Policies(_Body):
    quarantine_policy: _Status | None = Field(None, alias="quarantinePolicy")
    trust_policy: _TrustPolicy | None = Field(None, alias="trustPolicy")
    retention_policy: _RetentionPolicy | None = Field(None, alias="retentionPolicy")
    export_policy: _Status | None = Field(None, alias="exportPolicy")
    azure_ad_authentication_as_arm_policy: _Status | None = Field(
        None, alias="azureADAuthenticationAsArmPolicy"
    )
    soft_delete_policy: _SoftDeletePolicy | None = Field(None, alias="softDeletePolicy")  # preview


class _IpRule(_Body):
    action: StrictStr | None = None
    value: StrictStr = Field(alias="value")


class _NetworkRuleSet(_Body):
    default_action: StrictStr | None = Field(None, alias="defaultAction")
    ip_rules: list[_IpRule] | None = Field(None, alias="ipRules")


class RegistryProperties(_Body):
    """`RegistryProperties` (the settable ones)."""

    admin_user_enabled: StrictBool | None = Field(None, alias="adminUserEnabled")
    anonymous_pull_enabled: StrictBool | None = Field(None, alias="anonymousPullEnabled")
    role_assignment_mode: StrictStr | None = Field(None, alias="roleAssignmentMode")
    policies: _Policies | None = None
    public_network_access: StrictStr | None = Field(None, alias="publicNetworkAccess")
    network_rule_set: _NetworkRuleSet | None = Field(None, alias="networkRuleSet")
    network_rule_bypass_options: StrictStr | None = Field(None, alias="networkRuleBypassOptions")
    network_rule_bypass_allowed_for_tasks: StrictBool | None = Field(
        None, alias="networkRuleBypassAllowedForTasks"
    )
    data_endpoint_enabled: StrictBool | None = Field(None, alias="dataEndpointEnabled")


class _Identity(_Body):
    type: StrictStr
    user_assigned_identities: dict[str, dict[str, object] | None] | None = Field(
        None, alias="userAssignedIdentities"
    )


class RegistryBody(TrackedBody):
    """A registry PUT (`Registry`) or PATCH (`RegistryUpdateParameters`)."""

    sku: _Sku | None = None
    identity: _Identity | None = None
    properties: RegistryProperties | None = None


class RegenerateCredentialBody(_Body):
    """`RegenerateCredentialParameters`."""

    name: StrictStr


class GenerateCredentialsBody(_Body):
    """`GenerateCredentialsParameters`."""

    token_id: StrictStr = Field(alias="tokenId")
    name: StrictStr | None = None
    expiry: dt.datetime | None = None


class NameAvailabilityBody(_Body):
    """`RegistryNameCheckRequest`."""

    name: StrictStr
    type: StrictStr = "Microsoft.ContainerRegistry/registries"


class ExplainAccessBody(_Body):
    """Cerulean's `explainAccess`: may this principal do this to this repository (from this address)?"""

    principal_id: StrictStr = Field(alias="principalId")
    action: StrictStr
    repository: StrictStr | None = None
    client_ip: StrictStr | None = Field(None, alias="clientIp")
    private_endpoint: StrictStr | None = Field(None, alias="privateEndpoint")


class _ScopeMapProperties(_Body):
    actions: list[StrictStr] | None = None
    description: StrictStr | None = None


class ScopeMapBody(_Body):
    """A scope map PUT (`ScopeMap`) or PATCH (`ScopeMapUpdateParameters`)."""

    properties: _ScopeMapProperties | None = None


class _TokenPassword(_Body):
    name: StrictStr


class _TokenCredentials(_Body):
    passwords: list[_TokenPassword] | None = None


class _TokenProperties(_Body):
    scope_map_id: StrictStr | None = Field(None, alias="scopeMapId")
    status: StrictStr | None = None
    credentials: _TokenCredentials | None = None


class TokenBody(_Body):
    """A token PUT (`Token`) or PATCH (`TokenUpdateParameters`)."""

    properties: _TokenProperties | None = None


class _AssignmentProperties(_Body):
    role_definition_id: StrictStr = Field(alias="roleDefinitionId")
    principal_id: StrictStr = Field(alias="principalId")
    principal_type: StrictStr | None = Field(None, alias="principalType")
    condition: StrictStr | None = None
    condition_version: StrictStr | None = Field(None, alias="conditionVersion")
    description: StrictStr | None = None


class RoleAssignmentBody(_Body):
    """`RoleAssignmentCreateParameters`."""

    properties: _AssignmentProperties


class _Permission(_Body):
    actions: list[StrictStr] = []
    not_actions: list[StrictStr] = Field([], alias="notActions")
    data_actions: list[StrictStr] = Field([], alias="dataActions")
    not_data_actions: list[StrictStr] = Field([], alias="notDataActions")


class _RoleDefinitionProperties(_Body):
    role_name: StrictStr = Field(alias="roleName")
    description: StrictStr | None = None
    permissions: list[_Permission] = []
    assignable_scopes: list[StrictStr] | None = Field(None, alias="assignableScopes")


class RoleDefinitionBody(_Body):
    """A custom `RoleDefinition` PUT."""

    properties: _RoleDefinitionProperties

    def document(self) -> dict[str, object]:
        """ARM's JSON form, as the access engine parses it."""
        return {"properties": self.properties.model_dump(by_alias=True, exclude_none=True)}
