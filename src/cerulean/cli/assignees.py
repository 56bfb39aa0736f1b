"""Who ``--assignee`` names, resolved through Graph as az does it.

A user (by user principal name), a service principal (by appId or service principal name), or a
user, group or service principal by object id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.cli.errors import ApiError, CliError

if TYPE_CHECKING:
    from cerulean.cli.arm_client import ApiClient

__all__ = ["Assignee", "is_guid", "odata_text", "principal_by_object_id", "resolve_assignee"]

_GUID: Final = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_KINDS: Final = (("servicePrincipals", "ServicePrincipal"), ("users", "User"), ("groups", "Group"))
_NOT_FOUND: Final = 404


@dataclass(frozen=True, slots=True)
class Assignee:
    """A directory object's id and the principal type a role assignment records for it."""

    object_id: str
    principal_type: str


def is_guid(text: str) -> bool:
    """Whether `text` is a GUID."""
    return _GUID.fullmatch(text) is not None


def odata_text(value: str) -> str:
    """A string literal for an OData ``$filter`` (quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def principal_by_object_id(client: ApiClient, object_id: str) -> Assignee | None:
    """The service principal, user or group with this object id, if any."""
    for collection, kind in _KINDS:
        try:
            found = client.graph("GET", f"/v1.0/{collection}/{object_id}")
        except ApiError as exc:
            if exc.status == _NOT_FOUND:
                continue
            raise
        return Assignee(str(found["id"]), kind)
    return None


def resolve_assignee(client: ApiClient, assignee: str) -> Assignee:
    """The principal `assignee` names."""
    if "@" in assignee:
        users = client.graph_list(
            "/v1.0/users", params={"$filter": f"userPrincipalName eq {odata_text(assignee)}"}
        )
        if users:
            return Assignee(str(users[0]["id"]), "User")
    principals = client.graph_list(
        "/v1.0/servicePrincipals",
        params={"$filter": f"servicePrincipalNames/any(c:c eq {odata_text(assignee)})"},
    )
    if principals:
        return Assignee(str(principals[0]["id"]), "ServicePrincipal")
    if is_guid(assignee):
        found = principal_by_object_id(client, assignee.lower())
        if found is not None:
            return found
    raise CliError("PrincipalNotFound", f"no user, group or service principal matches {assignee!r}")
