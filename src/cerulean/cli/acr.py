"""`cerulean acr ...`: registries and their admin credentials, shaped like ``az acr``.

Each command is one or two management API calls (ARM's ``Microsoft.ContainerRegistry/registries``);
``--output json`` prints the API's objects. Scope maps, tokens and ``acr login`` live in their own
modules and are registered here.
"""

# ruff: noqa: PLR0917, FBT002 - one parameter per flag (flags default to False), as typer wants
from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Final

import typer

from cerulean.cli.acr_config import config
from cerulean.cli.acr_login import login
from cerulean.cli.acr_scope_maps import scope_map
from cerulean.cli.acr_tokens import token
from cerulean.cli.common import (
    DataDirOption,
    OutputOption,
    ResourceGroupOption,
    ServerOption,
    SubscriptionOption,
    Switch,
    YesOption,
    confirm,
    fail,
    group_location,
    group_path,
    registry_path,
    segment,
    session,
    switch,
)
from cerulean.cli.output import Column, OutputFormat, emit, field

__all__ = ["REGISTRY_COLUMNS", "acr"]

acr = typer.Typer(
    help="Container registries, their credentials, scope maps and tokens.", no_args_is_help=True
)
credential = typer.Typer(help="The admin account's passwords.", no_args_is_help=True)
acr.add_typer(credential, name="credential")
acr.add_typer(scope_map, name="scope-map")
acr.add_typer(token, name="token")
acr.add_typer(config, name="config")
acr.command("login")(login)

_REGISTRY_TYPE: Final = "Microsoft.ContainerRegistry/registries"


class Sku(StrEnum):
    """``--sku``."""

    BASIC = "Basic"
    STANDARD = "Standard"
    PREMIUM = "Premium"


class RoleAssignmentMode(StrEnum):
    """``--role-assignment-mode`` (az's values) and the ARM value each stands for."""

    RBAC = "rbac"
    RBAC_ABAC = "rbac-abac"

    @property
    def arm(self) -> str:
        """ARM's ``roleAssignmentMode``."""
        return "LegacyRegistryPermissions" if self is RoleAssignmentMode.RBAC else "AbacRepositoryPermissions"


class DefaultAction(StrEnum):
    """``--default-action`` of the network rule set."""

    ALLOW = "Allow"
    DENY = "Deny"


def _resource_group_of(item: dict[str, Any]) -> object:
    parts = str(item.get("id", "")).split("/")
    lowered = [p.lower() for p in parts]
    return parts[lowered.index("resourcegroups") + 1] if "resourcegroups" in lowered[:-1] else None


REGISTRY_COLUMNS: Final[list[Column]] = [
    ("NAME", field("name")),
    ("RESOURCE GROUP", _resource_group_of),
    ("LOCATION", field("location")),
    ("SKU", field("sku.name")),
    ("LOGIN SERVER", field("properties.loginServer")),
    ("CREATION DATE", field("properties.creationDate")),
    ("ADMIN ENABLED", field("properties.adminUserEnabled")),
]
_CREDENTIAL_COLUMNS: Final[list[Column]] = [
    ("USERNAME", field("username")),
    ("PASSWORD", lambda c: _password(c, "password")),
    ("PASSWORD2", lambda c: _password(c, "password2")),
]


def _password(credentials: dict[str, Any], name: str) -> object:
    return next((p.get("value") for p in credentials.get("passwords") or [] if p.get("name") == name), None)


