"""The management plane's application layer: ARM resources, authorized by the access engine.

`ResourceManager` authenticates an Entra bearer token for the ARM audiences, asks the access engine
whether the caller holds the ARM action at the resource's scope (``AuthorizationFailed`` naming both if
not), and carries out the change through the stores and `RegistryAdministration`. The HTTP edge
(`cerulean.server.management`) only parses requests and renders ARM's shapes.
"""

from cerulean.management.errors import (
    ArmError,
    AuthenticationFailedError,
    AuthorizationFailedError,
    BadRequestError,
    ConflictError,
    NotFoundError,
)
from cerulean.management.gate import Caller
from cerulean.management.service import ResourceManager

__all__ = [
    "ArmError",
    "AuthenticationFailedError",
    "AuthorizationFailedError",
    "BadRequestError",
    "Caller",
    "ConflictError",
    "NotFoundError",
    "ResourceManager",
]
