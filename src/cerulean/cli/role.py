"""`cerulean role ...`: Azure RBAC role definitions and role assignments, shaped like ``az role``.

Roles are named by name or GUID (a name is looked up with ``$filter=roleName eq '…'`` at the scope);
principals by ``--assignee`` (resolved through Graph) or ``--assignee-object-id``. An assignment may
carry an ABAC condition (version 2.0): the server parses it and refuses one that does not parse.
"""

# ruff: noqa: PLR0917, FBT002 - one parameter per flag (flags default to False), as typer wants
from __future__ import annotations

import json
import uuid
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final

import typer

from cerulean.cli.assignees import Assignee, is_guid, odata_text, principal_by_object_id, resolve_assignee
from cerulean.cli.common import (
    DataDirOption,
    OutputOption,
    ServerOption,
    SubscriptionOption,
    fail,
    session,
)
from cerulean.cli.endpoints import AUTHORIZATION_API_VERSION
from cerulean.cli.output import Column, OutputFormat, emit, field

if TYPE_CHECKING:
    from cerulean.cli.arm_client import ApiClient

__all__ = ["assignment_body", "role", "role_definition_id", "scoped"]

role = typer.Typer(help="Role definitions and role assignments.", no_args_is_help=True)
assignment = typer.Typer(help="Who holds which role, where.", no_args_is_help=True)
definition = typer.Typer(help="What a role allows.", no_args_is_help=True)
role.add_typer(assignment, name="assignment")
role.add_typer(definition, name="definition")

_ASSIGNMENTS: Final = "/providers/Microsoft.Authorization/roleAssignments"
_DEFINITIONS: Final = "/providers/Microsoft.Authorization/roleDefinitions"


class PrincipalType(StrEnum):
    """``--assignee-principal-type``."""

    USER = "User"
    GROUP = "Group"
    SERVICE_PRINCIPAL = "ServicePrincipal"
    FOREIGN_GROUP = "ForeignGroup"


def scoped(scope: str, suffix: str) -> str:
    """``{scope}{suffix}``, where the root scope ``/`` adds nothing."""
    base = scope.rstrip("/")
    return f"{base}{suffix}"


def _subscription_scope(client: ApiClient) -> str:
    return f"/subscriptions/{client.subscription}"


def role_definition_id(client: ApiClient, role_name: str, scope: str) -> str:
    """A role's definition id, from its name, GUID or id."""
    if role_name.startswith("/"):
        return role_name
    if is_guid(role_name):
        return f"{_subscription_scope(client)}{_DEFINITIONS}/{role_name.lower()}"
    found = client.arm_list(
        scoped(scope, _DEFINITIONS),
        api_version=AUTHORIZATION_API_VERSION,
        params={"$filter": f"roleName eq {odata_text(role_name)}"},
    )
    if not found:
        raise fail("RoleDefinitionNotFound", f"no role named {role_name!r} at scope {scope!r}")
    if len(found) > 1:
        raise fail("RoleDefinitionAmbiguous", f"{len(found)} roles are named {role_name!r}; give its id")
    return str(found[0]["id"])


def assignment_body(
    role_id: str,
    principal: Assignee,
    condition: str | None,
    condition_version: str | None,
    description: str | None,
) -> dict[str, Any]:
    """A ``RoleAssignmentCreateParameters`` body."""
    properties: dict[str, Any] = {"roleDefinitionId": role_id, "principalId": principal.object_id}
    if principal.principal_type:
        properties["principalType"] = principal.principal_type
    if condition is not None:
        properties["condition"] = condition
        properties["conditionVersion"] = condition_version or "2.0"  # the only version there is
    if description is not None:
        properties["description"] = description
    return {"properties": properties}


def _role_names(client: ApiClient) -> dict[str, str]:
    roles = client.arm_list(
        scoped(_subscription_scope(client), _DEFINITIONS), api_version=AUTHORIZATION_API_VERSION
    )
    return {str(r["name"]).lower(): str(r.get("properties", {}).get("roleName")) for r in roles}


