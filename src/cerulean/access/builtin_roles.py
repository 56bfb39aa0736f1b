"""The built-in roles an ACR user meets, with their real GUIDs (reference §3.5, data only).

Where Microsoft's JSON was not captured the list is derived from the documented behaviour and says so:
Repository Writer (content/metadata read+write), Catalog Lister (`catalog/read`), the configuration,
tasks, transfer and cache-rule roles (explicit action lists). Data Importer and Data Reader gets
repository read and catalog dataActions besides its actions, because the roles directory says it reads
and lists repositories in both permission modes.
"""

from __future__ import annotations

from typing import Final

from cerulean.access.actions import (
    ARTIFACTS_DELETE,
    CATALOG_READ,
    PULL_READ,
    PUSH_WRITE,
    QUARANTINE_READ,
    QUARANTINE_WRITE,
    QUARANTINED_ARTIFACTS_READ,
    QUARANTINED_ARTIFACTS_WRITE,
    REPO_CONTENT_DELETE,
    REPO_CONTENT_READ,
    REPO_CONTENT_WRITE,
    REPO_METADATA_DELETE,
    REPO_METADATA_READ,
    REPO_METADATA_WRITE,
    SIGN_WRITE,
    TRUSTED_COLLECTIONS_WRITE,
)
from cerulean.access.roles import Permission, RoleDefinition, RoleType

__all__ = [
    "ACR_PULL",
    "ACR_PUSH",
    "BUILTIN_ROLES",
    "CONTRIBUTOR",
    "OWNER",
    "READER",
    "REPOSITORY_CATALOG_LISTER",
    "REPOSITORY_CONTRIBUTOR",
    "REPOSITORY_READER",
    "REPOSITORY_WRITER",
    "builtin_role",
]

_R: Final = "Microsoft.ContainerRegistry/registries"


def _role(guid: str, name: str, description: str, **block: tuple[str, ...]) -> RoleDefinition:
    return RoleDefinition(
        id=guid,
        name=name,
        description=description,
        permissions=(Permission.of(**block),),
        role_type=RoleType.BUILT_IN,
    )


