"""The audiences and api-versions the management commands send.

Kept apart from the HTTP client, so command modules can name them without loading httpx at
``--help`` time.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "ARM_API_VERSION",
    "ARM_SCOPE",
    "AUTHORIZATION_API_VERSION",
    "GRAPH_SCOPE",
    "GROUPS_API_VERSION",
    "MANAGED_IDENTITY_API_VERSION",
    "REGISTRY_SCOPE",
    "SUBSCRIPTIONS_API_VERSION",
]

ARM_SCOPE: Final = "https://management.azure.com/.default"
GRAPH_SCOPE: Final = "https://graph.microsoft.com/.default"
REGISTRY_SCOPE: Final = "https://containerregistry.azure.net/.default"  # what az acr login asks for

ARM_API_VERSION: Final = "2025-11-01"  # Microsoft.ContainerRegistry (azure-mgmt-containerregistry 15)
AUTHORIZATION_API_VERSION: Final = "2022-04-01"  # the first stable one with conditions
MANAGED_IDENTITY_API_VERSION: Final = "2023-01-31"
GROUPS_API_VERSION: Final = "2022-09-01"
SUBSCRIPTIONS_API_VERSION: Final = "2022-12-01"
