"""Decisions are values with reasons, never bare booleans.

A `Decision` says whether a principal may do one thing, and why: the reasons (admin account,
anonymous pull, the token's scope-map entries, the mode rule that applied) and, for Entra principals,
one `AssignmentReport` per role assignment that was considered — granted, or why not (role lacks the
permission, excluded by a mode rule, condition clause false, ...). A `Grant` is the answer to a token
request: the granted subset of the requested Docker scopes, with the decision behind every action.
`bool(decision)` raises: callers must read `.allowed`. The values built on every decision are named
tuples (immutable and cheap to build); their wording is produced only when someone reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final, NamedTuple

from cerulean.access.actions import ActionKind

if TYPE_CHECKING:
    from cerulean.access.conditions.compiler import ClauseFailure
    from cerulean.access.conditions.evaluator import EvalContext
    from cerulean.access.context import RegistryContext
    from cerulean.access.modes import ModeRule, PermissionMode
    from cerulean.access.policy import CompiledAssignment
    from cerulean.access.principals import Principal
    from cerulean.access.scopes import Scope

__all__ = [
    "AccessEntry",
    "AssignmentReport",
    "Decision",
    "Grant",
    "Outcome",
    "Reason",
    "ReasonCode",
    "RequestedScope",
    "ScopeDecision",
]


class Outcome(StrEnum):
    """What one role assignment contributed to a decision."""

    GRANTED = "granted"
    LACKS_PERMISSION = "lacks-permission"
    MODE_EXCLUDED = "mode-excluded"
    CONDITION_FAILED = "condition-failed"
    CONDITION_DEPENDS_ON_REPOSITORY = "condition-depends-on-repository"
    CONDITION_INVALID = "condition-invalid"
    ROLE_NOT_FOUND = "role-not-found"
    NOT_ASSIGNABLE = "not-assignable-at-scope"


class ReasonCode(StrEnum):
    """Why a decision came out the way it did (apart from individual assignments)."""

    ASSIGNMENT = "assignment"
    NO_ASSIGNMENT = "no-assignment"
    ADMIN_ACCOUNT = "admin-account"
    ADMIN_DISABLED = "admin-disabled"
    ANONYMOUS_PULL = "anonymous-pull"
    ANONYMOUS_NOT_ALLOWED = "anonymous-not-allowed"
    TOKEN_SCOPE_MAP = "token-scope-map"  # noqa: S105 - a reason code, not a secret
    TOKEN_NOT_PERMITTED = "token-not-permitted"  # noqa: S105 - a reason code, not a secret
    TOKEN_UNUSABLE = "token-unusable"  # noqa: S105 - a reason code, not a secret
    UNSUPPORTED_IN_MODE = "unsupported-in-mode"
    NOT_APPLICABLE = "not-applicable"
    INVALID_REQUEST = "invalid-request"
    TENANT_MISMATCH = "tenant-mismatch"


class Reason(NamedTuple):
    """One reason for a decision. With `args`, `template` is formatted only when read."""

    code: ReasonCode
    template: str
    mode_rule: ModeRule | None = None
    args: tuple[object, ...] = ()

    @property
    def message(self) -> str:
        """The reason in words."""
        return self.template.format(*self.args) if self.args else self.template

    def to_json(self) -> dict[str, object]:
        """A JSON-friendly view."""
        out: dict[str, object] = {"code": str(self.code), "message": self.message}
        if self.mode_rule is not None:
            out["modeRule"] = {"code": self.mode_rule.code, "text": self.mode_rule.text}
        return out


class AssignmentReport(NamedTuple):
    """How one role assignment was evaluated; wording and failed clause are computed when read."""

    compiled: CompiledAssignment
    caller_id: str
    outcome: Outcome
    required: tuple[str, ...]
    kind: ActionKind
    matched_action: str | None = None
    excluded_action: str | None = None
    mode_rule: ModeRule | None = None
    condition_evaluated: bool = False
    context: EvalContext | None = None

    @property
    def assignment_id(self) -> str:
        """The assignment's id."""
        return self.compiled.assignment.id

    @property
    def scope(self) -> str:
        """The assignment's scope."""
        return self.compiled.assignment.scope.text

    @property
    def role_id(self) -> str:
        """The role definition GUID."""
        return self.compiled.assignment.role_definition_id

    @property
    def role_name(self) -> str:
        """The role's display name."""
        role = self.compiled.role
        return "(unknown role)" if role is None else role.name

    @property
    def principal_id(self) -> str:
        """The principal the assignment names (the caller or one of its groups)."""
        return self.compiled.assignment.principal_id

    @property
    def via_group(self) -> bool:
        """Whether the assignment reached the caller through a group."""
        return self.principal_id != self.caller_id

    @property
    def clause(self) -> ClauseFailure | None:
        """The first false clause of the condition, when the condition failed."""
        condition = self.compiled.condition
        if self.outcome is not Outcome.CONDITION_FAILED or condition is None or self.context is None:
            return None
        return condition.first_failure(self.context)

    @property
    def detail(self) -> str:
        """One sentence saying what this assignment contributed."""
        key: str = self.outcome
        if self.outcome is Outcome.GRANTED:
            if self.compiled.condition is None:
                key = "granted"
            else:
                key = "granted-condition-holds" if self.condition_evaluated else "granted-not-evaluated"
        return _DETAILS[key].format(
            role=self.role_name,
            matched=self.matched_action,
            excluded=self.excluded_action,
            wanted=" or ".join(self.required),
            half="dataActions" if self.kind is ActionKind.DATA_ACTION else "actions",
            scope=self.scope,
            role_id=self.role_id,
            error=self.compiled.condition_error,
        )

    def to_json(self) -> dict[str, object]:
        """A JSON-friendly view."""
        out: dict[str, object] = {
            "assignmentId": self.assignment_id,
            "scope": self.scope,
            "role": {"id": self.role_id, "name": self.role_name},
            "principalId": self.principal_id,
            "viaGroup": self.via_group,
            "outcome": str(self.outcome),
            "detail": self.detail,
            "conditionEvaluated": self.condition_evaluated,
        }
        if self.matched_action is not None:
            out["matchedAction"] = self.matched_action
        if self.mode_rule is not None:
            out["modeRule"] = {"code": self.mode_rule.code, "text": self.mode_rule.text}
        clause = self.clause
        if clause is not None:
            out["failedClause"] = clause.to_json()
        return out


