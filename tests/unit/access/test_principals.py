"""Principal values."""

from __future__ import annotations

import pytest

from cerulean.access.errors import InvalidAssignmentError
from cerulean.access.principals import Principal, PrincipalKind

from .support import ALICE, DEVS


def test_entra_ids_are_normalised():
    user = Principal.user(f" {ALICE.upper()} ", tenant_id=" T ", group_ids=[DEVS.upper()])
    assert user.object_id == ALICE
    assert user.tenant_id == "t"
    assert user.group_ids == frozenset({DEVS})
    assert user.kind.is_entra


@pytest.mark.parametrize(
    "factory",
    [Principal.user, Principal.service_principal, Principal.managed_identity, Principal.group],
)
def test_entra_principals_need_an_object_id(factory):
    with pytest.raises(InvalidAssignmentError):
        factory("  ")


def test_tokens_need_a_name():
    with pytest.raises(InvalidAssignmentError):
        Principal.token(" ")


@pytest.mark.parametrize(
    ("principal", "kind", "entra", "text"),
    [
        (Principal.user(ALICE), PrincipalKind.USER, True, f"User {ALICE}"),
        (Principal.service_principal(ALICE), PrincipalKind.SERVICE_PRINCIPAL, True, "ServicePrincipal"),
        (Principal.managed_identity(ALICE), PrincipalKind.MANAGED_IDENTITY, True, "ManagedIdentity"),
        (Principal.group(DEVS), PrincipalKind.GROUP, True, "Group"),
        (Principal.admin("contoso"), PrincipalKind.ADMIN, False, "admin account 'contoso'"),
        (Principal.admin(), PrincipalKind.ADMIN, False, "admin account"),
        (Principal.token("ci"), PrincipalKind.TOKEN, False, "token 'ci'"),
        (Principal.anonymous(), PrincipalKind.ANONYMOUS, False, "anonymous caller"),
    ],
)
def test_kinds_and_descriptions(principal, kind, entra, text):
    assert principal.kind is kind
    assert principal.kind.is_entra is entra
    assert text in principal.describe()


def test_attributes_are_read_only_and_not_part_of_identity():
    source = {"contoso_Team": "platform"}
    user = Principal.user(ALICE, attributes=source)
    source["contoso_Team"] = "changed"
    assert user.attributes["contoso_Team"] == "platform"
    with pytest.raises(TypeError):
        user.attributes["x"] = "y"  # type: ignore[index]  # read-only mapping
    assert user == Principal.user(ALICE)
    assert hash(user) == hash(Principal.user(ALICE))
