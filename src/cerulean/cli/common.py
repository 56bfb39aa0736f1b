"""What every management command shares: its common options, its session, resource paths.

A command runs its work inside `session(...)`: the API client it yields talks to the server over
HTTP only, and any `CliError` raised inside the block is printed as ``cerulean: <code>: <message>``
on stderr with exit status 1 (never a traceback).
"""

from __future__ import annotations

from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Final
from urllib.parse import quote

import typer

from cerulean.cli.endpoints import GROUPS_API_VERSION
from cerulean.cli.errors import CliError
from cerulean.cli.output import OutputFormat

if TYPE_CHECKING:
    from collections.abc import Iterator

    from cerulean.cli.arm_client import ApiClient

__all__ = [
    "DataDirOption",
    "OutputOption",
    "ResourceGroupOption",
    "ServerOption",
    "SubscriptionOption",
    "Switch",
    "YesOption",
    "confirm",
    "fail",
    "group_location",
    "group_path",
    "registry_path",
    "resource_group",
    "segment",
    "session",
    "switch",
]

_REGISTRIES: Final = "/providers/Microsoft.ContainerRegistry/registries"


class Switch(StrEnum):
    """az's three-state boolean flags take an explicit ``true`` or ``false``."""

    TRUE = "true"
    FALSE = "false"


def switch(value: Switch | None) -> bool | None:
    """A three-state flag as a JSON value (None: not given)."""
    return None if value is None else value is Switch.TRUE


OutputOption = Annotated[
    OutputFormat, typer.Option("--output", "-o", case_sensitive=False, help="Output format.")
]
DataDirOption = Annotated[
    Path | None,
    typer.Option(
        envvar="CERULEAN_DATA_DIR", help="Data directory holding bootstrap.json [default: ./.cerulean]"
    ),
]
ServerOption = Annotated[
    str | None,
    typer.Option(envvar="CERULEAN_SERVER", help="Resource manager URL [default: the bootstrap record's]"),
]
SubscriptionOption = Annotated[
    str | None, typer.Option(help="Subscription id [default: the bootstrap record's]")
]
ResourceGroupOption = Annotated[
    str | None,
    typer.Option("--resource-group", "-g", help="Resource group [default: the bootstrap record's]"),
]
YesOption = Annotated[bool, typer.Option("--yes", "-y", help="Do not prompt for confirmation.")]


def fail(code: str, message: str) -> CliError:
    """A failure of the command itself (not of the API), to raise inside a session."""
    return CliError(code, message)


@contextmanager
def session(data_dir: Path | None, server: str | None, subscription: str | None) -> Iterator[ApiClient]:
    """An API client for the block; a `CliError` inside it ends the command with exit status 1."""
    from cerulean.cli.arm_client import ApiClient  # noqa: PLC0415 - keeps `cerulean --help` fast
    from cerulean.cli.profile import load_profile  # noqa: PLC0415

    try:
        with ApiClient.open(load_profile(data_dir, server, subscription)) as client:
            yield client
    except CliError as exc:
        typer.echo(f"cerulean: {exc.code}: {exc.message}", err=True)
        raise typer.Exit(1) from exc


def confirm(question: str, *, yes: bool) -> None:
    """Ask before a destructive change, as az does, unless ``--yes``."""
    if not yes and not typer.confirm(question, default=False):
        raise typer.Abort


def segment(name: str) -> str:
    """A name as one path segment (a '/' or '?' in it cannot address another resource)."""
    return quote(name, safe="")


def resource_group(client: ApiClient, group: str | None) -> str:
    """``-g``, or the bootstrap record's resource group."""
    found = group or client.profile.resource_group
    if not found:
        raise fail("ResourceGroupRequired", "name the resource group with --resource-group/-g")
    return found


def group_path(client: ApiClient, group: str | None) -> str:
    """``/subscriptions/{s}/resourceGroups/{g}``."""
    group_name = segment(resource_group(client, group))
    return f"/subscriptions/{segment(client.subscription)}/resourceGroups/{group_name}"


def registry_path(client: ApiClient, group: str | None, name: str | None) -> str:
    """A registry's resource id; the name defaults to the bootstrap record's registry."""
    registry = name or client.profile.registry_name
    if not registry:
        raise fail("RegistryNameRequired", "name the registry with --name/-n or --registry/-r")
    return f"{group_path(client, group)}{_REGISTRIES}/{segment(registry)}"


def group_location(client: ApiClient, group: str | None) -> str:
    """A resource group's location (where az puts a new resource by default)."""
    found = client.arm("GET", group_path(client, group), api_version=GROUPS_API_VERSION)
    return str(found["location"])
