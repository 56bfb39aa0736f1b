"""SQLAlchemy tables, one module per aggregate."""

from cerulean.db.tables.audit import AuditEventRow
from cerulean.db.tables.base import Base
from cerulean.db.tables.blobs import RepositoryBlobRow
from cerulean.db.tables.credentials import (
    AdminPasswordRow,
    PolicyVersionRow,
    ScopeMapRow,
    TokenPasswordRow,
    TokenRow,
)
from cerulean.db.tables.identity import (
    ApplicationRow,
    CertificateRow,
    DirectoryRoleRow,
    FederatedCredentialRow,
    GroupMemberRow,
    GroupRow,
    ManagedIdentityRow,
    SecretRow,
    ServicePrincipalRow,
    TenantRow,
    UserRow,
    WorkloadRow,
)
from cerulean.db.tables.manifests import ManifestReferenceRow, ManifestRow
from cerulean.db.tables.network import PrivateEndpointConnectionRow
from cerulean.db.tables.repositories import RepositoryRow
from cerulean.db.tables.resources import (
    RegistryResourceRow,
    ResourceGroupRow,
    RoleAssignmentRow,
    RoleDefinitionRow,
    SubscriptionRow,
)
from cerulean.db.tables.signins import DeviceCodeRow, SigningKeyRow, SignInRow
from cerulean.db.tables.tags import TagRow
from cerulean.db.tables.uploads import UploadRow

__all__ = [
    "AdminPasswordRow",
    "ApplicationRow",
    "AuditEventRow",
    "Base",
    "CertificateRow",
    "DeviceCodeRow",
    "DirectoryRoleRow",
    "FederatedCredentialRow",
    "GroupMemberRow",
    "GroupRow",
    "ManagedIdentityRow",
    "ManifestReferenceRow",
    "ManifestRow",
    "PolicyVersionRow",
    "PrivateEndpointConnectionRow",
    "RegistryResourceRow",
    "RepositoryBlobRow",
    "RepositoryRow",
    "ResourceGroupRow",
    "RoleAssignmentRow",
    "RoleDefinitionRow",
    "ScopeMapRow",
    "SecretRow",
    "ServicePrincipalRow",
    "SignInRow",
    "SigningKeyRow",
    "SubscriptionRow",
    "TagRow",
    "TenantRow",
    "TokenPasswordRow",
    "TokenRow",
    "UploadRow",
    "UserRow",
    "WorkloadRow",
]
