"""Properties of the engine over random policies (hypothesis).

* adding an assignment never removes access;
* a condition never grants more than its role without it;
* removing a group membership never adds access;
* a token never exceeds its scope map (checked by an independent oracle);
* whatever the policy, a caller never gets rights in a registry its assignments do not reach.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cerulean.access import (
    PolicySnapshot,
    Principal,
    RegistryContext,
    RoleAssignment,
    ScopeMap,
    Token,
    builtin_role,
    grant,
    parse_scope,
)

from .support import (
    ALL_REPO_ACTIONS,
    FAR_REGISTRY,
    OTHER_REGISTRY,
    REGISTRY,
    REPO_NAME,
    RG,
    SUB,
)

USERS = [f"aaaaaaaa-0000-4000-8000-00000000000{i}" for i in range(3)]
GROUPS = [f"bbbbbbbb-0000-4000-8000-00000000000{i}" for i in range(3)]
SCOPES = ["/", f"/subscriptions/{SUB}", RG, REGISTRY, OTHER_REGISTRY, FAR_REGISTRY]
ROLES = [
    "Owner",
    "Reader",
    "AcrPull",
    "AcrPush",
    "AcrDelete",
    "Container Registry Repository Reader",
    "Container Registry Repository Writer",
    "Container Registry Repository Contributor",
    "Container Registry Repository Catalog Lister",
    "Container Registry Data Importer and Data Reader",
]
REPOSITORIES = ["app", "team/api", "team-x/web", "other/tool"]
REQUESTED = [f"repository:{r}:pull,push,delete,metadata_read,metadata_write" for r in REPOSITORIES] + [
    "repository:*:pull,push",
    "registry:catalog:*",
]

conditions = st.one_of(
    st.none(),
    st.builds(
        lambda actions, op, value: (
            "(("
            + " AND ".join(f"!(ActionMatches{{'{a}'}})" for a in actions)
            + f") OR (@Request[{REPO_NAME}] {op} '{value}'))"
        ),
        st.lists(st.sampled_from(ALL_REPO_ACTIONS), min_size=1, max_size=6, unique=True),
        st.sampled_from(
            ["StringEqualsIgnoreCase", "StringStartsWithIgnoreCase", "StringLike", "StringNotEquals"]
        ),
        st.sampled_from(["app", "team/", "team", "team*", "other/tool"]),
    ),
)
_ids = iter(range(10**9))


@st.composite
def assignments(draw: st.DrawFn) -> RoleAssignment:
    principal = draw(st.sampled_from(USERS + GROUPS))
    return RoleAssignment.of(
        f"ra-{next(_ids)}",
        draw(st.sampled_from(SCOPES)),
        builtin_role(draw(st.sampled_from(ROLES))),
        principal,
        principal_type="Group" if principal in GROUPS else "User",
        condition=draw(conditions),
    )


memberships = st.lists(
    st.tuples(st.sampled_from(USERS + GROUPS), st.sampled_from(GROUPS)), max_size=5, unique=True
)
modes = st.sampled_from(["rbac", "rbac-abac"])


def _members(edges) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for member, group in edges:
        out.setdefault(member, []).append(group)
    return out


def _rights(
    snap: PolicySnapshot, user: str, mode: str, registry: str = REGISTRY
) -> set[tuple[str, str, str]]:
    result = grant(snap, Principal.user(user), RegistryContext.of(registry, mode=mode), REQUESTED)
    return {(e.type, e.name, a) for e in result.access for a in e.actions}


@settings(max_examples=60, deadline=None)
@given(st.lists(assignments(), max_size=6), assignments(), memberships, modes, st.sampled_from(USERS))
def test_adding_an_assignment_never_removes_access(existing, extra, edges, mode, user):
    before = PolicySnapshot(assignments=existing, group_memberships=_members(edges))
    after = PolicySnapshot(assignments=[*existing, extra], group_memberships=_members(edges))
    assert _rights(before, user, mode) <= _rights(after, user, mode)


@settings(max_examples=60, deadline=None)
@given(st.lists(assignments(), max_size=5), assignments(), memberships, modes, st.sampled_from(USERS))
def test_a_condition_never_grants_more_than_its_role(others, conditioned, edges, mode, user):
    bare = RoleAssignment(
        conditioned.id,
        conditioned.scope,
        conditioned.role_definition_id,
        conditioned.principal_id,
        conditioned.principal_type,
    )
    with_condition = PolicySnapshot(assignments=[*others, conditioned], group_memberships=_members(edges))
    without = PolicySnapshot(assignments=[*others, bare], group_memberships=_members(edges))
    assert _rights(with_condition, user, mode) <= _rights(without, user, mode)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(assignments(), max_size=6), memberships.filter(bool), st.data(), modes, st.sampled_from(USERS)
)
def test_removing_a_group_membership_never_adds_access(existing, edges, data, mode, user):
    removed = data.draw(st.sampled_from(edges))
    fewer = [e for e in edges if e != removed]
    more_snap = PolicySnapshot(assignments=existing, group_memberships=_members(edges))
    less_snap = PolicySnapshot(assignments=existing, group_memberships=_members(fewer))
    assert _rights(less_snap, user, mode) <= _rights(more_snap, user, mode)


@settings(max_examples=40, deadline=None)
@given(st.lists(assignments(), max_size=6), memberships, modes, st.sampled_from(USERS))
def test_no_rights_in_a_registry_no_assignment_reaches(existing, edges, mode, user):
    reachable = {"/", f"/subscriptions/{SUB}".casefold(), RG.casefold(), OTHER_REGISTRY.casefold()}
    reaching = [a for a in existing if a.scope.key in reachable]
    snap = PolicySnapshot(assignments=reaching, group_memberships=_members(edges))
    contoso = PolicySnapshot(
        assignments=[a for a in reaching if a.scope.key != OTHER_REGISTRY.casefold()],
        group_memberships=_members(edges),
    )
    assert _rights(snap, user, mode) == _rights(contoso, user, mode)


# -- tokens ---------------------------------------------------------------------------------------

TOKEN_ACTIONS = {
    "pull": "content/read",
    "push": "content/write",
    "delete": "content/delete",
    "metadata_read": "metadata/read",
    "metadata_write": "metadata/write",
}
targets = st.sampled_from(["app", "team/api", "team/*", "team-x/*", "*", "Team/API", "other/tool/*"])
entries = st.builds(
    lambda t, a: f"repositories/{t}/{a}", targets, st.sampled_from(list(TOKEN_ACTIONS.values()))
)


def _oracle(actions: list[str], repository: str, wanted: str) -> bool:
    """An independent reading of MD-TOKENS: does some entry grant `wanted` on `repository`?"""
    for text in actions:
        body = text.removeprefix("repositories/")
        target, action = body.rsplit("/", 2)[0], "/".join(body.rsplit("/", 2)[1:])
        if action != wanted:
            continue
        target = target.lower()
        if target == "*" and repository != "*":
            return True
        if repository == "*":
            if target == "*":
                return True
            continue
        if target.endswith("/*") and repository.startswith(target[:-1]):
            return True
        if target == repository:
            return True
    return False


@settings(max_examples=80, deadline=None)
@given(st.lists(entries, min_size=1, max_size=6), modes, st.booleans())
def test_a_token_never_exceeds_its_scope_map(actions, mode, anonymous_pull):
    registry = RegistryContext.of(
        REGISTRY, mode=mode, admin_user_enabled=True, anonymous_pull_enabled=anonymous_pull
    )
    snap = PolicySnapshot(
        tokens=[Token.of(REGISTRY, "t", f"{REGISTRY}/scopeMaps/m")],
        scope_maps=[(parse_scope(REGISTRY), ScopeMap("m", tuple(actions)))],
        assignments=[RoleAssignment.of("ra", "/", builtin_role("Owner"), USERS[0])],
    )
    result = grant(snap, Principal.token("t"), registry, REQUESTED)
    granted = {(e.name, a) for e in result.access for a in e.actions}
    assert all(kind == "repository" for kind in {e.type for e in result.access})
    for name, action in granted:
        assert _oracle(actions, name, TOKEN_ACTIONS[action]), (name, action)
    # ... and nothing the scope map grants is withheld.
    for requested in REPOSITORIES:
        for action, scope_action in TOKEN_ACTIONS.items():
            assert ((requested, action) in granted) is _oracle(actions, requested, scope_action)
