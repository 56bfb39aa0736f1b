"""Data-plane decisions: may this caller perform this registry operation on this repository?

Each kind of caller has exactly one source of rights (reference §12): role assignments for Entra
principals (evaluated in the registry's permission mode), the scope map of a repository-scoped token,
the admin account's fixed rights, and anonymous pull for the caller with no credentials. Anonymous
pull is *not* added to an authenticated caller's rights: ACR tells users who were logged in to
`docker logout` before pulling anonymously, or see "pull access denied" (anonymous-pull-access.md).
So a token never exceeds its scope map, even where anyone could pull the same image anonymously.
Network rules run before any of this and are not the engine's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.access.decisions import AssignmentReport, Decision, Outcome, Reason, ReasonCode
from cerulean.access.evaluation import ConditionInputs, assess
from cerulean.access.modes import ModeRule, PermissionMode
from cerulean.access.operations import DataNeed, Requirement
from cerulean.access.principals import Principal, PrincipalKind
from cerulean.access.scopemaps import ScopeMap, TokenStatus
from cerulean.core.names import is_valid_name

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cerulean.access.conditions.attributes import Attributes
    from cerulean.access.context import RegistryContext
    from cerulean.access.policy import CompiledAssignment, PolicySnapshot

__all__ = ["Subject", "decide_data", "prepare_subject"]

_OTHER_MODE: Final = {
    PermissionMode.LEGACY: PermissionMode.ABAC,
    PermissionMode.ABAC: PermissionMode.LEGACY,
}


@dataclass(frozen=True, slots=True)
class Subject:
    """A caller prepared for one registry: its ids and the assignments that reach the registry."""

    principal: Principal
    ids: tuple[str, ...]
    candidates: tuple[CompiledAssignment, ...]


def prepare_subject(snapshot: PolicySnapshot, principal: Principal, registry: RegistryContext) -> Subject:
    """Resolve groups and collect the assignments at the registry or above (once per request)."""
    ids = snapshot.principal_ids(principal)
    return Subject(principal, ids, snapshot.applicable(ids, registry.resource_id) if ids else ())


def _resource(registry: RegistryContext, need: DataNeed, repository: str | None) -> str:
    if not need.repository_scoped:
        return f"catalog of registry {registry.name}"  # "list the catalog of ..."
    if repository == "*":
        return f"every repository in registry {registry.name}"
    return f"repository {repository!r} in registry {registry.name}"


def decide_data(
    snapshot: PolicySnapshot,
    subject: Subject,
    registry: RegistryContext,
    need: DataNeed,
    repository: str | None,
    *,
    attributes: Attributes | None = None,
    sub_operation: str | None = None,
) -> Decision:
    """Decide one data-plane operation (see the module docstring)."""
    principal = subject.principal
    resource = _resource(registry, need, repository)
    if need.repository_scoped and (
        repository is None or (repository != "*" and not is_valid_name(repository))
    ):
        reason = Reason(ReasonCode.INVALID_REQUEST, f"{repository!r} is not a valid repository name")
        return Decision(
            allowed=False,
            principal=principal,
            action=need.name,
            resource=resource,
            required=(),
            mode=registry.mode,
            reasons=(reason,),
        )
    kind = principal.kind
    required: tuple[str, ...] = ()
    reports: Sequence[AssignmentReport] = ()
    if kind is PrincipalKind.ANONYMOUS:
        allowed, reasons = _anonymous(registry, need)
    elif kind is PrincipalKind.ADMIN:
        allowed, reasons = _admin(registry, need)
    elif kind is PrincipalKind.TOKEN:
        allowed, reasons, required = _token(snapshot, principal, registry, need, repository)
    else:
        allowed, reasons, required, reports = _entra(
            subject, registry, need, repository, attributes=attributes, sub_operation=sub_operation
        )
    return Decision(
        allowed,
        principal,
        need.name,
        resource,
        required,
        registry.mode,
        tuple(reasons),
        tuple(reports),
    )


def _anonymous(registry: RegistryContext, need: DataNeed) -> tuple[bool, list[Reason]]:
    if not need.anonymous:
        return False, [Reason(ReasonCode.ANONYMOUS_NOT_ALLOWED, "anonymous callers may only pull")]
    if registry.anonymous_pull:
        reason = Reason(
            ReasonCode.ANONYMOUS_PULL,
            "anonymous pull is enabled on registry {0.name}: anyone may pull any repository",
            None,
            (registry,),
        )
        return True, [reason]
    if registry.anonymous_pull_enabled:
        message = f"anonymous pull is not available on the {registry.sku} SKU"
    else:
        message = f"anonymous pull is disabled on registry {registry.name}"
    return False, [Reason(ReasonCode.ANONYMOUS_NOT_ALLOWED, message)]


def _admin(registry: RegistryContext, need: DataNeed) -> tuple[bool, list[Reason]]:
    if not registry.admin_user_enabled:
        return False, [Reason(ReasonCode.ADMIN_DISABLED, f"the admin user of {registry.name} is disabled")]
    if not need.admin:
        return False, [Reason(ReasonCode.NOT_APPLICABLE, f"the admin account cannot perform {need.name}")]
    return True, [Reason(ReasonCode.ADMIN_ACCOUNT, "the admin account has full push and pull rights")]


def _token_scope_map(
    snapshot: PolicySnapshot, principal: Principal, registry: RegistryContext
) -> ScopeMap | Reason:
    """The token's scope map, or why the token cannot be used at all."""
    name = principal.object_id
    token = snapshot.token(registry.resource_id, name)
    problem: str | None = None
    if token is None:
        problem = f"registry {registry.name} has no token {name!r}"
    elif token.status is not TokenStatus.ENABLED:
        problem = f"token {name!r} is disabled"
    elif not token.scope_map_in_registry:
        problem = f"token {name!r} names a scope map outside its registry"
    else:
        scope_map = snapshot.scope_map(registry.resource_id, token.scope_map_name)
        if scope_map is not None:
            return scope_map
        problem = f"scope map {token.scope_map_name!r} of token {name!r} does not exist"
    return Reason(ReasonCode.TOKEN_UNUSABLE, problem)


