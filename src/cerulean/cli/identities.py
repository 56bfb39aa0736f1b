"""`cerulean identity ...`: user-assigned managed identities, shaped like ``az identity``.

ARM's ``Microsoft.ManagedIdentity/userAssignedIdentities``; each one is a service principal in the
directory, which role assignments name by its ``principalId``.
"""

# ruff: noqa: PLR0917, FBT002 - one parameter per flag (flags default to False), as typer wants
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Final

import typer

from cerulean.cli.common import (
    DataDirOption,
    OutputOption,
    ResourceGroupOption,
    ServerOption,
    SubscriptionOption,
    YesOption,
    confirm,
    group_location,
    group_path,
    segment,
    session,
)
from cerulean.cli.endpoints import MANAGED_IDENTITY_API_VERSION
from cerulean.cli.output import Column, OutputFormat, emit, field

if TYPE_CHECKING:
    from cerulean.cli.arm_client import ApiClient

__all__ = ["identity"]

identity = typer.Typer(help="User-assigned managed identities.", no_args_is_help=True)

_TYPE: Final = "/providers/Microsoft.ManagedIdentity/userAssignedIdentities"
_COLUMNS: Final[list[Column]] = [
    ("NAME", field("name")),
    ("LOCATION", field("location")),
    ("CLIENT ID", field("properties.clientId")),
    ("PRINCIPAL ID", field("properties.principalId")),
    ("TENANT ID", field("properties.tenantId")),
]
_NameOption = Annotated[str, typer.Option("--name", "-n", help="Identity.")]


def _path(client: ApiClient, group: str | None, name: str) -> str:
    return f"{group_path(client, group)}{_TYPE}/{segment(name)}"


@identity.command("create")
def create(
    name: _NameOption,
    resource_group: ResourceGroupOption = None,
    location: Annotated[str | None, typer.Option("--location", "-l", help="[default: the group's]")] = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Create a user-assigned identity (a service principal in the directory)."""
    with session(data_dir, server, subscription) as client:
        body = {"location": location or group_location(client, resource_group)}
        created = client.arm(
            "PUT", _path(client, resource_group, name), api_version=MANAGED_IDENTITY_API_VERSION, body=body
        )
        emit(created, output, _COLUMNS)


@identity.command("show")
def show(
    name: _NameOption,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Show a user-assigned identity."""
    with session(data_dir, server, subscription) as client:
        found = client.arm(
            "GET", _path(client, resource_group, name), api_version=MANAGED_IDENTITY_API_VERSION
        )
        emit(found, output, _COLUMNS)


@identity.command("list")
def list_identities(
    resource_group: Annotated[
        str | None, typer.Option("--resource-group", "-g", help="Only this group [default: every group]")
    ] = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """List user-assigned identities of the subscription, or of one resource group."""
    with session(data_dir, server, subscription) as client:
        if resource_group:
            path = group_path(client, resource_group) + _TYPE
        else:
            path = f"/subscriptions/{segment(client.subscription)}{_TYPE}"
        emit(client.arm_list(path, api_version=MANAGED_IDENTITY_API_VERSION), output, _COLUMNS)


@identity.command("delete")
def delete(
    name: _NameOption,
    resource_group: ResourceGroupOption = None,
    yes: YesOption = False,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Delete a user-assigned identity; its service principal goes with it."""
    confirm(f"Delete identity {name!r}?", yes=yes)
    with session(data_dir, server, subscription) as client:
        client.arm("DELETE", _path(client, resource_group, name), api_version=MANAGED_IDENTITY_API_VERSION)
