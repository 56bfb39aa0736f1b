"""Role assignments: validation, ARM JSON, and the rules the management plane enforces."""

from __future__ import annotations

import pytest

from cerulean.access import ConditionParseError, RoleAssignment, builtin_role, check_assignment
from cerulean.access.errors import InvalidAssignmentError
from cerulean.access.roles import RoleDefinition
from cerulean.access.scopes import ScopeHierarchy

from .support import ALICE, REGISTRY, SUB, repo_condition

READER = builtin_role("Container Registry Repository Reader")


def test_condition_version_defaults_to_2_0_and_nothing_else_is_accepted():
    a = RoleAssignment.of("a", REGISTRY, READER, ALICE, condition=repo_condition("StringEquals", "x"))
    assert a.condition_version == "2.0"
    assert RoleAssignment.of("a", REGISTRY, READER, ALICE, condition="  ").condition is None
    assert RoleAssignment.of("a", REGISTRY, READER, ALICE, condition_version="2.0").condition_version is None
    with pytest.raises(InvalidAssignmentError):
        RoleAssignment.of("a", REGISTRY, READER, ALICE, condition="x", condition_version="1.0")


@pytest.mark.parametrize(
    ("principal", "principal_type"),
    [("not-a-guid", "User"), (ALICE, "Robot")],
)
def test_invalid_principals(principal, principal_type):
    with pytest.raises(InvalidAssignmentError):
        RoleAssignment.of("a", REGISTRY, READER, principal, principal_type=principal_type)


def test_from_arm():
    document = {
        "id": f"{REGISTRY}/providers/Microsoft.Authorization/roleAssignments/r1",
        "name": "r1",
        "properties": {
            "roleDefinitionId": (
                f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{READER.id}"
            ),
            "principalId": ALICE.upper(),
            "principalType": "ServicePrincipal",
            "condition": repo_condition("StringEqualsIgnoreCase", "app"),
            "conditionVersion": "2.0",
        },
    }
    a = RoleAssignment.from_arm(document)
    assert a.scope.key == REGISTRY.casefold()
    assert a.role_definition_id == READER.id
    assert a.principal_id == ALICE
    assert a.principal_type == "ServicePrincipal"
    with pytest.raises(InvalidAssignmentError):
        RoleAssignment.from_arm({"properties": {"principalId": ALICE}})


def test_check_assignment_accepts_the_documented_shape():
    a = RoleAssignment.of(
        "a", REGISTRY, READER, ALICE, condition=repo_condition("StringEqualsIgnoreCase", "x")
    )
    check_assignment(a, READER)


def test_check_assignment_rejects_conditions_on_roles_they_cannot_restrict():
    for name in ("AcrPull", "Container Registry Repository Catalog Lister", "Owner"):
        role = builtin_role(name)
        a = RoleAssignment.of("a", REGISTRY, role, ALICE, condition=repo_condition("StringEquals", "x"))
        with pytest.raises(InvalidAssignmentError):
            check_assignment(a, role)


def test_check_assignment_reports_condition_syntax_with_position():
    a = RoleAssignment.of("a", REGISTRY, READER, ALICE, condition="@Request[x] StringEquals")
    with pytest.raises(ConditionParseError) as info:
        check_assignment(a, READER)
    assert info.value.offset == len("@Request[x] StringEquals")


def test_check_assignment_enforces_assignable_scopes():
    role = RoleDefinition.from_arm(
        {
            "name": "0f0f0f0f-0000-4000-8000-000000000003",
            "properties": {
                "roleName": "corp only",
                "assignableScopes": ["/providers/Microsoft.Management/managementGroups/corp"],
                "permissions": [{"actions": ["*/read"]}],
            },
        }
    )
    a = RoleAssignment.of("a", REGISTRY, role, ALICE)
    with pytest.raises(InvalidAssignmentError):
        check_assignment(a, role)
    check_assignment(a, role, ScopeHierarchy(subscription_groups={SUB: "corp"}))
