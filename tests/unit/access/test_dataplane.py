"""Admin account, anonymous pull, repository-scoped tokens, tenant checks: the non-RBAC sources."""

from __future__ import annotations

import pytest

from cerulean.access import (
    Operation,
    Principal,
    RegistryContext,
    Resource,
    ScopeMap,
    Token,
    decide,
    grant,
    parse_scope,
)

from .support import ALICE, OTHER_REGISTRY, REGISTRY, TENANT, alice, assign, registry, snapshot

ALL = "repository:app:pull,push,delete,metadata_read,metadata_write"


def _claim_actions(result) -> dict[str, set[str]]:
    return {f"{e.type}:{e.name}": set(e.actions) for e in result.access}


# -- admin account --------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["rbac", "rbac-abac"])
def test_admin_account_has_everything_while_enabled(mode):
    result = grant(
        snapshot(),
        Principal.admin("contoso"),
        registry(mode, admin_user_enabled=True),
        [ALL, "registry:catalog:*"],
    )
    assert _claim_actions(result) == {
        "repository:app": {"pull", "push", "delete", "metadata_read", "metadata_write"},
        "registry:catalog": {"*"},
    }


def test_admin_account_has_nothing_when_disabled():
    result = grant(snapshot(), Principal.admin("contoso"), registry("rbac"), [ALL, "registry:catalog:*"])
    assert result.claim() == []
    assert result.decisions[0].decision.reasons[0].code == "admin-disabled"


def test_admin_account_cannot_sign_or_touch_quarantine():
    reg = registry("rbac", admin_user_enabled=True)
    for operation in (Operation.SIGN, Operation.READ_QUARANTINED, Operation.WRITE_QUARANTINE):
        decision = decide(
            snapshot(), Principal.admin(), operation, Resource.of(REGISTRY, "app"), registry=reg
        )
        assert not decision.allowed


# -- anonymous pull -------------------------------------------------------------------------------


def test_anonymous_pull_grants_pull_only():
    reg = registry("rbac-abac", anonymous_pull_enabled=True)
    result = grant(snapshot(), Principal.anonymous(), reg, [ALL, "registry:catalog:*", "repository:*:pull"])
    assert _claim_actions(result) == {"repository:app": {"pull"}, "repository:*": {"pull"}}


def test_anonymous_caller_gets_nothing_without_anonymous_pull():
    result = grant(snapshot(assign("Owner", scope="/")), Principal.anonymous(), registry("rbac"), [ALL])
    assert result.claim() == []
    assert "disabled" in result.decisions[0].decision.reasons[0].message


def test_anonymous_pull_is_not_offered_on_basic():
    reg = registry("rbac", anonymous_pull_enabled=True, sku="Basic")
    decision = decide(snapshot(), Principal.anonymous(), "pull", Resource.of(REGISTRY, "app"), registry=reg)
    assert not decision.allowed
    assert "Basic" in decision.reasons[0].message


def test_anonymous_pull_is_not_added_to_authenticated_callers():
    # ACR: "if you previously authenticated ... run docker logout ... otherwise pull access denied".
    reg = registry("rbac-abac", anonymous_pull_enabled=True, admin_user_enabled=False)
    token = Token.of(REGISTRY, "ci", f"{REGISTRY}/scopeMaps/narrow")
    narrow = ScopeMap("narrow", ("repositories/only-this/content/read",))
    snap = snapshot(tokens=[token], scope_maps=[(parse_scope(REGISTRY), narrow)])
    result = grant(
        snap, Principal.token("ci"), reg, ["repository:elsewhere:pull", "repository:only-this:pull"]
    )
    assert _claim_actions(result) == {"repository:only-this": {"pull"}}
    assert grant(snapshot(), alice(), reg, ["repository:elsewhere:pull"]).claim() == []
    assert grant(snapshot(), Principal.admin(), reg, ["repository:elsewhere:pull"]).claim() == []
    assert grant(snapshot(), Principal.anonymous(), reg, ["repository:elsewhere:pull"]).claim()


# -- tokens and scope maps ------------------------------------------------------------------------


def _token_snapshot(*actions: str, enabled: bool = True, map_registry: str = REGISTRY):
    scope_map = ScopeMap("team-map", actions)
    token = Token.of(REGISTRY, "MyToken", f"{map_registry}/scopeMaps/team-map", enabled=enabled)
    return snapshot(tokens=[token], scope_maps=[(parse_scope(map_registry), scope_map)])


def test_scope_map_wildcards_are_additive_as_documented():
    snap = _token_snapshot(
        "repositories/sample/*/content/read",
        "repositories/sample/teamA/*/content/write",
        "repositories/sample/teamA/projectB/content/delete",
    )
    result = grant(
        snap,
        Principal.token("MyToken"),
        registry("rbac"),
        [
            "repository:sample/teama/projectb:pull,push,delete",
            "repository:sample/teama/projectc:pull,push,delete",
            "repository:sample/teamb/x:pull,push,delete",
            "repository:other:pull",
        ],
    )
    assert _claim_actions(result) == {
        "repository:sample/teama/projectb": {"pull", "push", "delete"},
        "repository:sample/teama/projectc": {"pull", "push"},
        "repository:sample/teamb/x": {"pull"},
    }