def _token(
    snapshot: PolicySnapshot,
    principal: Principal,
    registry: RegistryContext,
    need: DataNeed,
    repository: str | None,
) -> tuple[bool, list[Reason], tuple[str, ...]]:
    scope_map = _token_scope_map(snapshot, principal, registry)
    if isinstance(scope_map, Reason):
        return False, [scope_map], ()
    action = need.token_action
    if action is None or repository is None:
        reason = Reason(
            ReasonCode.TOKEN_NOT_PERMITTED,
            f"repository-scoped tokens cannot perform {need.name} (no scope-map action exists for it)",
        )
        return False, [reason], ()
    required: tuple[str, ...] = (f"repositories/{repository}/{action}",)
    granting: tuple[str, ...]
    if repository == "*":
        granting = (f"repositories/*/{action}",) if action in scope_map.allowed_everywhere() else ()
    else:
        granting = scope_map.granting_entries(repository, action)
    if granting:
        reason = Reason(
            ReasonCode.TOKEN_SCOPE_MAP,
            "scope map {0!r} grants {1} through {2}",
            None,
            (scope_map.name, action, ", ".join(granting)),
        )
        return True, [reason], required
    reason = Reason(
        ReasonCode.TOKEN_NOT_PERMITTED,
        "no entry of scope map {0!r} grants {1} on {2!r}",
        None,
        (scope_map.name, action, repository),
    )
    return False, [reason], required


def _entra(
    subject: Subject,
    registry: RegistryContext,
    need: DataNeed,
    repository: str | None,
    *,
    attributes: Attributes | None,
    sub_operation: str | None,
) -> tuple[bool, list[Reason], tuple[str, ...], Sequence[AssignmentReport]]:
    principal = subject.principal
    if registry.tenant_id and principal.tenant_id and registry.tenant_id != principal.tenant_id:
        reason = Reason(
            ReasonCode.TENANT_MISMATCH,
            f"the caller is from tenant {principal.tenant_id}, the registry belongs to {registry.tenant_id}",
        )
        return False, [reason], (), ()
    requirement = need.requirement(registry.mode)
    if isinstance(requirement, ModeRule):
        reason = Reason(
            ReasonCode.UNSUPPORTED_IN_MODE,
            f"{need.name} is not available in {registry.mode.display_name} mode",
            requirement,
        )
        return False, [reason], (), ()
    other = need.requirement(_OTHER_MODE[registry.mode])
    inputs = ConditionInputs(principal, attributes, repository, registry.name, sub_operation)
    reports = [
        assess(
            c,
            principal.object_id,
            requirement,
            other if isinstance(other, Requirement) else None,
            inputs,
        )
        for c in subject.candidates
    ]
    allowed, reasons = _summarise(reports, requirement, principal, len(subject.ids))
    return allowed, reasons, requirement.any_of, reports


def _summarise(
    reports: list[AssignmentReport], requirement: Requirement, principal: Principal, ids: int
) -> tuple[bool, list[Reason]]:
    # Reasons are templates with arguments: the token service never pays for the wording.
    for report in reports:
        if report.outcome is Outcome.GRANTED:
            return True, [
                Reason(
                    ReasonCode.ASSIGNMENT,
                    "{0.role_name} at {0.scope} (assignment {0.assignment_id}) grants {1}",
                    None,
                    (report, requirement.text),
                )
            ]
    excluded = next((r.mode_rule for r in reports if r.outcome is Outcome.MODE_EXCLUDED), None)
    if not reports:
        groups = f" or any of its {ids - 1} groups" if ids > 1 else ""
        return False, [
            Reason(
                ReasonCode.NO_ASSIGNMENT,
                "no role assignment for {0}{1} reaches this registry",
                excluded,
                (principal, groups),
            )
        ]
    return False, [
        Reason(
            ReasonCode.NO_ASSIGNMENT,
            "none of the {0} role assignments reaching this registry grants {1}",
            excluded,
            (len(reports), requirement.text),
        )
    ]
