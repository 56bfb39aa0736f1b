"""The role x mode x operation matrix of reference §3.6, ACR's traps, and `decide`/`grant` dispatch."""

from __future__ import annotations

import pytest

from cerulean.access import (
    Attributes,
    Operation,
    Principal,
    RegistryContext,
    Resource,
    builtin_role,
    decide,
    grant,
    parse_requested_scope,
)
from cerulean.access.errors import InvalidRequestedScopeError

from .support import (
    ALICE,
    BOB,
    CONTENT_DELETE,
    CONTENT_READ,
    CONTENT_WRITE,
    DEVS,
    FAR_REGISTRY,
    METADATA_WRITE,
    OTHER_REGISTRY,
    REGISTRY,
    RG,
    SUB,
    alice,
    assign,
    registry,
    repo_condition,
    snapshot,
)

ACTIONS = ("pull", "push", "delete", "metadata_read", "metadata_write", "catalog")

# Expected rights per role and mode, from reference §3.5/§3.6 and the roles directory. One letter per
# entry of ACTIONS: P pull, W push, D delete, R metadata_read, M metadata_write, C catalog; "-" none.
MATRIX = {
    "Owner": ("PWDRMC", "------"),
    "Contributor": ("PWDRMC", "------"),
    "Reader": ("P--R-C", "------"),
    "User Access Administrator": ("P--R-C", "------"),
    "AcrPull": ("P--R-C", "------"),
    "AcrPush": ("PW-R-C", "------"),
    "AcrDelete": ("--D---", "------"),
    "AcrImageSigner": ("------", "------"),
    "AcrQuarantineReader": ("------", "------"),
    "AcrQuarantineWriter": ("------", "------"),
    "Container Registry Repository Reader": ("------", "P--R--"),
    "Container Registry Repository Writer": ("------", "PW-RM-"),
    "Container Registry Repository Contributor": ("------", "PWDRM-"),
    "Container Registry Repository Catalog Lister": ("------", "-----C"),
    "Container Registry Data Importer and Data Reader": ("P--R-C", "P--R-C"),
    "Container Registry Contributor and Data Access Configuration Administrator": (
        "------",
        "------",
    ),
    "Container Registry Configuration Reader and Data Access Configuration Reader": (
        "------",
        "------",
    ),
    "Container Registry Tasks Contributor": ("------", "------"),
}
MODES = {"rbac": 0, "rbac-abac": 1}


def _expected(role: str, mode: str) -> set[str]:
    letters = MATRIX[role][MODES[mode]]
    return {action for action, letter in zip(ACTIONS, letters, strict=True) if letter != "-"}


def _granted(snap, principal, reg, repository="team/app") -> set[str]:
    result = grant(
        snap,
        principal,
        reg,
        [f"repository:{repository}:pull,push,delete,metadata_read,metadata_write", "registry:catalog:*"],
    )
    rights = set()
    for entry in result.access:
        if entry.type == "registry":
            rights.add("catalog")
        else:
            rights.update(entry.actions)
    return rights


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("role", list(MATRIX))
def test_role_mode_matrix(role, mode):
    snap = snapshot(assign(role))
    assert _granted(snap, alice(), registry(mode)) == _expected(role, mode)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("role", list(MATRIX))
def test_matrix_from_the_attacker_side(role, mode):
    # Same assignment, but the caller is someone else, or the registry is another one.
    snap = snapshot(assign(role))
    assert _granted(snap, Principal.user(BOB), registry(mode)) == set()
    other = RegistryContext.of(OTHER_REGISTRY, mode=mode)
    assert _granted(snap, alice(), other) == set()


@pytest.mark.parametrize(
    ("scope", "reaches"),
    [
        ("/", True),
        (f"/subscriptions/{SUB}", True),
        (RG, True),
        (REGISTRY, True),
        (OTHER_REGISTRY, False),
        (f"{REGISTRY}/scopeMaps/_repositories_pull", False),
        (FAR_REGISTRY, False),
    ],
)
def test_an_assignment_applies_at_its_scope_and_below(scope, reaches):
    snap = snapshot(assign("AcrPull", scope=scope))
    assert ("pull" in _granted(snap, alice(), registry())) is reaches


_LEGACY_READERS = {"Owner", "Contributor", "Reader", "AcrPull", "AcrPush"}
_REPO_READERS = {
    "Container Registry Repository Reader",
    "Container Registry Repository Writer",
    "Container Registry Repository Contributor",
}
_CANDIDATES = [
    "Owner",
    "Contributor",
    "Reader",
    "AcrPull",
    "AcrPush",
    "AcrDelete",
    "AcrImageSigner",
    "AcrQuarantineReader",
    "AcrQuarantineWriter",
    *sorted(_REPO_READERS),
]


