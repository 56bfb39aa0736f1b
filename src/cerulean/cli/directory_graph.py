"""`cerulean ad user ...` and `cerulean ad group ...`: the directory through Graph, shaped like az's.

Unlike the rest of `cerulean ad` (operator commands on the data directory's database), these go
through the Graph-shaped API (``/v1.0/users``, ``/v1.0/groups``) as the caller, so the caller's
directory roles decide what it may do. Output is Graph's objects, as az prints them.
"""

# ruff: noqa: PLR0917 - one parameter per flag, as typer wants
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from cerulean.cli.assignees import is_guid, odata_text
from cerulean.cli.common import (
    DataDirOption,
    OutputOption,
    ServerOption,
    SubscriptionOption,
    fail,
    segment,
    session,
)
from cerulean.cli.output import Column, OutputFormat, emit, field

if TYPE_CHECKING:
    from cerulean.cli.arm_client import ApiClient

__all__ = ["group", "user"]

user = typer.Typer(help="Users, through Graph.", no_args_is_help=True)
group = typer.Typer(help="Security groups and their members, through Graph.", no_args_is_help=True)
member = typer.Typer(help="A group's direct members.", no_args_is_help=True)
group.add_typer(member, name="member")

_USER_COLUMNS: Final[list[Column]] = [
    ("DISPLAY NAME", field("displayName")),
    ("USER PRINCIPAL NAME", field("userPrincipalName")),
    ("ID", field("id")),
    ("ENABLED", field("accountEnabled")),
]
_GROUP_COLUMNS: Final[list[Column]] = [
    ("DISPLAY NAME", field("displayName")),
    ("ID", field("id")),
    ("DESCRIPTION", field("description")),
]
_MEMBER_COLUMNS: Final[list[Column]] = [
    ("DISPLAY NAME", field("displayName")),
    ("ID", field("id")),
    ("TYPE", lambda m: str(m.get("@odata.type", "")).rsplit(".", 1)[-1]),
]


@user.command("create")
def user_create(
    display_name: Annotated[str, typer.Option(help="Display name.")],
    user_principal_name: Annotated[str, typer.Option(help="name@domain (the tenant's domain).")],
    password: Annotated[str, typer.Option(help="Initial password.")],
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Create a user."""
    body = {
        "accountEnabled": True,
        "displayName": display_name,
        "userPrincipalName": user_principal_name,
        "passwordProfile": {"password": password},
    }
    with session(data_dir, server, subscription) as client:
        emit(client.graph("POST", "/v1.0/users", body=body), output, _USER_COLUMNS)


@user.command("show")
def user_show(
    user_id: Annotated[str, typer.Option("--id", help="Object id or user principal name.")],
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Show a user."""
    with session(data_dir, server, subscription) as client:
        emit(client.graph("GET", f"/v1.0/users/{segment(user_id)}"), output, _USER_COLUMNS)


@user.command("list")
def user_list(
    upn: Annotated[str | None, typer.Option(help="Only this user principal name.")] = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """List users."""
    params = {"$filter": f"userPrincipalName eq {odata_text(upn)}"} if upn else None
    with session(data_dir, server, subscription) as client:
        emit(client.graph_list("/v1.0/users", params=params), output, _USER_COLUMNS)


def _group_id(client: ApiClient, name_or_id: str) -> str:
    if is_guid(name_or_id):
        return name_or_id.lower()
    found = client.graph_list("/v1.0/groups", params={"$filter": f"displayName eq {odata_text(name_or_id)}"})
    if len(found) != 1:
        raise fail("GroupNotFound" if not found else "GroupAmbiguous",
                   f"{len(found)} groups are named {name_or_id!r}")  # fmt: skip
    return str(found[0]["id"])


GroupOption = Annotated[str, typer.Option("--group", "-g", help="Group object id or display name.")]


@group.command("create")
def group_create(
    display_name: Annotated[str, typer.Option(help="Display name.")],
    description: Annotated[str | None, typer.Option(help="Free text.")] = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Create a security group."""
    body: dict[str, Any] = {"displayName": display_name, "securityEnabled": True, "mailEnabled": False}
    if description is not None:
        body["description"] = description
    with session(data_dir, server, subscription) as client:
        emit(client.graph("POST", "/v1.0/groups", body=body), output, _GROUP_COLUMNS)


@group.command("show")
def group_show(
    name_or_id: GroupOption,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Show a group."""
    with session(data_dir, server, subscription) as client:
        emit(client.graph("GET", f"/v1.0/groups/{_group_id(client, name_or_id)}"), output, _GROUP_COLUMNS)


@group.command("list")
def group_list(
    display_name: Annotated[str | None, typer.Option(help="Only groups of this name.")] = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """List groups."""
    params = {"$filter": f"displayName eq {odata_text(display_name)}"} if display_name else None
    with session(data_dir, server, subscription) as client:
        emit(client.graph_list("/v1.0/groups", params=params), output, _GROUP_COLUMNS)


MemberOption = Annotated[str, typer.Option(help="Object id of a user, group or service principal.")]


@member.command("add")
def member_add(
    name_or_id: GroupOption,
    member_id: MemberOption,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Add a member to a group."""
    with session(data_dir, server, subscription) as client:
        group_id = _group_id(client, name_or_id)
        reference = f"{client.profile.resource_manager}/v1.0/directoryObjects/{member_id.lower()}"
        client.graph("POST", f"/v1.0/groups/{group_id}/members/$ref", body={"@odata.id": reference})


@member.command("remove")
def member_remove(
    name_or_id: GroupOption,
    member_id: MemberOption,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Remove a member from a group."""
    with session(data_dir, server, subscription) as client:
        group_id = _group_id(client, name_or_id)
        client.graph("DELETE", f"/v1.0/groups/{group_id}/members/{segment(member_id.lower())}/$ref")


@member.command("list")
def member_list(
    name_or_id: GroupOption,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """List a group's direct members."""
    with session(data_dir, server, subscription) as client:
        members = client.graph_list(f"/v1.0/groups/{_group_id(client, name_or_id)}/members")
        emit(members, output, _MEMBER_COLUMNS)


@member.command("check")
def member_check(
    name_or_id: GroupOption,
    member_id: MemberOption,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Whether an object is a direct member of a group."""
    with session(data_dir, server, subscription) as client:
        members = client.graph_list(f"/v1.0/groups/{_group_id(client, name_or_id)}/members")
        found = {"value": any(str(m.get("id")).lower() == member_id.lower() for m in members)}
        emit(found, output, [("VALUE", field("value"))])
