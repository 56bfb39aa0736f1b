"""`cerulean ad sp create-for-rbac`: an application, its secret and service principal, and a role.

Everything goes through Graph (``POST /v1.0/applications``, ``…/addPassword``, the service principal)
and the management API (the role assignment), as ``az ad sp create-for-rbac`` does; the answer has
az's shape, ``{"appId", "displayName", "password", "tenant"}``, and is the only place the password
ever appears.
"""

# ruff: noqa: PLR0917 - one parameter per flag, as typer wants
from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from cerulean.cli.assignees import Assignee, odata_text
from cerulean.cli.common import (
    DataDirOption,
    OutputOption,
    ServerOption,
    SubscriptionOption,
    fail,
    segment,
    session,
)
from cerulean.cli.endpoints import AUTHORIZATION_API_VERSION
from cerulean.cli.output import Column, OutputFormat, emit, field
from cerulean.cli.role import assignment_body, role_definition_id, scoped

if TYPE_CHECKING:
    from cerulean.cli.arm_client import ApiClient

__all__ = ["sp"]

sp = typer.Typer(help="Service principals.", no_args_is_help=True)

_COLUMNS: Final[list[Column]] = [
    ("APP ID", field("appId")),
    ("DISPLAY NAME", field("displayName")),
    ("PASSWORD", field("password")),
    ("TENANT", field("tenant")),
]


def _application(client: ApiClient, name: str) -> dict[str, Any]:
    """The application named `name`, reused as az does, or a new one."""
    existing = client.graph_list(
        "/v1.0/applications", params={"$filter": f"displayName eq {odata_text(name)}"}
    )
    if len(existing) > 1:
        raise fail("ApplicationAmbiguous", f"{len(existing)} applications are named {name!r}")
    if existing:
        typer.echo(f"Found the application {name!r}; adding a new password to it.", err=True)
        return existing[0]
    created: dict[str, Any] = client.graph("POST", "/v1.0/applications", body={"displayName": name})
    return created


def _service_principal(client: ApiClient, app_id: str) -> str:
    found = client.graph_list("/v1.0/servicePrincipals", params={"$filter": f"appId eq {odata_text(app_id)}"})
    if found:
        return str(found[0]["id"])
    created = client.graph("POST", "/v1.0/servicePrincipals", body={"appId": app_id})
    return str(created["id"])


@sp.command("create-for-rbac")
def create_for_rbac(
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="Display name [default: cerulean-<UTC time>].")
    ] = None,
    role: Annotated[str | None, typer.Option(help="Role to assign (name or GUID); needs --scopes.")] = None,
    scopes: Annotated[
        list[str] | None, typer.Option("--scopes", help="Scope of the assignment (repeatable); needs --role.")
    ] = None,
    years: Annotated[int, typer.Option(min=1, max=100, help="How long the password is valid.")] = 1,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Create an application with a password and its service principal, and assign it a role."""
    if (role is None) != (not scopes):
        raise typer.BadParameter("give both or neither", param_hint="--role / --scopes")
    display_name = name or dt.datetime.now(dt.UTC).strftime("cerulean-%Y-%m-%d-%H-%M-%S")
    with session(data_dir, server, subscription) as client:
        application = _application(client, display_name)
        end = dt.datetime.now(dt.UTC) + dt.timedelta(days=365 * years)
        secret = client.graph(
            "POST",
            f"/v1.0/applications/{application['id']}/addPassword",
            body={
                "passwordCredential": {
                    "displayName": "rbac",
                    "endDateTime": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
            },
        )
        app_id = str(application["appId"])
        principal = Assignee(_service_principal(client, app_id), "ServicePrincipal")
        for scope in scopes or []:
            body = assignment_body(role_definition_id(client, str(role), scope), principal, None, None, None)
            client.arm(
                "PUT",
                scoped(scope, f"/providers/Microsoft.Authorization/roleAssignments/{uuid.uuid4()}"),
                api_version=AUTHORIZATION_API_VERSION,
                body=body,
            )
        typer.echo("The password is shown once: store it now.", err=True)
        shown = {"appId": app_id, "displayName": display_name, "password": secret.get("secretText"),
                 "tenant": client.profile.tenant_id}  # fmt: skip
        emit(shown, output, _COLUMNS)


_SP_COLUMNS: Final[list[Column]] = [
    ("DISPLAY NAME", field("displayName")),
    ("ID", field("id")),
    ("APP ID", field("appId")),
    ("TYPE", field("servicePrincipalType")),
]


@sp.command("show")
def show(
    sp_id: Annotated[str, typer.Option("--id", help="appId, service principal name or object id.")],
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Show a service principal (of an application or a managed identity)."""
    with session(data_dir, server, subscription) as client:
        found = client.graph_list(
            "/v1.0/servicePrincipals",
            params={"$filter": f"servicePrincipalNames/any(c:c eq {odata_text(sp_id)})"},
        )
        emit(
            found[0] if found else client.graph("GET", f"/v1.0/servicePrincipals/{segment(sp_id)}"),
            output,
            _SP_COLUMNS,
        )


@sp.command("list")
def list_service_principals(
    display_name: Annotated[str | None, typer.Option(help="Only service principals of this name.")] = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """List service principals."""
    params = {"$filter": f"displayName eq {odata_text(display_name)}"} if display_name else None
    with session(data_dir, server, subscription) as client:
        emit(client.graph_list("/v1.0/servicePrincipals", params=params), output, _SP_COLUMNS)
