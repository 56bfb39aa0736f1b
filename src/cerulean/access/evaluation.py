"""How one role assignment answers one question: role, assignable scope, mode, condition.

    role exists? ── no ──► role-not-found
    assignable at its scope? ── no ──► not-assignable-at-scope
    grants a required action in the half the question checks? ── no ──► mode-excluded if it would
        have satisfied the other mode, else lacks-permission
    condition parses? ── no ──► condition-invalid (fail closed)
    condition applies to the matched action? ── no ──► granted (a condition only narrows repository
        data actions and role-assignment writes)
    condition true? ──► granted / condition-failed (or depends-on-repository for '*')

Conditions only ever narrow their own assignment; another assignment may still grant.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.access.actions import is_condition_applicable
from cerulean.access.conditions.attributes import (
    REGISTRY_NAME,
    REPOSITORY_NAME,
    SUB_OPERATION,
    Attributes,
    AttributeSource,
    AttributeValue,
    attribute_key,
)
from cerulean.access.conditions.evaluator import EvalContext, UnknownAttributeError
from cerulean.access.decisions import AssignmentReport, Outcome
from cerulean.access.modes import ModeRule

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cerulean.access.operations import Requirement
    from cerulean.access.policy import CompiledAssignment
    from cerulean.access.principals import Principal
    from cerulean.access.roles import RoleDefinition

__all__ = ["ConditionInputs", "assess"]

_REPOSITORY_KEYS: Final = frozenset(
    {
        (AttributeSource.REQUEST, attribute_key(REPOSITORY_NAME)),
        (AttributeSource.RESOURCE, attribute_key(REPOSITORY_NAME)),
    }
)
_REGISTRY_KEY: Final = (AttributeSource.RESOURCE, attribute_key(REGISTRY_NAME))
_SUB_OPERATION_KEY: Final = (AttributeSource.REQUEST, attribute_key(SUB_OPERATION))


@dataclass(slots=True)
class ConditionInputs:
    """The attribute values conditions see for one question, built only if a condition needs them.

    The repository name is offered as both `@Request[...repositories:name]` (what ACR documents)
    and `@Resource[...repositories:name]`. For the wildcard repository `*` it is *unknown*: a
    condition that reads it cannot grant every repository.
    """

    principal: Principal
    attributes: Attributes | None
    repository: str | None
    registry_name: str | None
    sub_operation: str | None
    _values: Mapping[tuple[AttributeSource, str], AttributeValue] | None = None

    def values(self) -> Mapping[tuple[AttributeSource, str], AttributeValue]:
        """Every attribute value, computed once."""
        if self._values is None:
            values: dict[tuple[AttributeSource, str], AttributeValue] = {
                (AttributeSource.PRINCIPAL, attribute_key(k)): v for k, v in self.principal.attributes.items()
            }
            if self.attributes is not None:
                values.update(self.attributes.values)
            if self.registry_name is not None:
                values[_REGISTRY_KEY] = self.registry_name
            if self.sub_operation is not None:
                values[_SUB_OPERATION_KEY] = self.sub_operation
            if self.repository is not None and self.repository != "*":
                for key in _REPOSITORY_KEYS:
                    values[key] = self.repository
            self._values = values
        return self._values

    def context(self, action: str) -> EvalContext:
        """The evaluation context for `action`."""
        unknown = _REPOSITORY_KEYS if self.repository == "*" else frozenset()
        return EvalContext(action, self.values(), self.sub_operation, unknown)


def assess(
    compiled: CompiledAssignment,
    caller_id: str,
    required: Requirement,
    other: Requirement | None,
    inputs: ConditionInputs,
) -> AssignmentReport:
    """Evaluate one assignment against a requirement (see the module docstring for the steps)."""
    role = compiled.role
    base = (compiled, caller_id)
    if role is None:
        return AssignmentReport(*base, Outcome.ROLE_NOT_FOUND, required.any_of, required.kind)
    if not compiled.assignable:
        return AssignmentReport(*base, Outcome.NOT_ASSIGNABLE, required.any_of, required.kind)
    matched = [
        text
        for text, key in zip(required.any_of, required.keys, strict=True)
        if role.grants_key(key, required.kind)
    ]
    if not matched:
        excluded = _other_mode_match(role, other)
        return AssignmentReport(
            *base,
            Outcome.LACKS_PERMISSION if excluded is None else Outcome.MODE_EXCLUDED,
            required.any_of,
            required.kind,
            excluded_action=excluded,
            mode_rule=None if excluded is None else required.rule,
        )
    return _conditioned(compiled, caller_id, required, matched, inputs)


def _other_mode_match(role: RoleDefinition, other: Requirement | None) -> str | None:
    """The permission the role would have satisfied in the other permission mode, if any."""
    if other is None:
        return None
    for text, key in zip(other.any_of, other.keys, strict=True):
        if role.grants_key(key, other.kind):
            return text
    return None


def _conditioned(
    compiled: CompiledAssignment,
    caller_id: str,
    required: Requirement,
    matched: list[str],
    inputs: ConditionInputs,
) -> AssignmentReport:
    """The outcome once the role is known to grant `matched`: the condition decides."""

    def report(
        outcome: Outcome,
        action: str,
        *,
        rule: ModeRule | None = None,
        evaluated: bool = False,
        context: EvalContext | None = None,
    ) -> AssignmentReport:
        return AssignmentReport(
            compiled,
            caller_id,
            outcome,
            required.any_of,
            required.kind,
            action,
            None,
            rule,
            evaluated,
            context,
        )

    condition = compiled.condition
    if compiled.condition_error is not None:
        return report(Outcome.CONDITION_INVALID, matched[0])
    if condition is None:
        return report(Outcome.GRANTED, matched[0])
    unconditionable = next((a for a in matched if not is_condition_applicable(a)), None)
    if unconditionable is not None:
        return report(Outcome.GRANTED, unconditionable, rule=ModeRule.CONDITIONS_REPOSITORY_ONLY)
    depends = False
    for action in matched:
        ctx = inputs.context(action)
        try:
            holds = condition.evaluate(ctx)
        except UnknownAttributeError:
            depends = True
            continue
        if holds:
            return report(Outcome.GRANTED, action, evaluated=True, context=ctx)
    if depends:
        return report(Outcome.CONDITION_DEPENDS_ON_REPOSITORY, matched[0], evaluated=True)
    return report(Outcome.CONDITION_FAILED, matched[0], evaluated=True, context=inputs.context(matched[0]))
