"""Permission modes and their rules."""

from __future__ import annotations

import pytest

from cerulean.access.actions import ActionKind
from cerulean.access.errors import InvalidModeError
from cerulean.access.modes import ModeRule, PermissionMode, parse_mode


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("LegacyRegistryPermissions", PermissionMode.LEGACY),
        ("legacyregistrypermissions", PermissionMode.LEGACY),
        ("rbac", PermissionMode.LEGACY),
        ("RBAC Registry Permissions", PermissionMode.LEGACY),
        ("AbacRepositoryPermissions", PermissionMode.ABAC),
        (" rbac-abac ", PermissionMode.ABAC),
        ("RBAC Registry + ABAC Repository Permissions", PermissionMode.ABAC),
    ],
)
def test_parse_mode(text, mode):
    assert parse_mode(text) is mode


@pytest.mark.parametrize("text", ["", "abac", "Legacy", "rbac+abac"])
def test_unknown_modes(text):
    with pytest.raises(InvalidModeError):
        parse_mode(text)


def test_names_and_checked_half():
    assert PermissionMode.LEGACY.display_name == "RBAC Registry Permissions"
    assert PermissionMode.ABAC.display_name == "RBAC Registry + ABAC Repository Permissions"
    assert PermissionMode.ABAC.cli_name == "rbac-abac"
    assert PermissionMode.LEGACY.cli_name == "rbac"
    assert PermissionMode.LEGACY.data_plane_kind is ActionKind.ACTION
    assert PermissionMode.ABAC.data_plane_kind is ActionKind.DATA_ACTION


def test_rules_have_unique_codes_and_text():
    codes = [rule.code for rule in ModeRule]
    assert len(set(codes)) == len(codes)
    assert all(rule.text.endswith(".") for rule in ModeRule)