NameOption = Annotated[
    str | None, typer.Option("--name", "-n", help="Registry [default: the bootstrap record's]")
]
SkuOption = Annotated[Sku | None, typer.Option(case_sensitive=False, help="Service tier.")]
AdminOption = Annotated[
    Switch | None, typer.Option("--admin-enabled", case_sensitive=False, help="The admin account.")
]
AnonymousOption = Annotated[
    Switch | None,
    typer.Option("--anonymous-pull-enabled", case_sensitive=False, help="Pulls without credentials."),
]
ModeOption = Annotated[
    RoleAssignmentMode | None,
    typer.Option(
        "--role-assignment-mode",
        case_sensitive=False,
        help="rbac: RBAC Registry permissions; rbac-abac: RBAC Registry + ABAC Repository permissions.",
    ),
]
PublicOption = Annotated[
    Switch | None,
    typer.Option("--public-network-enabled", case_sensitive=False, help="Access over the public network."),
]
DefaultActionOption = Annotated[
    DefaultAction | None,
    typer.Option(case_sensitive=False, help="What the network rules do with an address no rule names."),
]
DataEndpointOption = Annotated[
    Switch | None,
    typer.Option("--data-endpoint-enabled", case_sensitive=False, help="Dedicated data endpoints."),
]
ExportsOption = Annotated[
    Switch | None,
    typer.Option(
        "--allow-exports",
        case_sensitive=False,
        help="Import from and transfer out of this registry (false needs --public-network-enabled false).",
    ),
]
TrustedOption = Annotated[
    Switch | None,
    typer.Option(
        "--allow-trusted-services", case_sensitive=False, help="Trusted services bypass the network rules."
    ),
]


def _properties(
    admin: Switch | None,
    anonymous: Switch | None,
    mode: RoleAssignmentMode | None,
    public: Switch | None,
    data_endpoint: Switch | None,
    trusted: Switch | None,
    exports: Switch | None,
) -> dict[str, Any]:
    given: dict[str, Any] = {
        "adminUserEnabled": switch(admin),
        "anonymousPullEnabled": switch(anonymous),
        "roleAssignmentMode": mode.arm if mode else None,
        "publicNetworkAccess": None if public is None else ("Enabled" if switch(public) else "Disabled"),
        "dataEndpointEnabled": switch(data_endpoint),
        "networkRuleBypassOptions": None
        if trusted is None
        else ("AzureServices" if switch(trusted) else "None"),
    }
    if exports is not None:
        given["policies"] = {"exportPolicy": {"status": "enabled" if switch(exports) else "disabled"}}
    return {key: value for key, value in given.items() if value is not None}


