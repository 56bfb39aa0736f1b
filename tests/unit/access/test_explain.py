"""The explanation users see: it names assignment, role, scope, mode rule, clause and value."""

from __future__ import annotations

import json

from cerulean.access import Principal, Resource, builtin_role, decide, explain, grant

from .support import DEVS, REGISTRY, alice, assign, registry, repo_condition, snapshot


def _denied_in_abac():
    snap = snapshot(
        assign("AcrPull"),
        assign(
            "Container Registry Repository Reader",
            principal=DEVS,
            principal_type="Group",
            condition=repo_condition("StringStartsWithIgnoreCase", "backend/"),
        ),
        group_memberships={alice().object_id: [DEVS]},
    )
    return snap, decide(
        snap, alice(), "pull", Resource.of(REGISTRY, "frontend/web"), registry=registry("rbac-abac")
    )


def test_text_names_everything_that_was_considered():
    _snap, decision = _denied_in_abac()
    text = explain(decision).text
    reader = builtin_role("Container Registry Repository Reader")
    pull = builtin_role("AcrPull")
    assert text.startswith("DENIED")
    assert "RBAC Registry + ABAC Repository Permissions" in text
    for report in decision.assignments:
        assert report.assignment_id in text
    assert f"{reader.name} ({reader.id})" in text
    assert f"{pull.name} ({pull.id})" in text
    assert REGISTRY in text
    assert "through group " + DEVS in text
    assert "abac-checks-data-actions" in text
    assert "failed clause 1" in text
    assert "'frontend/web'" in text
    assert "StringStartsWithIgnoreCase 'backend/'" in text


def test_json_is_serialisable_and_structured():
    _, decision = _denied_in_abac()
    data = explain(decision).data
    json.dumps(data)
    assert data["allowed"] is False
    outcomes = {a["outcome"] for a in data["assignments"]}
    assert outcomes == {"mode-excluded", "condition-failed"}
    failed = next(a for a in data["assignments"] if a["outcome"] == "condition-failed")
    assert failed["failedClause"]["clause"] == 1
    assert failed["viaGroup"] is True
    excluded = next(a for a in data["assignments"] if a["outcome"] == "mode-excluded")
    assert excluded["modeRule"]["code"] == "abac-checks-data-actions"


def test_allowed_decision_names_the_granting_assignment():
    snap = snapshot(assign("AcrPush"))
    decision = decide(snap, alice(), "push", Resource.of(REGISTRY, "app"), registry=registry("rbac"))
    text = explain(decision).text
    assert text.startswith("ALLOWED")
    assert decision.granted_by[0].assignment_id in text
    assert "Microsoft.ContainerRegistry/registries/push/write" in text


def test_grant_explanation_lists_the_claim_and_each_action():
    snap = snapshot(assign("AcrPull"))
    result = grant(snap, alice(), registry("rbac"), ["repository:app:pull,push", "registry:catalog:*"])
    account = explain(result)
    assert "repository:app:pull" in account.text
    assert "registry:catalog:*" in account.text
    assert "== repository:app action push" in account.text
    assert account.data["access"] == result.claim()
    assert len(account.data["decisions"]) == 3
    json.dumps(account.data)


def test_non_rbac_callers_are_explained_without_assignments():
    reg = registry("rbac", admin_user_enabled=True)
    decision = decide(
        snapshot(), Principal.admin("contoso"), "delete", Resource.of(REGISTRY, "app"), registry=reg
    )
    text = explain(decision).text
    assert "admin account" in text
    assert "assignments considered" not in text
