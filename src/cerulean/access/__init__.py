"""The access engine: may this principal do this action on this resource, and why — as ACR would.

Pure (no I/O, no framework, no database): the caller builds a `PolicySnapshot` from the metadata
store, a `Principal` from the credential and a `RegistryContext` from the registry's settings, then
calls `decide`, `grant` or `explain`.
"""

from cerulean.access.actions import ActionKind
from cerulean.access.assignments import RoleAssignment, check_assignment
from cerulean.access.builtin_roles import BUILTIN_ROLES, builtin_role
from cerulean.access.conditions import (
    Attributes,
    AttributeSource,
    ConditionParseError,
    compile_condition,
)
from cerulean.access.context import RegistryContext, Resource, Sku
from cerulean.access.decisions import (
    AccessEntry,
    AssignmentReport,
    Decision,
    Grant,
    Outcome,
    Reason,
    ReasonCode,
    RequestedScope,
    ScopeDecision,
)
from cerulean.access.engine import decide, grant, parse_requested_scope
from cerulean.access.errors import (
    AccessError,
    InvalidActionError,
    InvalidAssignmentError,
    InvalidModeError,
    InvalidRequestedScopeError,
    InvalidRoleDefinitionError,
    InvalidScopeError,
    InvalidScopeMapError,
    ScopeMapLimitError,
)
from cerulean.access.explain import Explanation, explain
from cerulean.access.modes import ModeRule, PermissionMode, parse_mode
from cerulean.access.operations import Operation
from cerulean.access.policy import PolicySnapshot
from cerulean.access.principals import Principal, PrincipalKind
from cerulean.access.roles import Permission, RoleDefinition, RoleType
from cerulean.access.scopemaps import (
    SYSTEM_SCOPE_MAPS,
    RepositoryAction,
    ScopeMap,
    Token,
    TokenStatus,
    check_counts,
    parse_scope_map_action,
)
from cerulean.access.scopes import Scope, ScopeHierarchy, parse_scope

__all__ = [
    "BUILTIN_ROLES",
    "SYSTEM_SCOPE_MAPS",
    "AccessEntry",
    "AccessError",
    "ActionKind",
    "AssignmentReport",
    "AttributeSource",
    "Attributes",
    "ConditionParseError",
    "Decision",
    "Explanation",
    "Grant",
    "InvalidActionError",
    "InvalidAssignmentError",
    "InvalidModeError",
    "InvalidRequestedScopeError",
    "InvalidRoleDefinitionError",
    "InvalidScopeError",
    "InvalidScopeMapError",
    "ModeRule",
    "Operation",
    "Outcome",
    "Permission",
    "PermissionMode",
    "PolicySnapshot",
    "Principal",
    "PrincipalKind",
    "Reason",
    "ReasonCode",
    "RegistryContext",
    "RepositoryAction",
    "RequestedScope",
    "Resource",
    "RoleAssignment",
    "RoleDefinition",
    "RoleType",
    "Scope",
    "ScopeDecision",
    "ScopeHierarchy",
    "ScopeMap",
    "ScopeMapLimitError",
    "Sku",
    "Token",
    "TokenStatus",
    "builtin_role",
    "check_assignment",
    "check_counts",
    "compile_condition",
    "decide",
    "explain",
    "grant",
    "parse_mode",
    "parse_requested_scope",
    "parse_scope",
    "parse_scope_map_action",
]