def _assignment_columns(client: ApiClient, output: OutputFormat) -> list[Column]:
    names = _role_names(client) if output is OutputFormat.TABLE else {}

    def role_of(item: dict[str, Any]) -> object:
        role_id = str(item.get("properties", {}).get("roleDefinitionId", ""))
        return names.get(role_id.rsplit("/", 1)[-1].lower(), role_id)

    return [
        ("PRINCIPAL", field("properties.principalId")),
        ("PRINCIPAL TYPE", field("properties.principalType")),
        ("ROLE", role_of),
        ("SCOPE", field("properties.scope")),
        ("CONDITION", field("properties.condition")),
    ]


def _principal(
    client: ApiClient, assignee: str | None, object_id: str | None, principal_type: PrincipalType | None
) -> Assignee:
    if assignee is not None:
        return resolve_assignee(client, assignee)
    given = str(object_id).lower()
    if principal_type is not None:
        return Assignee(given, principal_type.value)
    found = principal_by_object_id(client, given)
    return found or Assignee(given, "")  # unknown to Graph: let the server apply its default


AssigneeOption = Annotated[
    str | None, typer.Option(help="User principal name, appId, service principal name or object id.")
]
ObjectIdOption = Annotated[
    str | None,
    typer.Option(help="Object id of the principal (no Graph lookup with --assignee-principal-type)."),
]