@pytest.mark.parametrize(
    ("operation", "legacy_roles", "abac_roles"),
    [
        (Operation.SIGN, {"Owner", "Contributor", "AcrImageSigner"}, set()),
        (
            Operation.READ_QUARANTINED,
            {"Owner", "Contributor", "Reader", "AcrQuarantineReader", "AcrQuarantineWriter"},
            {"AcrQuarantineReader", "AcrQuarantineWriter"},
        ),
        (
            Operation.WRITE_QUARANTINE,
            {"Owner", "Contributor", "AcrQuarantineWriter"},
            {"AcrQuarantineWriter"},
        ),
        (
            Operation.LOCK,
            {"Owner", "Contributor"},
            _REPO_READERS - {"Container Registry Repository Reader"},
        ),
        (
            # §3.5/§3.6: AcrPush tags and untags; AcrDelete deletes tags; in ABAC mode, metadata/write.
            Operation.UNTAG,
            {"Owner", "Contributor", "AcrPush", "AcrDelete"},
            {"Container Registry Repository Writer", "Container Registry Repository Contributor"},
        ),
        (Operation.LIST_TAGS, _LEGACY_READERS, _REPO_READERS),
        (Operation.LIST_REFERRERS, _LEGACY_READERS, _REPO_READERS),
    ],
)
def test_operations_beyond_oauth_scopes(operation, legacy_roles, abac_roles):
    for mode, expected in (("rbac", legacy_roles), ("rbac-abac", abac_roles)):
        allowed = {
            role
            for role in _CANDIDATES
            if decide(
                snapshot(assign(role)),
                alice(),
                operation,
                Resource.of(REGISTRY, "team/app"),
                registry=registry(mode),
            ).allowed
        }
        assert allowed == expected, mode


# -- ACR's traps (reference §4.3/§4.4) ------------------------------------------------------------


def test_prefix_without_trailing_slash_also_matches_lookalike_repositories():
    snap = snapshot(
        assign(
            "Container Registry Repository Reader",
            condition=repo_condition("StringStartsWithIgnoreCase", "backend"),
        )
    )
    for repository in ("backend", "backend-infra/k8s", "backend-backup/store", "backendsvc/containers"):
        assert "pull" in _granted(snap, alice(), registry("rbac-abac"), repository)
    assert "pull" not in _granted(snap, alice(), registry("rbac-abac"), "frontend/web")


def test_prefix_with_trailing_slash_matches_only_below_it():
    snap = snapshot(
        assign(
            "Container Registry Repository Reader",
            condition=repo_condition("StringStartsWithIgnoreCase", "backend/"),
        )
    )
    assert "pull" in _granted(snap, alice(), registry("rbac-abac"), "backend/api")
    assert "pull" not in _granted(snap, alice(), registry("rbac-abac"), "backend-infra/k8s")


def test_a_condition_guarding_only_reads_leaves_writes_unrestricted():
    snap = snapshot(
        assign(
            "Container Registry Repository Writer",
            condition=repo_condition("StringEqualsIgnoreCase", "hello-world"),
        )
    )
    rights = _granted(snap, alice(), registry("rbac-abac"), "someone-else/app")
    assert rights == {"push", "metadata_write"}
    assert _granted(snap, alice(), registry("rbac-abac"), "hello-world") == {
        "pull",
        "push",
        "metadata_read",
        "metadata_write",
    }


def test_guarding_every_action_restricts_every_action():
    condition = repo_condition(
        "StringEqualsIgnoreCase",
        "hello-world",
        CONTENT_READ,
        CONTENT_WRITE,
        METADATA_WRITE,
        CONTENT_DELETE,
    )
    snap = snapshot(assign("Container Registry Repository Contributor", condition=condition))
    assert _granted(snap, alice(), registry("rbac-abac"), "someone-else/app") == {"metadata_read"}


@pytest.mark.parametrize("role", ["AcrPull", "AcrPush", "AcrDelete"])
def test_legacy_roles_are_ignored_in_abac_mode(role):
    snap = snapshot(assign(role))
    assert _granted(snap, alice(), registry("rbac-abac")) == set()
    assert _granted(snap, alice(), registry("rbac")) != set()


@pytest.mark.parametrize("role", ["Owner", "Contributor", "Reader"])
def test_control_plane_roles_have_no_data_access_in_abac_mode(role):
    snap = snapshot(assign(role, scope="/"))
    assert _granted(snap, alice(), registry("rbac-abac")) == set()
    # ... but keep their management rights, which do not depend on the mode.
    assert decide(snap, alice(), "Microsoft.ContainerRegistry/registries/read", REGISTRY).allowed


def test_catalog_lister_is_never_conditioned():
    never = repo_condition(
        "StringEquals", "nothing-matches", "Microsoft.ContainerRegistry/registries/catalog/read"
    )
    snap = snapshot(assign("Container Registry Repository Catalog Lister", condition=never))
    assert _granted(snap, alice(), registry("rbac-abac")) == {"catalog"}


