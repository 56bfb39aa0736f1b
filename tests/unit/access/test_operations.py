"""The operation table: what each operation needs in each mode and from each kind of caller."""

from __future__ import annotations

import pytest

from cerulean.access import actions as a
from cerulean.access.actions import ActionKind
from cerulean.access.modes import ModeRule, PermissionMode
from cerulean.access.operations import (
    OAUTH_ACTIONS,
    Operation,
    Requirement,
    need_for,
    parse_oauth_action,
)
from cerulean.access.scopemaps import RepositoryAction

L, X = PermissionMode.LEGACY, PermissionMode.ABAC


@pytest.mark.parametrize(
    ("operation", "legacy", "abac", "token"),
    [
        (Operation.PULL, (a.PULL_READ,), (a.REPO_CONTENT_READ,), RepositoryAction.CONTENT_READ),
        (Operation.PUSH, (a.PUSH_WRITE,), (a.REPO_CONTENT_WRITE,), RepositoryAction.CONTENT_WRITE),
        (Operation.DELETE, (a.ARTIFACTS_DELETE,), (a.REPO_CONTENT_DELETE,), RepositoryAction.CONTENT_DELETE),
        (
            Operation.UNTAG,
            (a.PUSH_WRITE, a.ARTIFACTS_DELETE),
            (a.REPO_METADATA_WRITE,),
            RepositoryAction.METADATA_WRITE,
        ),
        (
            Operation.READ_METADATA,
            (a.PULL_READ, a.METADATA_READ),
            (a.REPO_METADATA_READ,),
            RepositoryAction.METADATA_READ,
        ),
        (
            Operation.WRITE_METADATA,
            (a.METADATA_WRITE,),
            (a.REPO_METADATA_WRITE,),
            RepositoryAction.METADATA_WRITE,
        ),
        (Operation.LOCK, (a.METADATA_WRITE,), (a.REPO_METADATA_WRITE,), RepositoryAction.METADATA_WRITE),
        (Operation.CATALOG, (a.PULL_READ,), (a.CATALOG_READ,), None),
        (Operation.READ_QUARANTINED, (a.QUARANTINE_READ,), (a.QUARANTINED_ARTIFACTS_READ,), None),
    ],
)
def test_requirements(operation, legacy, abac, token):
    need = need_for(operation)
    legacy_req, abac_req = need.requirement(L), need.requirement(X)
    assert isinstance(legacy_req, Requirement)
    assert isinstance(abac_req, Requirement)
    assert (legacy_req.any_of, legacy_req.kind) == (legacy, ActionKind.ACTION)
    assert (abac_req.any_of, abac_req.kind) == (abac, ActionKind.DATA_ACTION)
    assert need.token_action == token


def test_signing_is_not_available_in_abac_mode():
    assert need_for(Operation.SIGN).requirement(X) is ModeRule.ABAC_NO_CONTENT_TRUST


def test_only_pull_is_anonymous_and_the_admin_cannot_sign():
    assert {op for op in Operation if need_for(op).anonymous} == {Operation.PULL, Operation.LIST_REFERRERS}
    assert not need_for(Operation.SIGN).admin
    assert not need_for(Operation.CATALOG).repository_scoped


@pytest.mark.parametrize(
    ("text", "operation"),
    [
        ("pull", Operation.PULL),
        ("push", Operation.PUSH),
        ("delete", Operation.DELETE),
        ("metadata_read", Operation.READ_METADATA),
        ("metadataRead", Operation.READ_METADATA),
        ("metadata_write", Operation.WRITE_METADATA),
        ("metadataWrite", Operation.WRITE_METADATA),
        ("*", None),
        ("Pull", None),
        ("lock", None),
    ],
)
def test_oauth_actions(text, operation):
    assert parse_oauth_action(text) == operation
    assert (text in OAUTH_ACTIONS) is (operation is not None)
