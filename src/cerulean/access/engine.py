"""The access engine's three entry points: `decide`, `grant` and `explain`.

* `decide(snapshot, principal, action, resource)` answers one question. `action` is either a registry
  operation (`Operation`, or an OAuth scope action such as `pull`/`metadataRead`) — answered in the
  registry's permission mode — or an Azure action string (`Microsoft.ContainerRegistry/registries/write`,
  `Microsoft.Authorization/roleAssignments/write`, a data action...) — answered by plain Azure RBAC at
  the resource's scope, as the management plane needs.
* `grant(snapshot, principal, registry, scopes)` answers a token request: the granted subset of
  `repository:<name>:<actions>` and `registry:catalog:*` scopes, for the JWT `access` claim.
* `explain(decision_or_grant)` renders the account users see (`cerulean access explain`).

Choices where the reference is silent: a requested `*` action on a repository is granted as `*` only
when all five repository actions are, otherwise as the concrete actions that are; the repository name
`*` is granted an action only when the caller holds it on every repository (admin account, anonymous
pull, a token's root `*` entry, or an assignment whose condition does not depend on the repository);
`registry:catalog` takes only `*`; other scope types (e.g. legacy Helm) are never granted; actions are
echoed in the spelling the client used.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from cerulean.access.actions import classify
from cerulean.access.context import RegistryContext, Resource
from cerulean.access.dataplane import Subject, decide_data, prepare_subject
from cerulean.access.decisions import (
    AccessEntry,
    Decision,
    Grant,
    Outcome,
    Reason,
    ReasonCode,
    RequestedScope,
    ScopeDecision,
)
from cerulean.access.errors import InvalidRequestedScopeError
from cerulean.access.evaluation import ConditionInputs, assess
from cerulean.access.explain import Explanation, explain
from cerulean.access.operations import (
    REPOSITORY_OAUTH_ACTIONS,
    Operation,
    Requirement,
    need_for,
    parse_oauth_action,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from cerulean.access.conditions.attributes import Attributes
    from cerulean.access.policy import PolicySnapshot
    from cerulean.access.principals import Principal

__all__ = ["Explanation", "decide", "explain", "grant", "parse_requested_scope"]

_OPERATIONS: Final = {op.value: op for op in Operation}
_CANONICAL: Final = {
    Operation.PULL: "pull",
    Operation.PUSH: "push",
    Operation.DELETE: "delete",
    Operation.READ_METADATA: "metadata_read",
    Operation.WRITE_METADATA: "metadata_write",
}


def _operation(action: str | Operation) -> Operation | None:
    if isinstance(action, Operation):
        return action
    return parse_oauth_action(action) or _OPERATIONS.get(action)


def _refuse(principal: Principal, action: str, resource: str, message: str) -> Decision:
    reason = Reason(ReasonCode.INVALID_REQUEST, message)
    return Decision(
        allowed=False,
        principal=principal,
        action=action,
        resource=resource,
        required=(),
        mode=None,
        reasons=(reason,),
    )


def decide(
    snapshot: PolicySnapshot,
    principal: Principal,
    action: str | Operation,
    resource: Resource | str,
    *,
    registry: RegistryContext | None = None,
    attributes: Attributes | None = None,
    sub_operation: str | None = None,
) -> Decision:
    """May `principal` perform `action` on `resource`? A `Decision` with its reasons."""
    target = resource if isinstance(resource, Resource) else Resource.of(resource)
    operation = _operation(action)
    if operation is not None:
        context = registry or snapshot.registry(target.scope)
        if context is None or (
            target.scope.key != context.resource_id.key
            and getattr(target.scope.registry, "key", None) != context.resource_id.key
        ):
            return _refuse(
                principal, str(action), target.describe(), "the resource is not in a known registry"
            )
        subject = prepare_subject(snapshot, principal, context)
        return decide_data(
            snapshot,
            subject,
            context,
            need_for(operation),
            target.repository,
            attributes=attributes,
            sub_operation=sub_operation,
        )
    if "/" not in action:
        return _refuse(principal, action, target.describe(), f"unknown action {action[:80]!r}")
    return _decide_arm(
        snapshot, principal, action, target, attributes=attributes, sub_operation=sub_operation
    )


def _decide_arm(
    snapshot: PolicySnapshot,
    principal: Principal,
    action: str,
    target: Resource,
    *,
    attributes: Attributes | None,
    sub_operation: str | None,
) -> Decision:
    resource = target.describe()
    if not principal.kind.is_entra:
        reason = Reason(
            ReasonCode.NOT_APPLICABLE, f"the {principal.describe()} holds no Azure role assignments"
        )
        return Decision(
            allowed=False,
            principal=principal,
            action=action,
            resource=resource,
            required=(action,),
            mode=None,
            reasons=(reason,),
        )
    requirement = Requirement((action,), classify(action))
    ids = snapshot.principal_ids(principal)
    registry = target.scope.registry
    inputs = ConditionInputs(
        principal,
        attributes,
        target.repository,
        None if registry is None else registry.name,
        sub_operation,
    )
    reports = [
        assess(c, principal.object_id, requirement, None, inputs)
        for c in snapshot.applicable(ids, target.scope)
    ]
    granted = next((r for r in reports if r.outcome is Outcome.GRANTED), None)
    if granted is not None:
        reason = Reason(
            ReasonCode.ASSIGNMENT,
            f"{granted.role_name} at {granted.scope} (assignment {granted.assignment_id}) grants {action}",
        )
    else:
        reason = Reason(
            ReasonCode.NO_ASSIGNMENT,
            f"none of the {len(reports)} role assignments at or above {target.scope.text} grants {action}",
        )
    return Decision(
        granted is not None, principal, action, resource, (action,), None, (reason,), tuple(reports)
    )


def parse_requested_scope(text: str) -> RequestedScope:
    """Parse `type:name:action[,action...]`; the name may itself contain `:` (a port)."""
    kind, sep, rest = text.strip().partition(":")
    name, sep2, actions = rest.rpartition(":")
    if not sep or not sep2 or not kind or not name:
        raise InvalidRequestedScopeError(f"{text[:200]!r} is not a 'type:name:actions' scope")
    parts = tuple(dict.fromkeys(a.strip() for a in actions.split(",") if a.strip()))
    return RequestedScope(kind, name, parts)


def grant(
    snapshot: PolicySnapshot,
    principal: Principal,
    registry: RegistryContext,
    requested: Iterable[str | RequestedScope],
    *,
    attributes: Attributes | None = None,
) -> Grant:
    """The granted subset of `requested` (for the access token's `access` claim), with reasons."""
    scopes: list[RequestedScope] = []
    for item in requested:
        if isinstance(item, RequestedScope):
            scopes.append(item)
            continue
        try:
            scopes.append(parse_requested_scope(item))
        except InvalidRequestedScopeError:
            continue  # a malformed scope is simply not granted
    merged: dict[tuple[str, str], list[str]] = {}
    for scope in scopes:
        bucket = merged.setdefault((scope.type, scope.name), [])
        bucket.extend(a for a in scope.actions if a not in bucket)
    run = _GrantRun(snapshot, prepare_subject(snapshot, principal, registry), registry, attributes)
    access: list[AccessEntry] = []
    for (kind, name), actions in merged.items():
        granted: list[str] = []
        for action in actions:
            granted.extend(run.one(kind, name, action))
        if granted:
            access.append(AccessEntry(kind, name, tuple(dict.fromkeys(granted))))
    return Grant(principal, registry, tuple(scopes), tuple(access), tuple(run.decisions))


@dataclass(slots=True)
class _GrantRun:
    """One token request: the caller is resolved once, every requested action decided against it."""

    snapshot: PolicySnapshot
    subject: Subject
    registry: RegistryContext
    attributes: Attributes | None
    decisions: list[ScopeDecision] = field(default_factory=list)

    def one(self, kind: str, name: str, action: str) -> list[str]:
        """The granted spellings for one requested (type, name, action)."""
        if kind == "registry":
            if name != "catalog" or action != "*":
                return self._refused(kind, name, action, "the only registry scope is registry:catalog:*")
            return ["*"] if self._decided(kind, name, Operation.CATALOG, "*").allowed else []
        if kind != "repository":
            return self._refused(kind, name, action, f"scope type {kind!r} is not supported")
        if action == "*":
            allowed = [
                _CANONICAL[op]
                for op in REPOSITORY_OAUTH_ACTIONS
                if self._decided(kind, name, op, _CANONICAL[op]).allowed
            ]
            return ["*"] if len(allowed) == len(REPOSITORY_OAUTH_ACTIONS) else allowed
        operation = parse_oauth_action(action)
        if operation is None:
            return self._refused(kind, name, action, f"unknown repository action {action[:40]!r}")
        return [action] if self._decided(kind, name, operation, action).allowed else []

    def _decided(self, kind: str, name: str, operation: Operation, label: str) -> Decision:
        repository = None if operation is Operation.CATALOG else name
        decision = decide_data(
            self.snapshot,
            self.subject,
            self.registry,
            need_for(operation),
            repository,
            attributes=self.attributes,
        )
        self.decisions.append(ScopeDecision(kind, name, label, decision))
        return decision

    def _refused(self, kind: str, name: str, action: str, message: str) -> list[str]:
        decision = _refuse(self.subject.principal, action, f"{kind}:{name}", message)
        self.decisions.append(ScopeDecision(kind, name, action, decision))
        return []
