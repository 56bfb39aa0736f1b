"""Azure Resource Manager's objects as Cerulean keeps them.

Subscriptions, resource groups, registries, custom role definitions and role assignments. The
ARM-shaped HTTP API (the management plane) serves them; the identity provider's first start
creates the first of each.
"""

from cerulean.arm.errors import ResourceConflictError, ResourceError
from cerulean.arm.interfaces import ResourceStore
from cerulean.arm.models import (
    RegistryPolicies,
    RegistryResource,
    ResourceGroup,
    StoredRoleAssignment,
    StoredRoleDefinition,
    Subscription,
)

__all__ = [
    "RegistryPolicies",
    "RegistryResource",
    "ResourceConflictError",
    "ResourceError",
    "ResourceGroup",
    "ResourceStore",
    "StoredRoleAssignment",
    "StoredRoleDefinition",
    "Subscription",
]
