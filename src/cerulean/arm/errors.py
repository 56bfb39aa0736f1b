"""Errors of the ARM resource store.

CeruleanError
└── ResourceError
    └── ResourceConflictError     the resource exists already, or names a parent that does not
"""

from __future__ import annotations

from cerulean.core.errors import CeruleanError

__all__ = ["ResourceConflictError", "ResourceError"]


class ResourceError(CeruleanError):
    """An ARM resource operation that cannot be done as asked."""


class ResourceConflictError(ResourceError):
    """A duplicate resource, or one whose parent (subscription, resource group) is missing."""
