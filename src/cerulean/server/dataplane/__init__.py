"""The OCI distribution API (``/v2/``) and ACR's metadata API (``/acr/v1/``)."""

from cerulean.server.dataplane.access import AccessGate, OpenGate, RequiredAccess, ScopeNeed
from cerulean.server.dataplane.app import DataPlane

__all__ = ["AccessGate", "DataPlane", "OpenGate", "RequiredAccess", "ScopeNeed"]