@pytest.mark.parametrize("mode", ["rbac", "rbac-abac"])
def test_tokens_ignore_the_permission_mode_and_rbac(mode):
    snap = _token_snapshot("repositories/app/content/read", "repositories/app/metadata/read")
    result = grant(snap, Principal.token("mytoken"), registry(mode), [ALL, "registry:catalog:*"])
    assert _claim_actions(result) == {"repository:app": {"pull", "metadata_read"}}


def test_tokens_never_list_the_catalog_even_with_root_wildcard():
    snap = _token_snapshot(*(f"repositories/*/{a}" for a in ("content/read", "metadata/read")))
    result = grant(
        snap, Principal.token("MyToken"), registry("rbac"), ["registry:catalog:*", "repository:*:pull"]
    )
    assert _claim_actions(result) == {"repository:*": {"pull"}}


@pytest.mark.parametrize(
    "system_map",
    [
        "_repositories_admin",
        "_repositories_pull",
        "_repositories_pull_metadata_read",
        "_repositories_push",
        "_repositories_push_metadata_write",
    ],
)
def test_system_scope_maps_exist_in_every_registry(system_map):
    token = Token.of(REGISTRY, "t", f"{REGISTRY}/scopeMaps/{system_map}")
    result = grant(snapshot(tokens=[token]), Principal.token("t"), registry("rbac"), [ALL])
    granted = _claim_actions(result).get("repository:app", set())
    assert "pull" in granted
    assert ("delete" in granted) == (system_map == "_repositories_admin")
    assert ("push" in granted) == ("push" in system_map or "admin" in system_map)


@pytest.mark.parametrize(
    ("snap_kwargs", "token_name", "reason"),
    [
        ({"enabled": False}, "MyToken", "disabled"),
        ({}, "SomeoneElse", "has no token"),
        ({"map_registry": OTHER_REGISTRY}, "MyToken", "outside its registry"),
    ],
)
def test_unusable_tokens_get_nothing(snap_kwargs, token_name, reason):
    snap = _token_snapshot("repositories/*/content/read", **snap_kwargs)
    result = grant(snap, Principal.token(token_name), registry("rbac"), ["repository:app:pull"])
    assert result.claim() == []
    assert reason in result.decisions[0].decision.reasons[0].message


def test_token_of_one_registry_is_unknown_in_another():
    snap = _token_snapshot("repositories/*/content/read")
    other = RegistryContext.of(OTHER_REGISTRY, mode="rbac")
    assert grant(snap, Principal.token("MyToken"), other, ["repository:app:pull"]).claim() == []


def test_missing_scope_map_grants_nothing():
    token = Token.of(REGISTRY, "t", f"{REGISTRY}/scopeMaps/gone")
    result = grant(snapshot(tokens=[token]), Principal.token("t"), registry("rbac"), ["repository:app:pull"])
    assert result.claim() == []
    assert "does not exist" in result.decisions[0].decision.reasons[0].message


# -- tenants and invalid input --------------------------------------------------------------------


def test_a_caller_from_another_tenant_gets_nothing():
    snap = snapshot(assign("AcrPull"))
    reg = registry("rbac", tenant_id=TENANT)
    home = Principal.user(ALICE, tenant_id=TENANT)
    foreign = Principal.user(ALICE, tenant_id="99999999-9999-4999-8999-999999999999")
    assert grant(snap, home, reg, ["repository:app:pull"]).claim()
    result = grant(snap, foreign, reg, ["repository:app:pull"])
    assert result.claim() == []
    assert result.decisions[0].decision.reasons[0].code == "tenant-mismatch"


@pytest.mark.parametrize("repository", ["UPPER", "../etc", "a//b", "", "x" * 300])
def test_invalid_repository_names_are_refused_for_every_caller(repository):
    reg = registry("rbac", admin_user_enabled=True, anonymous_pull_enabled=True)
    for caller in (Principal.admin(), Principal.anonymous(), alice()):
        decision = decide(
            snapshot(assign("Owner")), caller, "pull", Resource.of(REGISTRY, repository), registry=reg
        )
        assert not decision.allowed
        assert decision.reasons[0].code == "invalid-request"


def test_signing_is_unavailable_in_abac_mode_with_the_rule_named():
    decision = decide(
        snapshot(assign("Owner")),
        alice(),
        Operation.SIGN,
        Resource.of(REGISTRY, "app"),
        registry=registry("rbac-abac"),
    )
    assert not decision.allowed
    assert decision.reasons[0].mode_rule is not None
    assert decision.reasons[0].mode_rule.code == "abac-no-content-trust"
