"""ACR's lock rules over ``changeableAttributes``, in one place.

* ``readEnabled=false`` on the repository, the manifest or the tag used blocks pulls.
* ``writeEnabled=false`` blocks pushes that change something (a new manifest, a tag moved) and, as in
  ACR, also blocks deletion.
* ``deleteEnabled=false`` blocks deletion only.
* ``listEnabled=false`` hides the item from listings (applied by the listing queries, not here).

Changing the attributes themselves is always allowed (it is how a lock is lifted), subject to the
``metadata_write`` permission checked at the edge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cerulean.registry.errors import DisallowedOperationError

if TYPE_CHECKING:
    from cerulean.registry.models import ChangeableAttributes

__all__ = ["require_deletable", "require_readable", "require_writable"]


def require_readable(*attributes: ChangeableAttributes | None) -> None:
    """Refuse a pull if any of the given levels disables reading."""
    if any(a is not None and not a.read_enabled for a in attributes):
        raise DisallowedOperationError


def require_writable(*attributes: ChangeableAttributes | None) -> None:
    """Refuse a change if any of the given levels disables writing."""
    if any(a is not None and not a.write_enabled for a in attributes):
        raise DisallowedOperationError


def require_deletable(*attributes: ChangeableAttributes | None) -> None:
    """Refuse a deletion if any level disables deleting or writing."""
    if any(a is not None and not (a.delete_enabled and a.write_enabled) for a in attributes):
        raise DisallowedOperationError