def test_repository_roles_do_not_list_the_catalog_and_do_nothing_in_legacy_mode():
    snap = snapshot(assign("Container Registry Repository Contributor"))
    assert "catalog" not in _granted(snap, alice(), registry("rbac-abac"))
    assert _granted(snap, alice(), registry("rbac")) == set()


def test_assignments_are_additive_across_roles_and_groups():
    snap = snapshot(
        assign(
            "Container Registry Repository Reader",
            condition=repo_condition("StringStartsWithIgnoreCase", "team-a/"),
        ),
        assign("Container Registry Repository Writer", principal=DEVS, principal_type="Group"),
        group_memberships={ALICE: [DEVS]},
    )
    assert _granted(snap, alice(), registry("rbac-abac"), "team-b/app") == {
        "pull",
        "push",
        "metadata_read",
        "metadata_write",
    }
    # Without the group, only the conditioned reader remains.
    assert (
        _granted(snapshot(*snap_assignments(snap)[:1]), alice(), registry("rbac-abac"), "team-b/app") == set()
    )


def snap_assignments(snap):
    return [c.assignment for c in snap.assignments]


# -- decide ---------------------------------------------------------------------------------------


def test_decide_accepts_operations_oauth_spellings_and_azure_actions():
    snap = snapshot(assign("Container Registry Repository Reader"))
    reg = registry("rbac-abac")
    resource = Resource.of(REGISTRY, "team/app")
    assert decide(snap, alice(), Operation.PULL, resource, registry=reg).allowed
    assert decide(snap, alice(), "metadataRead", resource, registry=reg).allowed
    assert decide(snap, alice(), "metadata_read", resource, registry=reg).allowed
    assert not decide(snap, alice(), "push", resource, registry=reg).allowed
    raw = decide(
        snap,
        alice(),
        "Microsoft.ContainerRegistry/registries/repositories/content/read",
        resource,
    )
    assert raw.allowed
    assert not decide(snap, alice(), "Microsoft.ContainerRegistry/registries/write", REGISTRY).allowed


def test_decide_finds_the_registry_in_the_snapshot():
    reg = registry("rbac")
    snap = snapshot(assign("AcrPull"), registries=[reg])
    assert decide(snap, alice(), "pull", Resource.of(REGISTRY, "app")).allowed
    unknown = decide(snapshot(assign("AcrPull")), alice(), "pull", Resource.of(REGISTRY, "app"))
    assert not unknown.allowed
    assert unknown.reasons[0].code == "invalid-request"


def test_decide_refuses_a_resource_outside_the_given_registry():
    snap = snapshot(assign("AcrPull", scope="/"))
    decision = decide(snap, alice(), "pull", Resource.of(OTHER_REGISTRY, "app"), registry=registry("rbac"))
    assert not decision.allowed


def test_decide_refuses_unknown_actions():
    decision = decide(snapshot(assign("Owner")), alice(), "fly", REGISTRY)
    assert not decision.allowed
    assert "unknown action" in decision.reasons[0].message


def test_management_actions_follow_azure_rbac():
    snap = snapshot(assign("Contributor", scope=f"/subscriptions/{SUB}"))
    assert decide(snap, alice(), "Microsoft.ContainerRegistry/registries/write", REGISTRY).allowed
    assert decide(
        snap, alice(), "Microsoft.ContainerRegistry/registries/listCredentials/action", REGISTRY
    ).allowed
    # notActions subtract: Contributor cannot assign roles.
    assert not decide(snap, alice(), "Microsoft.Authorization/roleAssignments/write", REGISTRY).allowed
    assert not decide(snap, alice(), "Microsoft.ContainerRegistry/registries/write", FAR_REGISTRY).allowed


def test_non_entra_callers_have_no_azure_rights():
    snap = snapshot(assign("Owner", scope="/"))
    for caller in (Principal.admin("contoso"), Principal.token("t"), Principal.anonymous()):
        decision = decide(snap, caller, "Microsoft.ContainerRegistry/registries/read", REGISTRY)
        assert not decision.allowed
        assert decision.reasons[0].code == "not-applicable"


def test_delegated_role_assignment_condition_is_enforced():
    reader = builtin_role("Container Registry Repository Reader").id
    condition = (
        "((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR "
        "(@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] "
        f"ForAnyOfAnyValues:GuidEquals {{'{reader}'}}))"
    )
    snap = snapshot(assign("Role Based Access Control Administrator", condition=condition))
    ok = Attributes.of(request={"Microsoft.Authorization/roleAssignments:RoleDefinitionId": reader})
    bad = Attributes.of(
        request={"Microsoft.Authorization/roleAssignments:RoleDefinitionId": builtin_role("Owner").id}
    )
    action = "Microsoft.Authorization/roleAssignments/write"
    assert decide(snap, alice(), action, REGISTRY, attributes=ok).allowed
    assert not decide(snap, alice(), action, REGISTRY, attributes=bad).allowed
    # The condition does not touch other actions.
    assert decide(snap, alice(), "Microsoft.Authorization/roleAssignments/delete", REGISTRY).allowed