_DETAILS: Final = {
    "granted": "{role} grants {matched}",
    "granted-condition-holds": "{role} grants {matched} and its condition holds",
    "granted-not-evaluated": (
        "{role} grants {matched}; the condition is not evaluated for this action "
        "(conditions restrict only repository data actions)"
    ),
    Outcome.LACKS_PERMISSION: "{role} does not grant {wanted} in its {half}",
    Outcome.MODE_EXCLUDED: (
        "{role} grants {excluded}, which this permission mode does not honour; "
        "it needs {wanted} in the role's {half}"
    ),
    Outcome.CONDITION_FAILED: "{role} grants {matched} but its condition is false",
    Outcome.CONDITION_DEPENDS_ON_REPOSITORY: (
        "{role} grants {matched} only where its condition holds, which depends on the "
        "repository name, so it cannot grant every repository ('*')"
    ),
    Outcome.CONDITION_INVALID: "the condition does not parse, so the assignment grants nothing: {error}",
    Outcome.ROLE_NOT_FOUND: "role definition {role_id} does not exist",
    Outcome.NOT_ASSIGNABLE: "{role} is not assignable at {scope} (outside its assignableScopes)",
}


class Decision(NamedTuple):
    """Whether `principal` may perform `action` on `resource`, with every reason.

    A decision is not a boolean: `bool(decision)` raises `TypeError`; read `.allowed`.
    """

    allowed: bool
    principal: Principal
    action: str
    resource: str
    required: tuple[str, ...]
    mode: PermissionMode | None
    reasons: tuple[Reason, ...]
    assignments: tuple[AssignmentReport, ...] = ()

    def __bool__(self) -> bool:
        raise TypeError("a Decision is not a boolean; use decision.allowed")

    @property
    def granted_by(self) -> tuple[AssignmentReport, ...]:
        """The assignments that granted the action."""
        return tuple(r for r in self.assignments if r.outcome is Outcome.GRANTED)

    def to_json(self) -> dict[str, object]:
        """A JSON-friendly view (see `explain` for the rendered account)."""
        return {
            "allowed": self.allowed,
            "principal": {
                "kind": str(self.principal.kind),
                "id": self.principal.object_id,
                "tenantId": self.principal.tenant_id,
            },
            "action": self.action,
            "resource": self.resource,
            "required": list(self.required),
            "mode": None if self.mode is None else str(self.mode),
            "reasons": [r.to_json() for r in self.reasons],
            "assignments": [r.to_json() for r in self.assignments],
        }


class RequestedScope(NamedTuple):
    """A Docker token scope `type:name:actions` as a client requested it."""

    type: str
    name: str
    actions: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.type}:{self.name}:{','.join(self.actions)}"


class AccessEntry(NamedTuple):
    """One element of an access token's `access` claim."""

    type: str
    name: str
    actions: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        """The claim element `{type, name, actions}`."""
        return {"type": self.type, "name": self.name, "actions": list(self.actions)}


class ScopeDecision(NamedTuple):
    """The decision behind one requested (type, name, action)."""

    type: str
    name: str
    action: str
    decision: Decision


@dataclass(frozen=True, slots=True)
class Grant:
    """What a token request is granted: the `access` claim, and the decision behind each action."""

    principal: Principal
    registry: RegistryContext
    requested: tuple[RequestedScope, ...]
    access: tuple[AccessEntry, ...]
    decisions: tuple[ScopeDecision, ...]

    def claim(self) -> list[dict[str, object]]:
        """The JWT `access` claim: `[{type, name, actions}]`, granted entries only."""
        return [entry.to_json() for entry in self.access]

    def allows(self, type_: str, name: str, action: str) -> bool:
        """Whether the claim contains `action` for `type_:name`."""
        return any(e.type == type_ and e.name == name and action in e.actions for e in self.access)

    @property
    def registry_scope(self) -> Scope:
        """The registry's ARM id."""
        return self.registry.resource_id
