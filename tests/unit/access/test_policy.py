"""The snapshot: indexes, group closure, memo bounds."""

from __future__ import annotations

from cerulean.access import PolicySnapshot, Principal, RegistryContext, parse_scope, policy
from cerulean.access.scopes import ScopeHierarchy

from .support import ALICE, BOB, DEVS, OTHER_REGISTRY, PLATFORM, REGISTRY, SUB, alice, assign

NESTED = "cccccccc-0000-4000-8000-000000000005"


def test_group_membership_is_transitive_and_cycles_end():
    snap = PolicySnapshot(
        group_memberships={ALICE: [DEVS], DEVS: [PLATFORM], PLATFORM: [DEVS, NESTED]},
    )
    assert snap.principal_ids(alice()) == (ALICE, DEVS, PLATFORM, NESTED)
    claimed = Principal.user(BOB, group_ids=[PLATFORM])
    assert set(snap.principal_ids(claimed)) == {BOB, PLATFORM, DEVS, NESTED}
    assert snap.principal_ids(Principal.anonymous()) == ()


def test_applicable_looks_only_at_the_callers_ids_and_the_scopes_above():
    mine = assign("AcrPull", scope=f"/subscriptions/{SUB}")
    group = assign("AcrPush", principal=DEVS, principal_type="Group")
    elsewhere = assign("AcrPush", scope=OTHER_REGISTRY)
    someone_else = assign("Owner", principal=BOB)
    snap = PolicySnapshot(
        assignments=[mine, group, elsewhere, someone_else], group_memberships={ALICE: [DEVS]}
    )
    found = snap.applicable(snap.principal_ids(alice()), parse_scope(REGISTRY))
    assert {c.assignment.id for c in found} == {mine.id, group.id}


def test_lookups():
    reg = RegistryContext.of(REGISTRY)
    snap = PolicySnapshot(registries=[reg], version=7)
    assert snap.version == 7
    assert snap.registry(parse_scope(f"{REGISTRY}/tokens/t")) is reg
    assert snap.registry(parse_scope(OTHER_REGISTRY)) is None
    assert snap.role("7f951dda-4ed3-4680-a7ca-43fe172d538d") is not None
    assert len(snap.roles) >= 20
    assert PolicySnapshot(include_builtin_roles=False).roles == ()
    assert snap.scope_map(parse_scope(REGISTRY), "_repositories_pull") is not None
    assert snap.scope_map(parse_scope(REGISTRY), "nope") is None
    assert snap.token(parse_scope(REGISTRY), "nope") is None


def test_memo_tables_stay_bounded(monkeypatch):
    monkeypatch.setattr(policy, "_MEMO_LIMIT", 3)
    snap = PolicySnapshot(hierarchy=ScopeHierarchy())
    for i in range(10):
        user = Principal.user(f"aaaaaaaa-0000-4000-8000-{i:012d}")
        assert snap.principal_ids(user) == (user.object_id,)
        scope = parse_scope(f"/subscriptions/{SUB}/resourceGroups/rg{i}")
        assert snap.ancestors(scope)[0] == scope.key
    assert len(snap._closure) <= 3
    assert len(snap._ancestors) <= 3


def test_bad_condition_and_unknown_role_are_kept_and_grant_nothing():
    snap = PolicySnapshot(
        assignments=[
            assign("Container Registry Repository Reader", condition="((("),
        ]
    )
    compiled = snap.assignments[0]
    assert compiled.condition is None
    assert compiled.condition_error is not None
