"""`cerulean access explain`: why the access engine would allow or refuse one data-plane action.

The server answers ``POST …/registries/{r}/explainAccess`` (a Cerulean extension of the management
API) with the engine's decision and its reasons; the table output is the explanation's text. With
``--client-ip`` (and ``--private-endpoint``) the answer starts with the network gate's verdict for a
request from that address, since the gate refuses before any credential is looked at.
"""

# ruff: noqa: PLR0917 - one parameter per flag, as typer wants
from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from cerulean.cli.assignees import resolve_assignee
from cerulean.cli.common import (
    DataDirOption,
    OutputOption,
    ResourceGroupOption,
    ServerOption,
    SubscriptionOption,
    registry_path,
    session,
)
from cerulean.cli.output import OutputFormat, emit

__all__ = ["access"]

access = typer.Typer(help="Why a principal may or may not do something.", no_args_is_help=True)


class Action(StrEnum):
    """``--action``: the registry's token-scope actions."""

    PULL = "pull"
    PUSH = "push"
    DELETE = "delete"
    METADATA_READ = "metadata_read"
    METADATA_WRITE = "metadata_write"
    CATALOG = "catalog"


@access.command("explain")
def explain(
    action: Annotated[Action, typer.Option(case_sensitive=False, help="What the principal would do.")],
    assignee: Annotated[
        str | None, typer.Option(help="User principal name, appId, service principal name or object id.")
    ] = None,
    assignee_object_id: Annotated[str | None, typer.Option(help="Object id (no Graph lookup).")] = None,
    registry: Annotated[
        str | None, typer.Option("--registry", "-r", help="Registry [default: the bootstrap record's]")
    ] = None,
    repository: Annotated[str | None, typer.Option(help="Repository (not for catalog).")] = None,
    client_ip: Annotated[
        str | None, typer.Option(help="Also explain the network gate for a request from this address.")
    ] = None,
    private_endpoint: Annotated[
        str | None,
        typer.Option(
            help="Also explain the network gate on this private endpoint (its name or resource id)."
        ),
    ] = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Explain the access engine's decision for a principal, registry, repository and action.

    With --client-ip, first the network gate's verdict for a request from that address.
    """
    if (assignee is None) == (assignee_object_id is None):
        raise typer.BadParameter("give exactly one", param_hint="--assignee / --assignee-object-id")
    with session(data_dir, server, subscription) as client:
        principal = assignee_object_id or resolve_assignee(client, str(assignee)).object_id
        body: dict[str, Any] = {"principalId": principal.lower(), "action": action.value}
        if repository is not None:
            body["repository"] = repository
        if client_ip is not None:
            body["clientIp"] = client_ip
        if private_endpoint is not None:
            body["privateEndpoint"] = private_endpoint
        answer = client.arm(
            "POST", registry_path(client, resource_group, registry) + "/explainAccess", body=body
        )
        if output is OutputFormat.JSON:
            emit(answer, output)
        else:
            typer.echo(str(answer.get("text") or ("allowed" if answer.get("allowed") else "denied")))