OWNER: Final = _role(
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Owner",
    "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
    actions=("*",),
)
CONTRIBUTOR: Final = _role(
    "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Contributor",
    "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, "
    "manage assignments in Azure Blueprints, or share image galleries.",
    actions=("*",),
    not_actions=(
        "Microsoft.Authorization/*/Delete",
        "Microsoft.Authorization/*/Write",
        "Microsoft.Authorization/elevateAccess/Action",
        "Microsoft.Blueprint/blueprintAssignments/write",
        "Microsoft.Blueprint/blueprintAssignments/delete",
        "Microsoft.Compute/galleries/share/action",
        "Microsoft.Purview/consents/write",
        "Microsoft.Purview/consents/delete",
        "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
        "Microsoft.Subscription/cancel/action",
        "Microsoft.Subscription/enable/action",
    ),
)
READER: Final = _role(
    "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Reader",
    "View all resources, but does not allow you to make any changes.",
    actions=("*/read",),
)
USER_ACCESS_ADMINISTRATOR: Final = _role(
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "User Access Administrator",
    "Lets you manage user access to Azure resources.",
    actions=("*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"),
)
RBAC_ADMINISTRATOR: Final = _role(
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    "Role Based Access Control Administrator",
    "Manage access to Azure resources by assigning roles using Azure RBAC. This role does not allow you "
    "to manage access using other ways, such as Azure Policy.",
    actions=(
        "Microsoft.Authorization/roleAssignments/write",
        "Microsoft.Authorization/roleAssignments/delete",
        "*/read",
        "Microsoft.Support/*",
    ),
)
ACR_PULL: Final = _role("7f951dda-4ed3-4680-a7ca-43fe172d538d", "AcrPull", "acr pull", actions=(PULL_READ,))
ACR_PUSH: Final = _role(
    "8311e382-0749-4cb8-b61a-304f252e45ec", "AcrPush", "acr push", actions=(PULL_READ, PUSH_WRITE)
)
ACR_DELETE: Final = _role(
    "c2f4ef07-c644-48eb-af81-4b1b4947fb11", "AcrDelete", "acr delete", actions=(ARTIFACTS_DELETE,)
)
ACR_IMAGE_SIGNER: Final = _role(
    "6cef56e8-d556-48e5-a04f-b8e64114680f",
    "AcrImageSigner",
    "acr image signer",
    actions=(SIGN_WRITE,),
    data_actions=(TRUSTED_COLLECTIONS_WRITE,),
)
ACR_QUARANTINE_READER: Final = _role(
    "cdda3590-29a3-44f6-95f2-9f980659eb04",
    "AcrQuarantineReader",
    "acr quarantine data reader",
    actions=(QUARANTINE_READ,),
    data_actions=(QUARANTINED_ARTIFACTS_READ,),
)
ACR_QUARANTINE_WRITER: Final = _role(
    "c8d4ff99-41c3-41a8-9f60-21dfdad59608",
    "AcrQuarantineWriter",
    "acr quarantine data writer",
    actions=(QUARANTINE_READ, QUARANTINE_WRITE),
    data_actions=(QUARANTINED_ARTIFACTS_READ, QUARANTINED_ARTIFACTS_WRITE),
)
REPOSITORY_READER: Final = _role(
    "b93aa761-3e63-49ed-ac28-beffa264f7ac",
    "Container Registry Repository Reader",
    "Allows for read access to Azure Container Registry repositories, but excluding catalog listing.",
    data_actions=(REPO_CONTENT_READ, REPO_METADATA_READ),
)
REPOSITORY_WRITER: Final = _role(
    "2a1e307c-b015-4ebd-883e-5b7698a07328",
    "Container Registry Repository Writer",
    "Allows for read and write access to Azure Container Registry repositories, but excluding catalog "
    "listing.",
    data_actions=(REPO_CONTENT_READ, REPO_METADATA_READ, REPO_CONTENT_WRITE, REPO_METADATA_WRITE),
)
REPOSITORY_CONTRIBUTOR: Final = _role(
    "2efddaa5-3f1f-4df3-97df-af3f13818f4c",
    "Container Registry Repository Contributor",
    "Allows for read, write, and delete access to Azure Container Registry repositories, but excluding "
    "catalog listing.",
    data_actions=(
        REPO_METADATA_READ,
        REPO_CONTENT_READ,
        REPO_METADATA_WRITE,
        REPO_CONTENT_WRITE,
        REPO_METADATA_DELETE,
        REPO_CONTENT_DELETE,
    ),
)
REPOSITORY_CATALOG_LISTER: Final = _role(
    "bfdb9389-c9a5-478a-bb2f-ba9ca092c3c7",
    "Container Registry Repository Catalog Lister",
    "Allows for listing all repositories in an Azure Container Registry.",
    data_actions=(CATALOG_READ,),
)
DATA_IMPORTER: Final = _role(
    "577a9874-89fd-4f24-9dbd-b5034d0ad23a",
    "Container Registry Data Importer and Data Reader",
    "Provides the ability to import images into a registry through the registry import operation. "
    "Provides the ability to list repositories, view images and tags, get manifests, and pull images. "
    "Does not provide permissions for importing images through configuring registry transfer "
    "pipelines such as import and export pipelines. Does not provide permissions for importing through "
    "configuring Artifact Cache or Sync rules.",
    actions=(f"{_R}/importImage/action", f"{_R}/read", PULL_READ),
    data_actions=(REPO_CONTENT_READ, REPO_METADATA_READ, CATALOG_READ),
)
_CONFIG_READ: Final = (
    "Microsoft.Authorization/*/read",
    "Microsoft.ContainerRegistry/checkNameAvailability/read",
    "Microsoft.ContainerRegistry/locations/operationResults/read",
    "Microsoft.ContainerRegistry/operations/read",
    f"{_R}/read",
    f"{_R}/listUsages/read",
    f"{_R}/listPolicies/read",
    f"{_R}/operationStatuses/read",
    f"{_R}/replications/read",
    f"{_R}/replications/operationStatuses/read",
    f"{_R}/connectedRegistries/read",
    f"{_R}/scopeMaps/read",
    f"{_R}/scopeMaps/operationStatuses/read",
    f"{_R}/tokens/read",
    f"{_R}/tokens/operationStatuses/read",
    f"{_R}/webhooks/read",
    f"{_R}/webhooks/operationStatuses/read",
    f"{_R}/privateEndpointConnections/read",
    f"{_R}/privateEndpointConnectionProxies/read",
    f"{_R}/privateLinkResources/read",
    f"{_R}/providers/Microsoft.Insights/diagnosticSettings/read",
    f"{_R}/providers/Microsoft.Insights/logDefinitions/read",
    f"{_R}/providers/Microsoft.Insights/metricDefinitions/read",
    f"{_R}/listCredentials/action",
    "Microsoft.Resources/subscriptions/resourceGroups/read",
)
CONFIGURATION_READER: Final = _role(
    "69b07be0-09bf-439a-b9a6-e73de851bd59",
    "Container Registry Configuration Reader and Data Access Configuration Reader",
    "Provides permission to view and list Azure Container Registry configuration, including admin user "
    "credentials, tokens and scope maps, but no data-plane access.",
    actions=_CONFIG_READ,
)
CONFIGURATION_ADMINISTRATOR: Final = _role(
    "3bc748fc-213d-45c1-8d91-9da5725539b9",
    "Container Registry Contributor and Data Access Configuration Administrator",
    "Provides permission to create, list, and update registries and registry configuration, including "
    "authentication settings, tokens and scope maps, network access and policies, but no data-plane "
    "access and no role assignments.",
    actions=(
        *_CONFIG_READ,
        f"{_R}/write",
        f"{_R}/delete",
        f"{_R}/regenerateCredential/action",
        f"{_R}/generateCredentials/action",
        f"{_R}/updatePolicies/write",
        f"{_R}/replications/write",
        f"{_R}/replications/delete",
        f"{_R}/connectedRegistries/write",
        f"{_R}/connectedRegistries/delete",
        f"{_R}/connectedRegistries/deactivate/action",
        f"{_R}/scopeMaps/write",
        f"{_R}/scopeMaps/delete",
        f"{_R}/tokens/write",
        f"{_R}/tokens/delete",
        f"{_R}/webhooks/write",
        f"{_R}/webhooks/delete",
        f"{_R}/webhooks/getCallbackConfig/action",
        f"{_R}/webhooks/ping/action",
        f"{_R}/webhooks/listEvents/action",
        f"{_R}/privateEndpointConnections/write",
        f"{_R}/privateEndpointConnections/delete",
        f"{_R}/privateEndpointConnectionProxies/write",
        f"{_R}/privateEndpointConnectionProxies/delete",
        f"{_R}/privateEndpointConnectionProxies/validate/action",
        f"{_R}/providers/Microsoft.Insights/diagnosticSettings/write",
        "Microsoft.Insights/alertRules/*",
        "Microsoft.Resources/deployments/*",
        "Microsoft.Support/*",
    ),
)
TASKS_CONTRIBUTOR: Final = _role(
    "fb382eab-e894-4461-af04-94435c366c3f",
    "Container Registry Tasks Contributor",
    "Provides permission to manage ACR tasks, task runs, agent pools, quick builds and quick runs. "
    "Task management can be used for full registry data plane permissions.",
    actions=(
        f"{_R}/read",
        f"{_R}/tasks/*",
        f"{_R}/taskruns/*",
        f"{_R}/runs/*",
        f"{_R}/agentpools/*",
        f"{_R}/scheduleRun/action",
        f"{_R}/listBuildSourceUploadUrl/action",
        f"{_R}/operationStatuses/read",
    ),
)
TRANSFER_PIPELINE_CONTRIBUTOR: Final = _role(
    "bf94e731-3a51-4a7c-8c54-a1ab9971dfc1",
    "Container Registry Transfer Pipeline Contributor",
    "Provides permission to manage ACR import and export pipelines and pipeline runs.",
    actions=(
        f"{_R}/read",
        f"{_R}/importPipelines/*",
        f"{_R}/exportPipelines/*",
        f"{_R}/pipelineRuns/*",
    ),
)
CACHE_RULE_ADMINISTRATOR: Final = _role(
    "df87f177-bb12-4db1-9793-a413691eff94",
    "Container Registry Cache Rule Administrator",
    "Create, Read, Update, and Delete Cache Rules in Container Registry.",
    actions=(
        f"{_R}/cacheRules/read",
        f"{_R}/cacheRules/write",
        f"{_R}/cacheRules/delete",
        f"{_R}/cacheRules/operationStatuses/read",
    ),
)
CACHE_RULE_READER: Final = _role(
    "c357b964-0002-4b64-a50d-7a28f02edc52",
    "Container Registry Cache Rule Reader",
    "Read Cache Rules in Container Registry.",
    actions=(f"{_R}/cacheRules/read",),
)
CREDENTIAL_SET_ADMINISTRATOR: Final = _role(
    "f094fb07-0703-4400-ad6a-e16dd8000e14",
    "Container Registry Credential Set Administrator",
    "Create, Read, Update, and Delete Credential Set in Container Registry.",
    actions=(
        f"{_R}/credentialSets/read",
        f"{_R}/credentialSets/write",
        f"{_R}/credentialSets/delete",
        f"{_R}/credentialSets/operationStatuses/read",
    ),
)
CREDENTIAL_SET_READER: Final = _role(
    "29093635-9924-4f2c-913b-650a12949526",
    "Container Registry Credential Set Reader",
    "Read Credential Set in Container Registry.",
    actions=(f"{_R}/credentialSets/read",),
)

