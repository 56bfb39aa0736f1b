"""Render decisions and grants for people (`cerulean access explain`) and for machines (JSON).

The text names, for every assignment considered: the role (name and GUID), the scope, the assignment
id, whether it reached the caller through a group, what it contributed, the mode rule that excluded
it, and for a false condition the failing clause with the attribute values that made it false.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from cerulean.access.actions import ActionKind
from cerulean.access.decisions import AssignmentReport, Decision, Grant

__all__ = ["Explanation", "explain"]

_WIDTH: Final = 12  # indentation of continuation lines under an assignment


@dataclass(frozen=True, slots=True)
class Explanation:
    """A decision's account as text and as JSON-friendly data."""

    text: str
    data: dict[str, Any]


def explain(subject: Decision | Grant) -> Explanation:
    """Explain a `Decision` or a `Grant`."""
    if isinstance(subject, Grant):
        return Explanation("\n".join(_grant_lines(subject)), _grant_json(subject))
    return Explanation("\n".join(_decision_lines(subject)), subject.to_json())


_VERBS: Final = {
    "pull": "pull",
    "push": "push to",
    "delete": "delete from",
    "metadata_read": "read the metadata of",
    "metadata_write": "write the metadata of",
    "catalog": "list the",
    "sign": "sign images in",
    "read_quarantined": "read quarantined images in",
    "write_quarantine": "change quarantine state in",
}


def _decision_lines(decision: Decision) -> list[str]:
    verdict = "ALLOWED" if decision.allowed else "DENIED"
    may = "may" if decision.allowed else "may not"
    verb = _VERBS.get(decision.action, f"perform {decision.action} on")
    lines = [f"{verdict}: {decision.principal.describe()} {may} {verb} {decision.resource}"]
    if decision.mode is not None:
        lines.append(f"permission mode: {decision.mode.display_name} ({decision.mode})")
    if decision.required:
        kind = _kind_of(decision)
        lines.append(f"required: {' or '.join(decision.required)}{kind}")
    lines.append("reasons:")
    for reason in decision.reasons:
        rule = "" if reason.mode_rule is None else f" (rule {reason.mode_rule.code})"
        lines.append(f"  - {reason.message}{rule}")
    if decision.assignments:
        lines.append(f"assignments considered ({len(decision.assignments)}):")
        for report in decision.assignments:
            lines.extend(_assignment_lines(report))
    rules = dict.fromkeys(
        rule
        for rule in (
            *(r.mode_rule for r in decision.reasons),
            *(a.mode_rule for a in decision.assignments),
        )
        if rule is not None
    )
    if rules:
        lines.append("rules applied:")
        lines.extend(f"  {rule.code}: {rule.text}" for rule in rules)
    return lines


def _kind_of(decision: Decision) -> str:
    if not decision.assignments:
        return ""
    kind = decision.assignments[0].kind
    return " (in the role's dataActions)" if kind is ActionKind.DATA_ACTION else " (in the role's actions)"


def _assignment_lines(report: AssignmentReport) -> list[str]:
    pad = " " * _WIDTH
    marker = f"[{report.outcome}]"
    lines = [
        f"  {marker} {report.role_name} ({report.role_id})",
        f"{pad}at {report.scope}",
        f"{pad}assignment {report.assignment_id}"
        + (f", through group {report.principal_id}" if report.via_group else ""),
        f"{pad}{report.detail}",
    ]
    if report.mode_rule is not None:
        lines.append(f"{pad}rule {report.mode_rule.code}")
    clause = report.clause
    if clause is not None:
        lines.append(f"{pad}failed clause {clause.index}: {clause.clause}")
        lines.extend(f"{pad}  - {why}" for why in clause.reasons)
    return lines


def _grant_lines(grant: Grant) -> list[str]:
    registry = grant.registry
    lines = [
        f"token request by {grant.principal.describe()} for registry {registry.name}",
        f"permission mode: {registry.mode.display_name} ({registry.mode})",
        "requested: " + (" ".join(str(s) for s in grant.requested) or "(nothing)"),
        "granted access claim:",
    ]
    if not grant.access:
        lines.append("  (nothing)")
    lines.extend(f"  {e.type}:{e.name}:{','.join(e.actions)}" for e in grant.access)
    for item in grant.decisions:
        lines.append("")
        lines.append(f"== {item.type}:{item.name} action {item.action}")
        lines.extend(_decision_lines(item.decision))
    return lines


def _grant_json(grant: Grant) -> dict[str, Any]:
    return {
        "principal": {
            "kind": str(grant.principal.kind),
            "id": grant.principal.object_id,
            "tenantId": grant.principal.tenant_id,
        },
        "registry": grant.registry.resource_id.text,
        "mode": str(grant.registry.mode),
        "requested": [str(s) for s in grant.requested],
        "access": grant.claim(),
        "decisions": [
            {"type": d.type, "name": d.name, "action": d.action, "decision": d.decision.to_json()}
            for d in grant.decisions
        ],
    }
