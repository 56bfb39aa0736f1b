"""Errors raised by the access engine.

Deciding never raises: a denied request is a `Decision`, not an exception. These errors mean that an
*input* is malformed — a scope string, a role definition, a scope-map action, a condition — and they are
raised where that input is built or validated (the management plane turns them into ARM errors)::

    CeruleanError                              (cerulean.core.errors)
    └── AccessError
        ├── InvalidScopeError                  not a scope ACR/ARM would accept
        ├── InvalidActionError                 an empty or malformed action pattern
        ├── InvalidRoleDefinitionError         bad GUID, empty permissions, no assignable scope
        ├── InvalidAssignmentError             bad principal id, condition version other than 2.0
        ├── InvalidModeError                   an unknown roleAssignmentMode / SKU value
        ├── InvalidScopeMapError               a scope-map action ACR rejects (wildcard in the middle, ...)
        │   └── ScopeMapLimitError             more actions / tokens / scope maps than the SKU allows
        ├── InvalidRequestedScopeError         a Docker scope string that is not `type:name:actions`
        └── ConditionError                     (cerulean.access.conditions.errors)
            └── ConditionParseError            carries offset, line, column, expected, caret
                ├── ConditionSyntaxError       the text does not follow the grammar
                ├── ConditionTypeError         e.g. NumericEquals with a string literal
                └── ConditionLimitError        too long or nested too deeply
"""

from __future__ import annotations

from cerulean.core.errors import CeruleanError

__all__ = [
    "AccessError",
    "InvalidActionError",
    "InvalidAssignmentError",
    "InvalidModeError",
    "InvalidRequestedScopeError",
    "InvalidRoleDefinitionError",
    "InvalidScopeError",
    "InvalidScopeMapError",
    "ScopeMapLimitError",
]


class AccessError(CeruleanError):
    """Base class of every error raised by `cerulean.access`."""


class InvalidScopeError(AccessError):
    """A scope string that is not `/`, a management group, subscription, resource group or resource."""


class InvalidActionError(AccessError):
    """An action or action pattern that is empty or contains characters ARM never uses."""


class InvalidRoleDefinitionError(AccessError):
    """A role definition that ARM would refuse."""


class InvalidAssignmentError(AccessError):
    """A role assignment that ARM would refuse."""


class InvalidModeError(AccessError):
    """An unknown permission mode or SKU name."""


class InvalidScopeMapError(AccessError):
    """A scope-map action that ACR would refuse."""


class ScopeMapLimitError(InvalidScopeMapError):
    """More actions, scope maps or tokens than the registry's SKU allows."""


class InvalidRequestedScopeError(AccessError):
    """A Docker token scope string that is not `type:name:actions`."""
