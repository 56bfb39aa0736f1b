"""`cerulean acr token ...`: repository-scoped tokens (a name and two passwords, bound to a scope map).

``create`` generates both passwords, as az does, and prints them once: the server keeps only hashes.
With ``--repository`` instead of ``--scope-map`` it first writes a scope map named
``<token>-scope-map``.
"""

# ruff: noqa: PLR0917, FBT002 - one parameter per flag (flags default to False), as typer wants
from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from cerulean.cli.acr_scope_maps import EXTRA_ARGS, RegistryOption, create_scope_map, scope_map_path
from cerulean.cli.common import (
    DataDirOption,
    OutputOption,
    ResourceGroupOption,
    ServerOption,
    SubscriptionOption,
    YesOption,
    confirm,
    registry_path,
    segment,
    session,
)
from cerulean.cli.errors import CliError
from cerulean.cli.output import Column, OutputFormat, emit, field
from cerulean.cli.repository_actions import grants_from, scope_map_actions

if TYPE_CHECKING:
    from cerulean.cli.arm_client import ApiClient

__all__ = ["token"]

token = typer.Typer(help="Repository-scoped tokens.", no_args_is_help=True)
credential = typer.Typer(help="A token's passwords.", no_args_is_help=True)
token.add_typer(credential, name="credential")


class Status(StrEnum):
    """``--status``."""

    ENABLED = "enabled"
    DISABLED = "disabled"


_NameOption = Annotated[str, typer.Option("--name", "-n", help="Token.")]
ScopeMapOption = Annotated[str | None, typer.Option(help="Scope map name or resource id.")]
StatusOption = Annotated[
    Status | None, typer.Option(case_sensitive=False, help="A disabled token cannot log in.")
]
DaysOption = Annotated[
    int | None, typer.Option(min=1, help="Passwords expire after this many days [default: never].")
]
ExpirationOption = Annotated[
    str | None, typer.Option(help="Passwords expire at this UTC time (ISO 8601) [default: never].")
]


def _scope_map_name(item: dict[str, Any]) -> object:
    scope_map_id = item.get("properties", {}).get("scopeMapId")
    return str(scope_map_id).rsplit("/", 1)[-1] if scope_map_id else None


def _expiry_of(item: dict[str, Any], name: str) -> object:
    passwords = item.get("properties", {}).get("credentials", {}).get("passwords") or []
    return next((p.get("expiry") for p in passwords if p.get("name") == name), None)


_COLUMNS: Final[list[Column]] = [
    ("NAME", field("name")),
    ("SCOPE MAP", _scope_map_name),
    ("STATUS", field("properties.status")),
    ("CREATION DATE", field("properties.creationDate")),
    ("PASSWORD1 EXPIRY", lambda t: _expiry_of(t, "password1")),
    ("PASSWORD2 EXPIRY", lambda t: _expiry_of(t, "password2")),
]
_PASSWORD_COLUMNS: Final[list[Column]] = [
    ("USERNAME", field("username")),
    ("PASSWORD NAME", field("name")),
    ("PASSWORD", field("value")),
    ("CREATION TIME", field("creationTime")),
    ("EXPIRY", field("expiry")),
]


def _token_path(client: ApiClient, group: str | None, registry: str | None, name: str) -> str:
    return f"{registry_path(client, group, registry)}/tokens/{segment(name)}"


def _scope_map_id(client: ApiClient, group: str | None, registry: str | None, scope_map: str) -> str:
    return scope_map if scope_map.startswith("/") else scope_map_path(client, group, registry, scope_map)


def _expiry(days: int | None, expiration: str | None) -> str | None:
    if days is not None and expiration is not None:
        raise typer.BadParameter("not both", param_hint="--expiration-in-days / --expiration")
    if days is not None:
        when = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    elif expiration is not None:
        try:
            when = dt.datetime.fromisoformat(expiration)
        except ValueError as exc:
            raise typer.BadParameter(
                f"{expiration!r} is not an ISO 8601 time", param_hint="--expiration"
            ) from exc
        when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    else:
        return None
    return when.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _generate(client: ApiClient, registry: str, token_id: str, name: str | None, expiry: str | None) -> Any:  # noqa: ANN401 - JSON
    body: dict[str, Any] = {"tokenId": token_id}
    if name is not None:
        body["name"] = name
    if expiry is not None:
        body["expiry"] = expiry
    return client.arm("POST", registry + "/generateCredentials", body=body)


def _print_passwords(generated: dict[str, Any], login_server: str | None) -> None:
    if login_server:
        typer.echo(
            "Store these passwords now: they are not shown again. "
            f"Log in with: docker login {login_server} -u {generated.get('username')} -p <password>",
            err=True,
        )