BUILTIN_ROLES: Final[tuple[RoleDefinition, ...]] = (
    OWNER,
    CONTRIBUTOR,
    READER,
    USER_ACCESS_ADMINISTRATOR,
    RBAC_ADMINISTRATOR,
    ACR_PULL,
    ACR_PUSH,
    ACR_DELETE,
    ACR_IMAGE_SIGNER,
    ACR_QUARANTINE_READER,
    ACR_QUARANTINE_WRITER,
    REPOSITORY_READER,
    REPOSITORY_WRITER,
    REPOSITORY_CONTRIBUTOR,
    REPOSITORY_CATALOG_LISTER,
    DATA_IMPORTER,
    CONFIGURATION_READER,
    CONFIGURATION_ADMINISTRATOR,
    TASKS_CONTRIBUTOR,
    TRANSFER_PIPELINE_CONTRIBUTOR,
    CACHE_RULE_ADMINISTRATOR,
    CACHE_RULE_READER,
    CREDENTIAL_SET_ADMINISTRATOR,
    CREDENTIAL_SET_READER,
)

_BY_KEY: Final = {
    **{r.id: r for r in BUILTIN_ROLES},
    **{r.name.casefold(): r for r in BUILTIN_ROLES},
}


def builtin_role(name_or_id: str) -> RoleDefinition:
    """A built-in role by display name (any case) or GUID; `KeyError` if there is none."""
    return _BY_KEY[name_or_id.strip().casefold()]
