"""One assignment against one requirement: every outcome of `assess`."""

from __future__ import annotations

from cerulean.access import (
    Outcome,
    PolicySnapshot,
    Principal,
    RoleAssignment,
    RoleDefinition,
    ScopeHierarchy,
)
from cerulean.access.evaluation import ConditionInputs, assess
from cerulean.access.modes import PermissionMode
from cerulean.access.operations import Operation, need_for

from .support import ALICE, CONTENT_READ, DEVS, REGISTRY, SUB, alice, assign, repo_condition

PULL = need_for(Operation.PULL)
LEGACY = PULL.requirement(PermissionMode.LEGACY)
ABAC = PULL.requirement(PermissionMode.ABAC)


def _one(assignment, *, roles=(), repository="team/app", required=ABAC, other=LEGACY, hierarchy=None):
    snap = PolicySnapshot(roles=roles, assignments=[assignment], hierarchy=hierarchy)
    inputs = ConditionInputs(alice(), None, repository, "contoso", None)
    return assess(snap.assignments[0], ALICE, required, other, inputs)


def test_granted_without_condition():
    report = _one(assign("Container Registry Repository Reader"))
    assert report.outcome is Outcome.GRANTED
    assert report.matched_action == CONTENT_READ
    assert not report.condition_evaluated
    assert "grants" in report.detail


def test_mode_excluded_names_the_permission_it_would_have_used():
    report = _one(assign("AcrPull"))
    assert report.outcome is Outcome.MODE_EXCLUDED
    assert report.excluded_action == "Microsoft.ContainerRegistry/registries/pull/read"
    assert report.mode_rule is not None
    assert report.mode_rule.code == "abac-checks-data-actions"


def test_lacks_permission_when_no_mode_would_help():
    report = _one(assign("AcrDelete"))
    assert report.outcome is Outcome.LACKS_PERMISSION
    assert "does not grant" in report.detail


def test_condition_holds_and_fails_with_the_clause_explained():
    condition = repo_condition("StringEqualsIgnoreCase", "team/app")
    assert (
        _one(assign("Container Registry Repository Reader", condition=condition)).outcome is Outcome.GRANTED
    )
    report = _one(assign("Container Registry Repository Reader", condition=condition), repository="evil/app")
    assert report.outcome is Outcome.CONDITION_FAILED
    clause = report.clause
    assert clause is not None
    assert clause.index == 1
    assert any("'evil/app'" in reason for reason in clause.reasons)


def test_condition_that_does_not_parse_fails_closed():
    report = _one(assign("Container Registry Repository Reader", condition="@Request[x] Nope 'y'"))
    assert report.outcome is Outcome.CONDITION_INVALID
    assert "does not parse" in report.detail


def test_condition_on_the_wildcard_repository_depends_on_the_name():
    condition = repo_condition("StringStartsWith", "team/")
    report = _one(assign("Container Registry Repository Reader", condition=condition), repository="*")
    assert report.outcome is Outcome.CONDITION_DEPENDS_ON_REPOSITORY
    assert report.clause is None


def test_condition_is_not_evaluated_for_registry_actions():
    never = "@Request[Microsoft.ContainerRegistry/registries/repositories:name] StringEquals 'x'"
    report = _one(assign("AcrPull", condition=never), required=LEGACY, other=ABAC, repository="y")
    assert report.outcome is Outcome.GRANTED
    assert report.mode_rule is not None
    assert report.mode_rule.code == "conditions-repository-only"
    assert "not evaluated" in report.detail


def test_unknown_role_and_unassignable_scope():
    ghost = RoleAssignment.of("ra-ghost", REGISTRY, "12345678-1234-4234-8234-123456789012", ALICE)
    assert _one(ghost).outcome is Outcome.ROLE_NOT_FOUND
    custom = RoleDefinition.from_arm(
        {
            "name": "0f0f0f0f-0000-4000-8000-000000000001",
            "properties": {
                "roleName": "Other-sub reader",
                "assignableScopes": ["/subscriptions/22222222-2222-2222-2222-222222222222"],
                "permissions": [{"dataActions": [CONTENT_READ]}],
            },
        }
    )
    report = _one(assign(custom), roles=[custom])
    assert report.outcome is Outcome.NOT_ASSIGNABLE
    inside = RoleDefinition.from_arm(
        {
            "name": "0f0f0f0f-0000-4000-8000-000000000002",
            "properties": {
                "roleName": "Group reader",
                "assignableScopes": ["/providers/Microsoft.Management/managementGroups/corp"],
                "permissions": [{"dataActions": [CONTENT_READ]}],
            },
        }
    )
    tree = ScopeHierarchy(subscription_groups={SUB: "corp"})
    assert _one(assign(inside), roles=[inside], hierarchy=tree).outcome is Outcome.GRANTED
    assert _one(assign(inside), roles=[inside]).outcome is Outcome.NOT_ASSIGNABLE


def test_via_group_is_reported():
    report = _one(assign("Container Registry Repository Reader", principal=DEVS, principal_type="Group"))
    assert report.via_group
    assert report.principal_id == DEVS
    assert not _one(assign("Container Registry Repository Reader")).via_group


def test_principal_attributes_reach_conditions():
    condition = (
        "@Principal[contoso_Team] StringEquals 'platform' AND "
        "@Resource[Microsoft.ContainerRegistry/registries:name] StringEquals 'contoso'"
    )
    snap = PolicySnapshot(assignments=[assign("Container Registry Repository Reader", condition=condition)])
    member = Principal.user(ALICE, attributes={"contoso_Team": "platform"})
    other = Principal.user(ALICE, attributes={"contoso_Team": "web"})
    for caller, outcome in ((member, Outcome.GRANTED), (other, Outcome.CONDITION_FAILED)):
        inputs = ConditionInputs(caller, None, "team/app", "contoso", None)
        assert assess(snap.assignments[0], ALICE, ABAC, LEGACY, inputs).outcome is outcome