# -- grant ----------------------------------------------------------------------------------------


def test_grant_merges_scopes_and_echoes_spellings():
    snap = snapshot(assign("AcrPush"))
    result = grant(
        snap,
        alice(),
        registry("rbac"),
        ["repository:app:pull", "repository:app:push,pull", "repository:app:metadataRead"],
    )
    assert result.claim() == [
        {"type": "repository", "name": "app", "actions": ["pull", "push", "metadataRead"]}
    ]
    assert result.allows("repository", "app", "push")
    assert not result.allows("repository", "other", "push")


def test_grant_star_is_all_or_the_allowed_subset():
    full = grant(snapshot(assign("Owner")), alice(), registry("rbac"), ["repository:app:*"])
    assert full.claim() == [{"type": "repository", "name": "app", "actions": ["*"]}]
    partial = grant(snapshot(assign("AcrPull")), alice(), registry("rbac"), ["repository:app:*"])
    assert partial.claim() == [{"type": "repository", "name": "app", "actions": ["pull", "metadata_read"]}]


def test_grant_repository_wildcard_needs_rights_on_every_repository():
    unconditioned = snapshot(assign("Container Registry Repository Reader"))
    assert grant(unconditioned, alice(), registry("rbac-abac"), ["repository:*:pull"]).claim()
    conditioned = snapshot(
        assign(
            "Container Registry Repository Reader",
            condition=repo_condition("StringStartsWithIgnoreCase", "team/"),
        )
    )
    assert grant(conditioned, alice(), registry("rbac-abac"), ["repository:*:pull"]).claim() == []
    # A condition that does not guard the action still grants it everywhere.
    writes_only = snapshot(
        assign(
            "Container Registry Repository Writer",
            condition=repo_condition("StringStartsWithIgnoreCase", "team/", CONTENT_WRITE),
        )
    )
    assert grant(writes_only, alice(), registry("rbac-abac"), ["repository:*:pull,push"]).claim() == [
        {"type": "repository", "name": "*", "actions": ["pull"]}
    ]


def test_grant_refuses_what_it_does_not_understand():
    snap = snapshot(assign("Owner"))
    result = grant(
        snap,
        alice(),
        registry("rbac"),
        [
            "registry:catalog:pull",
            "registry:other:*",
            "artifact-repository:repo:pull",
            "repository:app:fly",
            "repository:Not_Valid:pull",
            "garbage",
        ],
    )
    assert result.claim() == []
    assert {d.decision.allowed for d in result.decisions} == {False}
    assert len(result.requested) == 5


def test_grant_with_nothing_requested_is_empty():
    result = grant(snapshot(assign("Owner")), alice(), registry("rbac"), [])
    assert result.claim() == []
    assert result.decisions == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("repository:samples/hello:pull,push", ("repository", "samples/hello", ("pull", "push"))),
        ("registry:catalog:*", ("registry", "catalog", ("*",))),
        ("repository:app:pull,pull, push", ("repository", "app", ("pull", "push"))),
        ("repository:host:5000/app:pull", ("repository", "host:5000/app", ("pull",))),
    ],
)
def test_parse_requested_scope(text, expected):
    scope = parse_requested_scope(text)
    assert (scope.type, scope.name, scope.actions) == expected
    assert parse_requested_scope(str(scope)) == scope


@pytest.mark.parametrize("text", ["", "repository", "repository:app", ":app:pull", "repository::pull"])
def test_parse_requested_scope_rejects_malformed_text(text):
    with pytest.raises(InvalidRequestedScopeError):
        parse_requested_scope(text)


def test_grant_is_bound_to_the_registry_given():
    snap = snapshot(assign("AcrPull", scope=OTHER_REGISTRY))
    assert grant(snap, alice(), registry("rbac"), ["repository:app:pull"]).claim() == []
    fab = RegistryContext.of(OTHER_REGISTRY, mode="rbac")
    assert grant(snap, alice(), fab, ["repository:app:pull"]).claim() != []


def test_other_principal_twin_gets_nothing_even_with_group_claims_of_its_own():
    snap = snapshot(assign("AcrPush", principal=DEVS, principal_type="Group"))
    member = Principal.user(ALICE, group_ids=[DEVS])
    outsider = Principal.user(BOB, group_ids=["ffffffff-0000-4000-8000-000000000009"])
    assert grant(snap, member, registry("rbac"), ["repository:app:push"]).claim()
    assert grant(snap, outsider, registry("rbac"), ["repository:app:push"]).claim() == []
