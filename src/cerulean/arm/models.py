"""Subscriptions, resource groups, registries and role assignments, as stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime as dt

__all__ = [
    "RegistryPolicies",
    "RegistryResource",
    "ResourceGroup",
    "StoredRoleAssignment",
    "StoredRoleDefinition",
    "Subscription",
]

Tags = tuple[tuple[str, str], ...]  # ARM's `tags`, in the order given


@dataclass(frozen=True, slots=True)
class Subscription:
    """A subscription: the top of the resource hierarchy below `/`, in one tenant."""

    id: str  # the subscription GUID
    tenant_id: str
    display_name: str
    created_at: dt.datetime

    @property
    def resource_id(self) -> str:
        """``/subscriptions/{id}``."""
        return f"/subscriptions/{self.id}"


@dataclass(frozen=True, slots=True)
class ResourceGroup:
    """A resource group in a subscription."""

    subscription_id: str
    name: str
    location: str
    created_at: dt.datetime
    tags: Tags = ()

    @property
    def resource_id(self) -> str:
        """``/subscriptions/{s}/resourceGroups/{name}``."""
        return f"/subscriptions/{self.subscription_id}/resourceGroups/{self.name}"


@dataclass(frozen=True, slots=True)
class RegistryPolicies:
    """ARM's `properties.policies`, bar `azureADAuthenticationAsArmPolicy` (an auth setting, kept apart).

    Stored and served as ACR has them; nothing here is enforced yet: quarantine and content trust wait
    for content-trust support, retention and soft delete for the registry core to purge and keep.
    A `*_updated_at` of None means unchanged since the registry was created.
    """

    quarantine_enabled: bool = False
    trust_enabled: bool = False  # trustPolicy; its only type is Notary
    retention_enabled: bool = False  # untagged manifests purged after `retention_days`
    retention_days: int = 7
    retention_updated_at: dt.datetime | None = None
    export_enabled: bool = True  # exportPolicy: import from / transfer out of this registry allowed
    soft_delete_enabled: bool = False  # preview: deleted artifacts kept `soft_delete_days`
    soft_delete_days: int = 7
    soft_delete_updated_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class RegistryResource:
    """A container registry resource and the settings the access engine reads."""

    subscription_id: str
    resource_group: str
    name: str
    location: str
    sku: str
    login_server: str
    admin_user_enabled: bool
    anonymous_pull_enabled: bool
    permission_mode: str  # ARM's roleAssignmentMode
    created_at: dt.datetime
    # policies.azureADAuthenticationAsArmPolicy: /oauth2/exchange accepts ARM-audience Entra tokens.
    arm_audience_enabled: bool = True
    tags: Tags = ()
    # Network controls (ARM's names: publicNetworkAccess, networkRuleSet, networkRuleBypass*).
    public_network_access: bool = True
    network_default_action: str = "Allow"  # "Allow" | "Deny"
    ip_rules: tuple[str, ...] = ()  # IPv4 addresses and CIDRs; ACR's only rule action is Allow
    bypass_azure_services: bool = True  # networkRuleBypassOptions: AzureServices | None
    bypass_for_tasks: bool = False  # networkRuleBypassAllowedForTasks
    data_endpoint_enabled: bool = False
    # `identity`: a system-assigned identity's object id, and attached user-assigned identities (ARM ids).
    system_identity_id: str | None = None
    user_assigned_identities: tuple[str, ...] = ()
    policies: RegistryPolicies = RegistryPolicies()

    @property
    def resource_id(self) -> str:
        """The registry's ARM id."""
        return (
            f"/subscriptions/{self.subscription_id}/resourceGroups/{self.resource_group}"
            f"/providers/Microsoft.ContainerRegistry/registries/{self.name}"
        )


@dataclass(frozen=True, slots=True)
class StoredRoleAssignment:
    """A role assignment as ARM stores it (the access engine's `RoleAssignment` is built from it)."""

    id: str  # the assignment GUID (its `name`)
    scope: str
    role_definition_id: str
    principal_id: str
    principal_type: str
    condition: str | None
    condition_version: str | None
    description: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StoredRoleDefinition:
    """A custom role definition: its GUID and ARM's JSON document (the access engine parses it)."""

    id: str
    document: str
    created_at: dt.datetime
