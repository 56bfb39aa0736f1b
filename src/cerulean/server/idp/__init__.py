"""The identity provider's HTTP edges: Entra's token and discovery paths, the managed identity endpoint."""

from cerulean.server.idp.app import IdentityEndpoints, is_identity_path
from cerulean.server.idp.managed import ManagedIdentityApp

__all__ = ["IdentityEndpoints", "ManagedIdentityApp", "is_identity_path"]
