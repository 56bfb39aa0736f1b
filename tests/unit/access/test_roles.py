"""Role definitions: per-block subtraction, data vs management halves, ARM JSON."""

from __future__ import annotations

import pytest

from cerulean.access.actions import ActionKind
from cerulean.access.errors import InvalidRoleDefinitionError
from cerulean.access.roles import Permission, RoleDefinition, RoleType, normalise_role_id

from .support import CONTENT_READ, CONTENT_WRITE

A, D = ActionKind.ACTION, ActionKind.DATA_ACTION
GUID = "0f0f0f0f-0000-4000-8000-00000000000a"


def _role(*blocks: Permission) -> RoleDefinition:
    return RoleDefinition(GUID, "custom", "", blocks)


def test_not_actions_subtract_within_their_block_only():
    role = _role(
        Permission.of(actions=["Microsoft.ContainerRegistry/*"], not_actions=["*/write"]),
        Permission.of(actions=["Microsoft.ContainerRegistry/registries/write"]),
    )
    assert role.grants("Microsoft.ContainerRegistry/registries/write", A)
    single = _role(Permission.of(actions=["Microsoft.ContainerRegistry/*"], not_actions=["*/write"]))
    assert not single.grants("Microsoft.ContainerRegistry/registries/write", A)
    assert single.grants("Microsoft.ContainerRegistry/registries/read", A)


def test_not_data_actions_subtract_data_actions():
    role = _role(
        Permission.of(
            data_actions=["Microsoft.ContainerRegistry/registries/repositories/*"],
            not_data_actions=["*/write"],
        )
    )
    assert role.grants(CONTENT_READ, D)
    assert not role.grants(CONTENT_WRITE, D)


def test_wildcard_actions_never_grant_data_actions():
    role = _role(Permission.of(actions=["*"]))
    assert role.grants(CONTENT_READ, A)  # as a (meaningless) management action
    assert not role.grants(CONTENT_READ, D)
    assert not role.has_data_actions


def test_memo_does_not_change_answers():
    role = _role(Permission.of(actions=["*/read"]))
    first = [role.grants(x, A) for x in ("a/read", "a/write", "A/READ")]
    assert first == [True, False, True]
    assert [role.grants(x, A) for x in ("a/read", "a/write", "A/READ")] == first


@pytest.mark.parametrize(
    ("text", "guid"),
    [
        (GUID.upper(), GUID),
        (f"/providers/Microsoft.Authorization/roleDefinitions/{GUID}", GUID),
        (f"/subscriptions/s/providers/microsoft.authorization/roledefinitions/{GUID}", GUID),
    ],
)
def test_normalise_role_id(text, guid):
    assert normalise_role_id(text) == guid


@pytest.mark.parametrize("text", ["", "owner", "0f0f0f0f-0000-4000-8000", f"{GUID}x"])
def test_normalise_role_id_rejects_non_guids(text):
    with pytest.raises(InvalidRoleDefinitionError):
        normalise_role_id(text)


def test_arm_round_trip_and_cli_shape():
    document = {
        "id": f"/providers/Microsoft.Authorization/roleDefinitions/{GUID}",
        "name": GUID,
        "properties": {
            "roleName": "Registry Tagger",
            "type": "CustomRole",
            "description": "tags",
            "assignableScopes": ["/subscriptions/11111111-1111-1111-1111-111111111111"],
            "permissions": [{"actions": ["Microsoft.ContainerRegistry/registries/metadata/write"]}],
        },
    }
    role = RoleDefinition.from_arm(document)
    assert role.role_type is RoleType.CUSTOM
    assert RoleDefinition.from_arm(role.to_arm()) == role
    flat = {
        "roleName": "Registry Tagger",
        "roleType": "CustomRole",
        "description": "tags",
        "id": GUID,
        "assignableScopes": ["/subscriptions/11111111-1111-1111-1111-111111111111"],
        "permissions": [{"actions": ["Microsoft.ContainerRegistry/registries/metadata/write"]}],
    }
    assert RoleDefinition.from_arm(flat) == role


@pytest.mark.parametrize(
    "document",
    [
        {"name": GUID, "properties": {"roleName": "", "permissions": []}},
        {"name": "nope", "properties": {"roleName": "x"}},
        {"name": GUID, "properties": {"roleName": "x", "assignableScopes": ["nope"]}},
        {"name": GUID, "properties": {"roleName": "x", "assignableScopes": []}},
        {"name": GUID, "properties": {"roleName": "x", "permissions": [{"actions": ["bad action"]}]}},
        {"name": GUID, "properties": {"roleName": "x", "type": "Weird"}},
    ],
)
def test_malformed_role_definitions(document):
    with pytest.raises(InvalidRoleDefinitionError):
        RoleDefinition.from_arm(document)