@acr.command("create")
def create(
    name: Annotated[str, typer.Option("--name", "-n", help="Registry name: 5-50 letters and digits.")],
    sku: Annotated[Sku, typer.Option(case_sensitive=False, help="Service tier.")],
    resource_group: ResourceGroupOption = None,
    location: Annotated[str | None, typer.Option("--location", "-l", help="[default: the group's]")] = None,
    admin_enabled: AdminOption = None,
    anonymous_pull_enabled: AnonymousOption = None,
    role_assignment_mode: ModeOption = None,
    public_network_enabled: PublicOption = None,
    default_action: DefaultActionOption = None,
    data_endpoint_enabled: DataEndpointOption = None,
    allow_trusted_services: TrustedOption = None,
    allow_exports: ExportsOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Create a registry."""
    with session(data_dir, server, subscription) as client:
        available = client.arm(
            "POST",
            f"/subscriptions/{segment(client.subscription)}/providers/Microsoft.ContainerRegistry"
            "/checkNameAvailability",
            body={"name": name, "type": _REGISTRY_TYPE},
        )
        if not available.get("nameAvailable", False):
            reason = str(available.get("reason") or "AlreadyExists")
            raise fail(
                reason, str(available.get("message") or f"The registry name {name!r} is not available.")
            )
        properties = _properties(
            admin_enabled, anonymous_pull_enabled, role_assignment_mode, public_network_enabled,
            data_endpoint_enabled, allow_trusted_services, allow_exports,
        )  # fmt: skip
        if default_action is not None:
            properties["networkRuleSet"] = {"defaultAction": default_action.value, "ipRules": []}
        body = {
            "location": location or group_location(client, resource_group),
            "sku": {"name": sku.value},
            "properties": properties,
        }
        created = client.arm("PUT", registry_path(client, resource_group, name), body=body)
        emit(created, output, REGISTRY_COLUMNS)


@acr.command("show")
def show(
    name: NameOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Show a registry."""
    with session(data_dir, server, subscription) as client:
        emit(client.arm("GET", registry_path(client, resource_group, name)), output, REGISTRY_COLUMNS)


@acr.command("update")
def update(
    name: NameOption = None,
    resource_group: ResourceGroupOption = None,
    sku: SkuOption = None,
    admin_enabled: AdminOption = None,
    anonymous_pull_enabled: AnonymousOption = None,
    role_assignment_mode: ModeOption = None,
    public_network_enabled: PublicOption = None,
    default_action: DefaultActionOption = None,
    data_endpoint_enabled: DataEndpointOption = None,
    allow_trusted_services: TrustedOption = None,
    allow_exports: ExportsOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Change a registry's settings (only the flags given)."""
    with session(data_dir, server, subscription) as client:
        path = registry_path(client, resource_group, name)
        properties = _properties(
            admin_enabled, anonymous_pull_enabled, role_assignment_mode, public_network_enabled,
            data_endpoint_enabled, allow_trusted_services, allow_exports,
        )  # fmt: skip
        if default_action is not None:  # a PATCH replaces the rule set: keep its IP rules
            current = client.arm("GET", path).get("properties", {}).get("networkRuleSet") or {}
            properties["networkRuleSet"] = {**current, "defaultAction": default_action.value}
        body: dict[str, Any] = {"properties": properties}
        if sku is not None:
            body["sku"] = {"name": sku.value}
        emit(client.arm("PATCH", path, body=body), output, REGISTRY_COLUMNS)


@acr.command("delete")
def delete(
    name: Annotated[str, typer.Option("--name", "-n", help="Registry.")],
    resource_group: ResourceGroupOption = None,
    yes: YesOption = False,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Delete a registry and everything in it."""
    confirm(f"Delete registry {name!r} and all its content?", yes=yes)
    with session(data_dir, server, subscription) as client:
        client.arm("DELETE", registry_path(client, resource_group, name))


@acr.command("list")
def list_registries(
    resource_group: Annotated[
        str | None, typer.Option("--resource-group", "-g", help="Only this group [default: every group]")
    ] = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """List registries of the subscription, or of one resource group."""
    with session(data_dir, server, subscription) as client:
        if resource_group:
            path = f"{group_path(client, resource_group)}/providers/{_REGISTRY_TYPE}"
        else:
            path = f"/subscriptions/{segment(client.subscription)}/providers/{_REGISTRY_TYPE}"
        emit(client.arm_list(path), output, REGISTRY_COLUMNS)


@acr.command("show-usage")
def show_usage(
    name: NameOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Show a registry's usage against its SKU's limits."""
    with session(data_dir, server, subscription) as client:
        usages = client.arm("GET", registry_path(client, resource_group, name) + "/listUsages")
        columns: list[Column] = [
            ("NAME", field("name")), ("LIMIT", field("limit")),
            ("CURRENT VALUE", field("currentValue")), ("UNIT", field("unit")),
        ]  # fmt: skip
        emit(usages if output is OutputFormat.JSON else usages.get("value") or [], output, columns)


@acr.command("check-name")
def check_name(
    name: Annotated[str, typer.Option("--name", "-n", help="Registry name to check.")],
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Check whether a registry name is available."""
    with session(data_dir, server, subscription) as client:
        answer = client.arm(
            "POST",
            f"/subscriptions/{segment(client.subscription)}/providers/Microsoft.ContainerRegistry"
            "/checkNameAvailability",
            body={"name": name, "type": _REGISTRY_TYPE},
        )
        columns: list[Column] = [
            ("NAME AVAILABLE", field("nameAvailable")), ("REASON", field("reason")),
            ("MESSAGE", field("message")),
        ]  # fmt: skip
        emit(answer, output, columns)


@credential.command("show")
def credential_show(
    name: NameOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Show the admin account's username and passwords (the admin account must be enabled)."""
    with session(data_dir, server, subscription) as client:
        found = client.arm("POST", registry_path(client, resource_group, name) + "/listCredentials")
        emit(found, output, _CREDENTIAL_COLUMNS)


class PasswordName(StrEnum):
    """``--password-name``."""

    PASSWORD = "password"  # noqa: S105 - a password's name, not a password
    PASSWORD2 = "password2"


@credential.command("renew")
def credential_renew(
    password_name: Annotated[PasswordName, typer.Option(help="The password to replace.")],
    name: NameOption = None,
    resource_group: ResourceGroupOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Replace one of the admin account's passwords; the old one stops working at once."""
    with session(data_dir, server, subscription) as client:
        found = client.arm(
            "POST",
            registry_path(client, resource_group, name) + "/regenerateCredential",
            body={"name": password_name.value},
        )
        emit(found, output, _CREDENTIAL_COLUMNS)