@assignment.command("create")
def assignment_create(
    role_name: Annotated[str, typer.Option("--role", help="Role name, GUID or definition id.")],
    scope: Annotated[str, typer.Option(help="Where the role applies, e.g. a registry's resource id.")],
    assignee: AssigneeOption = None,
    assignee_object_id: ObjectIdOption = None,
    assignee_principal_type: Annotated[
        PrincipalType | None, typer.Option(case_sensitive=False, help="Type of --assignee-object-id.")
    ] = None,
    condition: Annotated[str | None, typer.Option(help="ABAC condition (language version 2.0).")] = None,
    condition_version: Annotated[str | None, typer.Option(help="[default: 2.0 with --condition]")] = None,
    description: Annotated[str | None, typer.Option(help="Free text.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Assignment GUID [default: a new one].")] = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Assign a role to a principal at a scope."""
    if name is not None and not is_guid(name):
        raise typer.BadParameter("an assignment's name is a GUID", param_hint="--name")
    if condition_version is not None and condition is None:
        raise typer.BadParameter("needs --condition", param_hint="--condition-version")
    if (assignee is None) == (assignee_object_id is None):
        raise typer.BadParameter("give exactly one", param_hint="--assignee / --assignee-object-id")
    with session(data_dir, server, subscription) as client:
        principal = _principal(client, assignee, assignee_object_id, assignee_principal_type)
        body = assignment_body(
            role_definition_id(client, role_name, scope), principal, condition, condition_version, description
        )
        path = scoped(scope, f"{_ASSIGNMENTS}/{name or uuid.uuid4()}")
        created = client.arm("PUT", path, api_version=AUTHORIZATION_API_VERSION, body=body)
        emit(created, output, _assignment_columns(client, output))


def _matching(
    client: ApiClient,
    scope: str | None,
    assignee: str | None,
    role_name: str | None,
    *,
    everywhere: bool,
    inherited: bool,
) -> list[dict[str, Any]]:
    """Assignments as az selects them: exactly at the scope, unless --all or --include-inherited."""
    where = scope or _subscription_scope(client)
    principal = resolve_assignee(client, assignee).object_id if assignee else None
    clauses = [] if everywhere else ["atScope()"]
    if principal:
        clauses.append(f"principalId eq {odata_text(principal)}")
    params = {"$filter": " and ".join(clauses)} if clauses else None
    found = client.arm_list(
        scoped(_subscription_scope(client) if everywhere else where, _ASSIGNMENTS),
        api_version=AUTHORIZATION_API_VERSION,
        params=params,
    )
    if not everywhere and not inherited:
        found = [a for a in found if _same_scope(a, where)]
    if role_name:
        role_id = role_definition_id(client, role_name, where).rsplit("/", 1)[-1].lower()
        found = [a for a in found if _role_guid(a) == role_id]
    return found


def _same_scope(item: dict[str, Any], scope: str) -> bool:
    return str(item.get("properties", {}).get("scope", "")).rstrip("/").lower() == scope.rstrip("/").lower()


def _role_guid(item: dict[str, Any]) -> str:
    return str(item.get("properties", {}).get("roleDefinitionId", "")).rsplit("/", 1)[-1].lower()


ScopeOption = Annotated[str | None, typer.Option(help="Scope [default: the subscription].")]
RoleFilterOption = Annotated[str | None, typer.Option("--role", help="Only this role (name or GUID).")]
AllOption = Annotated[bool, typer.Option("--all", help="Every assignment in the subscription, at any scope.")]
InheritedOption = Annotated[
    bool, typer.Option("--include-inherited", help="Also assignments at scopes above --scope.")
]


@assignment.command("list")
def assignment_list(
    scope: ScopeOption = None,
    assignee: Annotated[str | None, typer.Option(help="Only this principal.")] = None,
    role_name: RoleFilterOption = None,
    all_scopes: AllOption = False,
    include_inherited: InheritedOption = False,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """List role assignments (by default those made exactly at the scope)."""
    with session(data_dir, server, subscription) as client:
        found = _matching(
            client, scope, assignee, role_name, everywhere=all_scopes, inherited=include_inherited
        )
        emit(found, output, _assignment_columns(client, output))


@assignment.command("delete")
def assignment_delete(
    ids: Annotated[
        list[str] | None, typer.Option("--ids", help="Assignment resource id (repeatable).")
    ] = None,
    scope: ScopeOption = None,
    assignee: Annotated[str | None, typer.Option(help="Only this principal's.")] = None,
    role_name: RoleFilterOption = None,
    include_inherited: InheritedOption = False,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Delete role assignments by id, or those at a scope matching --assignee and --role."""
    if ids and (scope or assignee or role_name):
        raise typer.BadParameter("not with --scope, --assignee or --role", param_hint="--ids")
    if not ids and not (scope or assignee or role_name):
        raise typer.BadParameter(
            "give --ids, or at least one of them", param_hint="--scope / --assignee / --role"
        )
    with session(data_dir, server, subscription) as client:
        targets = list(ids or [])
        if not targets:
            matched = _matching(
                client, scope, assignee, role_name, everywhere=False, inherited=include_inherited
            )
            targets = [str(a["id"]) for a in matched]
        if not targets:
            typer.echo("warning: no role assignment matched; nothing deleted", err=True)
        for target in targets:
            client.arm("DELETE", target, api_version=AUTHORIZATION_API_VERSION)


_DEFINITION_COLUMNS: Final[list[Column]] = [
    ("NAME", field("properties.roleName")),
    ("TYPE", field("properties.type")),
    ("DESCRIPTION", field("properties.description")),
]


def _definitions(client: ApiClient, scope: str, name: str | None) -> list[dict[str, Any]]:
    if name and is_guid(name):
        return [
            client.arm(
                "GET", scoped(scope, f"{_DEFINITIONS}/{name.lower()}"), api_version=AUTHORIZATION_API_VERSION
            )
        ]
    params = {"$filter": f"roleName eq {odata_text(name)}"} if name else None
    return client.arm_list(scoped(scope, _DEFINITIONS), api_version=AUTHORIZATION_API_VERSION, params=params)


@definition.command("list")
def definition_list(
    name: Annotated[str | None, typer.Option("--name", "-n", help="Role name or GUID.")] = None,
    custom_role_only: Annotated[bool, typer.Option(help="Only custom roles.")] = False,
    scope: ScopeOption = None,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """List role definitions usable at a scope."""
    with session(data_dir, server, subscription) as client:
        found = _definitions(client, scope or _subscription_scope(client), name)
        if custom_role_only:
            found = [r for r in found if r.get("properties", {}).get("type") == "CustomRole"]
        emit(found, output, _DEFINITION_COLUMNS)


_KEYS: Final = {  # az accepts PascalCase and camelCase keys in --role-definition
    "name": "roleName", "rolename": "roleName", "description": "description", "actions": "actions",
    "notactions": "notActions", "dataactions": "dataActions", "notdataactions": "notDataActions",
    "assignablescopes": "assignableScopes", "id": "id",
}  # fmt: skip


def _role_document(text: str) -> dict[str, Any]:
    if text.startswith("@"):
        try:
            text = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise typer.BadParameter(f"{text[1:]}: {exc.strerror}", param_hint="--role-definition") from exc
    try:
        loaded = json.loads(text)
    except ValueError as exc:
        raise typer.BadParameter("not JSON", param_hint="--role-definition") from exc
    if not isinstance(loaded, dict):
        raise typer.BadParameter("expected a JSON object", param_hint="--role-definition")
    document = {_KEYS[k.lower()]: v for k, v in loaded.items() if k.lower() in _KEYS}
    if not document.get("roleName") or not document.get("assignableScopes"):
        raise typer.BadParameter("needs Name and AssignableScopes", param_hint="--role-definition")
    return document


def _definition_body(document: dict[str, Any]) -> dict[str, Any]:
    def strings(key: str) -> list[str]:
        return [str(v) for v in document.get(key) or []]

    return {
        "properties": {
            "roleName": document["roleName"],
            "description": document.get("description") or "",
            "type": "CustomRole",
            "permissions": [
                {key: strings(key) for key in ("actions", "notActions", "dataActions", "notDataActions")}
            ],
            "assignableScopes": strings("assignableScopes"),
        }
    }


RoleDefinitionOption = Annotated[
    str, typer.Option(help="JSON, or @file: Name, Description, Actions, NotActions, DataActions, "
                      "NotDataActions, AssignableScopes (az's format).")
]  # fmt: skip


def _put_definition(client: ApiClient, document: dict[str, Any], role_guid: str) -> Any:  # noqa: ANN401 - JSON
    scope = str(document["assignableScopes"][0])
    return client.arm(
        "PUT",
        scoped(scope, f"{_DEFINITIONS}/{role_guid}"),
        api_version=AUTHORIZATION_API_VERSION,
        body=_definition_body(document),
    )


@definition.command("create")
def definition_create(
    role_definition: RoleDefinitionOption,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Create a custom role."""
    document = _role_document(role_definition)
    with session(data_dir, server, subscription) as client:
        scope = str(document["assignableScopes"][0])
        if _definitions(client, scope, str(document["roleName"])):
            raise fail("RoleDefinitionExists", f"a role named {document['roleName']!r} exists already")
        role_guid = str(document.get("id") or uuid.uuid4()).rsplit("/", 1)[-1]
        emit(_put_definition(client, document, role_guid), output, _DEFINITION_COLUMNS)


@definition.command("update")
def definition_update(
    role_definition: RoleDefinitionOption,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Replace a custom role's definition (found by its Id, else its Name)."""
    document = _role_document(role_definition)
    with session(data_dir, server, subscription) as client:
        role_guid = _existing_custom_role(client, document, str(document["assignableScopes"][0]))
        emit(_put_definition(client, document, role_guid), output, _DEFINITION_COLUMNS)


def _existing_custom_role(client: ApiClient, document: dict[str, Any], scope: str) -> str:
    key = str(document.get("id") or document["roleName"]).rsplit("/", 1)[-1]
    found = _definitions(client, scope, key)
    if not found:
        raise fail("RoleDefinitionNotFound", f"no role {key!r} at scope {scope!r}")
    return str(found[0]["name"])


@definition.command("delete")
def definition_delete(
    name: Annotated[str, typer.Option("--name", "-n", help="Custom role name or GUID.")],
    scope: ScopeOption = None,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Delete a custom role."""
    with session(data_dir, server, subscription) as client:
        where = scope or _subscription_scope(client)
        found = _definitions(client, where, name)
        if not found:
            raise fail("RoleDefinitionNotFound", f"no role {name!r} at scope {where!r}")
        client.arm(
            "DELETE",
            scoped(where, f"{_DEFINITIONS}/{found[0]['name']}"),
            api_version=AUTHORIZATION_API_VERSION,
        )
