"""`cerulean acr scope-map ...`: which repositories and actions a repository-scoped token may use.

``--repository REPO ACTION [ACTION ...]`` (repeatable) is written to ARM as
``repositories/<REPO>/<ACTION>``; ``update`` reads the map, adds and removes, and writes it back.
"""

# ruff: noqa: PLR0917, FBT002 - one parameter per flag (flags default to False), as typer wants
from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from cerulean.cli.common import (
    DataDirOption,
    OutputOption,
    ResourceGroupOption,
    ServerOption,
    SubscriptionOption,
    YesOption,
    confirm,
    fail,
    registry_path,
    segment,
    session,
)
from cerulean.cli.output import Column, OutputFormat, emit, field
from cerulean.cli.repository_actions import grants_from, scope_map_actions

if TYPE_CHECKING:
    from cerulean.cli.arm_client import ApiClient

__all__ = ["EXTRA_ARGS", "RegistryOption", "create_scope_map", "scope_map", "scope_map_path"]

scope_map = typer.Typer(
    help="Scope maps: the repositories and actions a token may use.", no_args_is_help=True
)

# The --repository groups are read from the extra arguments (see repository_actions).
EXTRA_ARGS: Final = {"allow_extra_args": True, "ignore_unknown_options": True}
RegistryOption = Annotated[
    str | None, typer.Option("--registry", "-r", help="Registry [default: the bootstrap record's]")
]
_NameOption = Annotated[str, typer.Option("--name", "-n", help="Scope map.")]
_COLUMNS: Final[list[Column]] = [
    ("NAME", field("name")),
    ("TYPE", field("properties.type")),
    ("CREATION DATE", field("properties.creationDate")),
    ("DESCRIPTION", field("properties.description")),
]
_SHOW_COLUMNS: Final[list[Column]] = [*_COLUMNS, ("ACTIONS", field("properties.actions"))]
_REPOSITORY_HELP: Final = (
    "\n\n--repository REPO ACTION [ACTION ...] (repeatable): actions are content/read, content/write, "
    "content/delete, metadata/read, metadata/write; REPO may be *, or end in /*."
)


def scope_map_path(client: ApiClient, group: str | None, registry: str | None, name: str) -> str:
    """A scope map's resource id."""
    return f"{registry_path(client, group, registry)}/scopeMaps/{segment(name)}"


def create_scope_map(
    client: ApiClient, path: str, actions: list[str], description: str | None
) -> dict[str, Any]:
    """PUT a scope map; its ARM object."""
    properties: dict[str, Any] = {"actions": actions}
    if description is not None:
        properties["description"] = description
    created: dict[str, Any] = client.arm("PUT", path, body={"properties": properties})
    return created


@scope_map.command("create", context_settings=EXTRA_ARGS, help="Create a scope map." + _REPOSITORY_HELP)
def create(
    ctx: typer.Context,
    name: _NameOption,
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    description: Annotated[str | None, typer.Option(help="Free text.")] = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    grants = grants_from(ctx.args, ["--repository"])["--repository"]
    if not grants:
        raise typer.BadParameter("give at least one REPO ACTION [ACTION ...]", param_hint="--repository")
    with session(data_dir, server, subscription) as client:
        path = scope_map_path(client, resource_group, registry, name)
        emit(create_scope_map(client, path, scope_map_actions(grants), description), output, _SHOW_COLUMNS)


@scope_map.command("update", context_settings=EXTRA_ARGS, help=(
    "Add or remove repository actions, or change the description."
    "\n\n--add-repository / --remove-repository REPO ACTION [ACTION ...] (repeatable)."
))  # fmt: skip
def update(
    ctx: typer.Context,
    name: _NameOption,
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    description: Annotated[str | None, typer.Option(help="Free text.")] = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    found = grants_from(ctx.args, ["--add-repository", "--remove-repository"])
    add, remove = (
        scope_map_actions(found["--add-repository"]),
        scope_map_actions(found["--remove-repository"]),
    )
    with session(data_dir, server, subscription) as client:
        path = scope_map_path(client, resource_group, registry, name)
        properties: dict[str, Any] = {}
        if add or remove:
            current = client.arm("GET", path).get("properties", {}).get("actions") or []
            missing = [a for a in remove if a not in current]
            if missing:
                raise fail("ActionNotFound", f"the scope map {name!r} has no action {missing[0]!r}")
            properties["actions"] = [a for a in dict.fromkeys([*current, *add]) if a not in remove]
        if description is not None:
            properties["description"] = description
        emit(client.arm("PATCH", path, body={"properties": properties}), output, _SHOW_COLUMNS)


@scope_map.command("show")
def show(
    name: _NameOption,
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Show a scope map and its actions."""
    with session(data_dir, server, subscription) as client:
        emit(client.arm("GET", scope_map_path(client, resource_group, registry, name)), output, _SHOW_COLUMNS)


@scope_map.command("list")
def list_scope_maps(
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """List a registry's scope maps, the system-defined ones included."""
    with session(data_dir, server, subscription) as client:
        emit(
            client.arm_list(registry_path(client, resource_group, registry) + "/scopeMaps"), output, _COLUMNS
        )


@scope_map.command("delete")
def delete(
    name: _NameOption,
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    yes: YesOption = False,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Delete a user-defined scope map."""
    confirm(f"Delete scope map {name!r}?", yes=yes)
    with session(data_dir, server, subscription) as client:
        client.arm("DELETE", scope_map_path(client, resource_group, registry, name))
