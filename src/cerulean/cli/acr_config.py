"""`cerulean acr config content-trust|retention|soft-delete show|update`, shaped like ``az acr config``.

``update`` PATCHes only the one policy and only the fields given (the API merges per policy) and prints
the policy as the API now holds it, as az does. SKU gates are the API's: it refuses, naming the SKU.
The policies are stored and served; Cerulean does not enforce them yet (docs/cli.md).
"""

# ruff: noqa: PLR0917 - one parameter per flag, as typer wants
from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Final

import typer

from cerulean.cli.acr_scope_maps import RegistryOption  # noqa: TC001 - typer reads it at run time
from cerulean.cli.common import (
    DataDirOption,
    OutputOption,
    ResourceGroupOption,
    ServerOption,
    SubscriptionOption,
    registry_path,
    session,
)
from cerulean.cli.output import Column, OutputFormat, emit, field

__all__ = ["config"]

config = typer.Typer(help="Registry policies: content trust, retention, soft delete.", no_args_is_help=True)
content_trust = typer.Typer(help="Content trust (Docker Content Trust, Notary v1).", no_args_is_help=True)
retention = typer.Typer(help="How long untagged manifests are kept.", no_args_is_help=True)
soft_delete = typer.Typer(help="How long deleted artifacts are kept (preview).", no_args_is_help=True)
config.add_typer(content_trust, name="content-trust")
config.add_typer(retention, name="retention")
config.add_typer(soft_delete, name="soft-delete")


class Status(StrEnum):
    """``--status``: ARM's lower-case policy status."""

    ENABLED = "enabled"
    DISABLED = "disabled"


class RetentionType(StrEnum):
    """``--type``: az's only retention type."""

    UNTAGGED_MANIFESTS = "UntaggedManifests"


StatusOption = Annotated[Status | None, typer.Option(case_sensitive=False, help="Turn the policy on or off.")]
_STATUS: Final[list[Column]] = [("STATUS", field("status"))]
_DAYS: Final[list[Column]] = [("DAYS", field("days")), *_STATUS, ("LAST UPDATED", field("lastUpdatedTime"))]
_RETENTION_DAYS: Final[list[Column]] = [
    ("RETENTION DAYS", field("retentionDays")), *_STATUS, ("LAST UPDATED", field("lastUpdatedTime")),
]  # fmt: skip


def _show(policy: str, registry: str | None, group: str | None, options: tuple[Any, ...]) -> dict[str, Any]:
    data_dir, server, subscription = options
    with session(data_dir, server, subscription) as client:
        found = client.arm("GET", registry_path(client, group, registry))
    return dict(found.get("properties", {}).get("policies", {}).get(policy) or {})


def _update(
    policy: str, given: dict[str, Any], registry: str | None, group: str | None, options: tuple[Any, ...]
) -> dict[str, Any]:
    data_dir, server, subscription = options
    changes = {key: value for key, value in given.items() if value is not None}
    with session(data_dir, server, subscription) as client:
        body = {"properties": {"policies": {policy: changes}}}
        updated = client.arm("PATCH", registry_path(client, group, registry), body=body)
    return dict(updated.get("properties", {}).get("policies", {}).get(policy) or {})


@content_trust.command("show")
def content_trust_show(
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Show the content trust policy."""
    policy = _show("trustPolicy", registry, resource_group, (data_dir, server, subscription))
    emit(policy, output, [("TYPE", field("type")), *_STATUS])


@content_trust.command("update")
def content_trust_update(
    status: StatusOption = None,
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Turn content trust on or off (Premium)."""
    given = {"type": "Notary", "status": status.value if status else None}
    policy = _update("trustPolicy", given, registry, resource_group, (data_dir, server, subscription))
    emit(policy, output, [("TYPE", field("type")), *_STATUS])


@retention.command("show")
def retention_show(
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Show the retention policy for untagged manifests."""
    emit(_show("retentionPolicy", registry, resource_group, (data_dir, server, subscription)), output, _DAYS)


@retention.command("update")
def retention_update(
    policy_type: Annotated[
        RetentionType, typer.Option("--type", case_sensitive=False, help="What the policy keeps.")
    ],
    status: StatusOption = None,
    days: Annotated[int | None, typer.Option(help="Days an untagged manifest is kept (0-365).")] = None,
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Change the retention policy for untagged manifests (Premium)."""
    del policy_type  # az's only type, and ARM has no field for it
    given = {"status": status.value if status else None, "days": days}
    policy = _update("retentionPolicy", given, registry, resource_group, (data_dir, server, subscription))
    emit(policy, output, _DAYS)


@soft_delete.command("show")
def soft_delete_show(
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Show the soft delete policy."""
    policy = _show("softDeletePolicy", registry, resource_group, (data_dir, server, subscription))
    emit(policy, output, _RETENTION_DAYS)


@soft_delete.command("update")
def soft_delete_update(
    status: StatusOption = None,
    days: Annotated[int | None, typer.Option(help="Days a deleted artifact is kept (1-90).")] = None,
    registry: RegistryOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Change the soft delete policy (every SKU)."""
    given = {"status": status.value if status else None, "retentionDays": days}
    policy = _update("softDeletePolicy", given, registry, resource_group, (data_dir, server, subscription))
    emit(policy, output, _RETENTION_DAYS)
