from __future__ import annotations

import pytest

from cerulean.registry.errors import DisallowedOperationError
from cerulean.registry.locks import require_deletable, require_readable, require_writable
from cerulean.registry.models import ChangeableAttributes

OPEN = ChangeableAttributes()


def test_everything_open_allows_everything() -> None:
    require_readable(OPEN, None, OPEN)
    require_writable(OPEN, None)
    require_deletable(OPEN, None)


@pytest.mark.parametrize(
    ("attributes", "read", "write", "delete"),
    [
        (ChangeableAttributes(read_enabled=False), False, True, True),
        (
            ChangeableAttributes(write_enabled=False),
            True,
            False,
            False,
        ),  # write lock blocks delete too
        (ChangeableAttributes(delete_enabled=False), True, True, False),
        (ChangeableAttributes(list_enabled=False), True, True, True),
    ],
)
def test_each_switch(attributes: ChangeableAttributes, read: bool, write: bool, delete: bool) -> None:
    for check, allowed in (
        (require_readable, read),
        (require_writable, write),
        (require_deletable, delete),
    ):
        if allowed:
            check(OPEN, attributes)
        else:
            with pytest.raises(DisallowedOperationError) as caught:
                check(OPEN, attributes)
            assert caught.value.status == 405
            assert caught.value.code == "REGISTRY_DISALLOWED_OPERATION"
            assert caught.value.detail == {}