@token.command("create", context_settings=EXTRA_ARGS, help=(
    "Create a token and generate its two passwords (printed once)."
    "\n\nGive --scope-map, or --repository REPO ACTION [ACTION ...] (repeatable) to create "
    "'<token>-scope-map' first."
))  # fmt: skip
def create(
    ctx: typer.Context,
    name: _NameOption,
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    scope_map: ScopeMapOption = None,
    status: StatusOption = None,
    no_passwords: Annotated[bool, typer.Option("--no-passwords", help="Generate no password.")] = False,
    expiration_in_days: DaysOption = None,
    expiration: ExpirationOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    grants = grants_from(ctx.args, ["--repository"])["--repository"]
    if bool(grants) == (scope_map is not None):
        raise typer.BadParameter("give exactly one", param_hint="--scope-map / --repository")
    expiry = _expiry(expiration_in_days, expiration)
    with session(data_dir, server, subscription) as client:
        if grants:
            scope_map_id = scope_map_path(client, resource_group, registry, f"{name}-scope-map")
            create_scope_map(client, scope_map_id, scope_map_actions(grants), f"Scope map of token {name}")
        else:
            scope_map_id = _scope_map_id(client, resource_group, registry, str(scope_map))
        properties = {"scopeMapId": scope_map_id, "status": (status or Status.ENABLED).value}
        path = _token_path(client, resource_group, registry, name)
        try:
            created: dict[str, Any] = client.arm("PUT", path, body={"properties": properties})
        except CliError:
            if grants:  # leave no scope map behind for a token that was refused
                client.arm("DELETE", scope_map_id)
            raise
        if no_passwords:
            emit(created, output, _COLUMNS)
            return
        registry_id = registry_path(client, resource_group, registry)
        generated = _generate(client, registry_id, created.get("id") or path, None, expiry)
        credentials = created.setdefault("properties", {}).setdefault("credentials", {})
        credentials["username"] = generated.get("username")
        credentials["passwords"] = generated.get("passwords") or []
        if output is OutputFormat.JSON:
            emit(created, output)
        else:
            emit(created, output, _COLUMNS)
            typer.echo()
            _emit_passwords(generated, output)
        login_server = client.arm("GET", registry_id).get("properties", {}).get("loginServer")
        _print_passwords(generated, login_server)


def _emit_passwords(generated: dict[str, Any], output: OutputFormat) -> None:
    if output is OutputFormat.JSON:
        emit(generated, output)
        return
    rows = [{"username": generated.get("username"), **p} for p in generated.get("passwords") or []]
    emit(rows, output, _PASSWORD_COLUMNS)


@token.command("update")
def update(
    name: _NameOption,
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    scope_map: ScopeMapOption = None,
    status: StatusOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Bind a token to another scope map, or enable or disable it."""
    with session(data_dir, server, subscription) as client:
        properties: dict[str, Any] = {}
        if scope_map is not None:
            properties["scopeMapId"] = _scope_map_id(client, resource_group, registry, scope_map)
        if status is not None:
            properties["status"] = status.value
        path = _token_path(client, resource_group, registry, name)
        emit(client.arm("PATCH", path, body={"properties": properties}), output, _COLUMNS)


@token.command("show")
def show(
    name: _NameOption,
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Show a token (never its passwords' values)."""
    with session(data_dir, server, subscription) as client:
        emit(client.arm("GET", _token_path(client, resource_group, registry, name)), output, _COLUMNS)


@token.command("list")
def list_tokens(
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """List a registry's tokens."""
    with session(data_dir, server, subscription) as client:
        emit(client.arm_list(registry_path(client, resource_group, registry) + "/tokens"), output, _COLUMNS)


@token.command("delete")
def delete(
    name: _NameOption,
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    yes: YesOption = False,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Delete a token; its passwords stop working at once."""
    confirm(f"Delete token {name!r}?", yes=yes)
    with session(data_dir, server, subscription) as client:
        client.arm("DELETE", _token_path(client, resource_group, registry, name))


@credential.command("generate")
def credential_generate(
    name: _NameOption,
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    password1: Annotated[bool, typer.Option("--password1", help="Generate password1.")] = False,
    password2: Annotated[bool, typer.Option("--password2", help="Generate password2.")] = False,
    expiration_in_days: DaysOption = None,
    expiration: ExpirationOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Generate a token's passwords (both, unless --password1 or --password2 names one)."""
    expiry = _expiry(expiration_in_days, expiration)
    which = (
        "password1" if password1 and not password2 else "password2" if password2 and not password1 else None
    )
    with session(data_dir, server, subscription) as client:
        registry_id = registry_path(client, resource_group, registry)
        token_id = _token_path(client, resource_group, registry, name)
        generated = _generate(client, registry_id, token_id, which, expiry)
        _emit_passwords(generated, output)
