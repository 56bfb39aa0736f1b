"""`cerulean ad ...`: the directory from the command line, straight on the data directory's database.

(Commands take one typer parameter per option, hence the PLR0917/FBT002 waivers on this module.)

For operators (and tests): create tenants, users, applications and their credentials, user-assigned
identities, workloads; approve a device code; rotate signing keys; read the sign-in log. Output is JSON;
secrets appear in it exactly once, when created.
"""

# ruff: noqa: PLR0917, FBT002
from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, TypeVar

import typer

from cerulean.cli.settings_loading import settings_or_exit
from cerulean.identity.directory import DirectoryRoles
from cerulean.identity.errors import EntraError, IdentityError
from cerulean.identity.keys import RETIRED_KEY_LIFETIME
from cerulean.identity.models import ManagedIdentityKind

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from cerulean.bootstrap import Directory
    from cerulean.identity.models import Tenant

__all__ = ["ad"]

ad = typer.Typer(
    help="The embedded directory: tenants, users, applications, identities.", no_args_is_help=True
)
app_commands = typer.Typer(help="Applications and their credentials.", no_args_is_help=True)
ad.add_typer(app_commands, name="app")
_T = TypeVar("_T")

DataDir = Annotated[Path | None, typer.Option(help="Data directory [default: ./.cerulean]")]
DatabaseUrl = Annotated[str | None, typer.Option(help="SQLAlchemy async URL")]
TenantOption = Annotated[str | None, typer.Option(help="Tenant id or domain [default: the first tenant]")]


def _run(data_dir: Path | None, database_url: str | None, work: Callable[[Directory], Awaitable[_T]]) -> _T:
    from cerulean.bootstrap import open_directory  # noqa: PLC0415 - keeps `cerulean --help` fast

    settings = settings_or_exit(None, data_dir=data_dir, database_url=database_url, identity_listen="off")

    async def main() -> _T:
        directory = await open_directory(settings)
        try:
            return await work(directory)
        finally:
            await directory.close()

    try:
        return asyncio.run(main())
    except (IdentityError, EntraError) as exc:
        typer.echo(f"cerulean: {exc}", err=True)
        raise typer.Exit(1) from exc


def _print(value: dict[str, Any] | list[dict[str, Any]]) -> None:
    typer.echo(json.dumps(value, indent=2, default=str))


async def _tenant(directory: Directory, name: str | None) -> Tenant:
    return await directory.identity.tenants.resolve(name) if name else await directory.identity.tenants.home()


async def _subscription(directory: Directory, tenant: Tenant) -> str:
    for subscription in await directory.resources.list_subscriptions():
        if subscription.tenant_id == tenant.id:
            return subscription.id
    raise IdentityError(f"tenant {tenant.id} has no subscription")


@ad.command("tenant-create")
def tenant_create(
    name: str, domain: Annotated[str, typer.Option(help="default domain")], data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:  # fmt: skip
    """Create another tenant."""

    async def work(d: Directory) -> dict[str, Any]:
        tenant = await d.identity.directory.create_tenant(name, domain)
        return {
            "tenantId": tenant.id,
            "displayName": tenant.display_name,
            "defaultDomain": tenant.default_domain,
        }

    _print(_run(data_dir, database_url, work))


@ad.command("user-create")
def user_create(
    user_principal_name: str,
    display_name: Annotated[str, typer.Option()] = "",
    tenant: TenantOption = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a user; the password is read from standard input."""
    password = sys.stdin.readline().rstrip("\n")

    async def work(d: Directory) -> dict[str, Any]:
        home = await _tenant(d, tenant)
        user = await d.identity.directory.create_user(home.id, user_principal_name, display_name, password)
        return {"id": user.id, "userPrincipalName": user.user_principal_name, "tenantId": home.id}

    _print(_run(data_dir, database_url, work))


@app_commands.command("create")
def app_create(
    name: str, tenant: TenantOption = None, data_dir: DataDir = None, database_url: DatabaseUrl = None
) -> None:
    """Create an application and its service principal."""

    async def work(d: Directory) -> dict[str, Any]:
        home = await _tenant(d, tenant)
        application, principal = await d.identity.directory.create_application(home.id, name)
        return {"appId": application.app_id, "objectId": application.id, "servicePrincipalId": principal.id}

    _print(_run(data_dir, database_url, work))


async def _application_id(d: Directory, app_id: str, tenant: str | None) -> str:
    home = await _tenant(d, tenant)
    application = await d.identity.store.application_by_app_id(home.id, app_id.lower())
    if application is None:
        raise IdentityError(f"no application {app_id!r} in tenant {home.id}")
    return application.id


@app_commands.command("add-secret")
def app_add_secret(
    app_id: str,
    name: Annotated[str, typer.Option()] = "",
    lifetime_seconds: Annotated[int, typer.Option(min=1)] = 180 * 86400,
    tenant: TenantOption = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Add a client secret (printed once)."""

    async def work(d: Directory) -> dict[str, Any]:
        application_id = await _application_id(d, app_id, tenant)
        new = await d.identity.directory.add_secret(
            application_id, name, dt.timedelta(seconds=lifetime_seconds)
        )
        return {"keyId": new.credential.key_id, "secretText": new.value, "endDateTime": new.credential.end}

    _print(_run(data_dir, database_url, work))


@app_commands.command("remove-secret")
def app_remove_secret(
    app_id: str, key_id: str, tenant: TenantOption = None, data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:  # fmt: skip
    """Revoke a client secret."""

    async def work(d: Directory) -> dict[str, Any]:
        removed = await d.identity.store.remove_secret(
            await _application_id(d, app_id, tenant), key_id.lower()
        )
        if not removed:
            raise IdentityError(f"no secret {key_id!r}")
        return {"removed": key_id}

    _print(_run(data_dir, database_url, work))


@app_commands.command("add-certificate")
def app_add_certificate(
    app_id: str, certificate: Path, tenant: TenantOption = None, data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:  # fmt: skip
    """Register a certificate (PEM) on an application."""
    pem = certificate.read_text()

    async def work(d: Directory) -> dict[str, Any]:
        added = await d.identity.directory.add_certificate(await _application_id(d, app_id, tenant), pem)
        return {
            "keyId": added.key_id,
            "thumbprint": added.thumbprint_sha1,
            "thumbprintSha256": added.thumbprint_sha256,
        }

    _print(_run(data_dir, database_url, work))


@ad.command("federated-add")
def federated_add(
    client_id: Annotated[str, typer.Argument(help="application or user-assigned identity client id")],
    name: Annotated[str, typer.Option()],
    issuer: Annotated[str, typer.Option()],
    subject: Annotated[str, typer.Option()],
    audience: Annotated[list[str] | None, typer.Option()] = None,
    tenant: TenantOption = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Trust an external issuer's tokens for one subject, on an application or a user-assigned identity."""

    async def work(d: Directory) -> dict[str, Any]:
        home = await _tenant(d, tenant)
        principal = await d.identity.store.service_principal_by_app_id(home.id, client_id.lower())
        if principal is None:
            raise IdentityError(f"no application or identity {client_id!r}")
        owner = principal.id
        application = await d.identity.store.application_by_app_id(home.id, client_id.lower())
        if application is not None:
            owner = application.id
        added = await d.identity.directory.add_federated_credential(
            owner, name, issuer, subject, audience or ()
        )
        return {"id": added.id, "name": added.name, "issuer": added.issuer, "subject": added.subject,
                "audiences": list(added.audiences)}  # fmt: skip

    _print(_run(data_dir, database_url, work))


@ad.command("identity-create")
def identity_create(
    name: str,
    resource_group: Annotated[str, typer.Option()] = "cerulean",
    tenant: TenantOption = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a user-assigned managed identity."""

    async def work(d: Directory) -> dict[str, Any]:
        home = await _tenant(d, tenant)
        subscription = await _subscription(d, home)
        resource_id = (
            f"/subscriptions/{subscription}/resourceGroups/{resource_group}"
            f"/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}"
        )
        identity = await d.identity.directory.create_managed_identity(
            home.id, ManagedIdentityKind.USER_ASSIGNED, resource_id, name
        )
        return {"id": resource_id, "principalId": identity.principal_id, "clientId": identity.client_id,
                "tenantId": home.id}  # fmt: skip

    _print(_run(data_dir, database_url, work))


@ad.command("workload-create")
def workload_create(
    name: str,
    user_assigned: Annotated[
        list[str] | None, typer.Option(help="resource id of a user-assigned identity")
    ] = None,
    system_assigned: Annotated[bool, typer.Option("--system-assigned/--no-system-assigned")] = True,
    resource_group: Annotated[str, typer.Option()] = "cerulean",
    tenant: TenantOption = None,
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Register a workload; prints its IDENTITY_HEADER (once) and its system-assigned identity."""

    async def work(d: Directory) -> dict[str, Any]:
        home = await _tenant(d, tenant)
        subscription = await _subscription(d, home)
        group_id = f"/subscriptions/{subscription}/resourceGroups/{resource_group}"
        resource_id = f"{group_id}/providers/Microsoft.Web/sites/{name}"
        new = await d.identity.directory.create_workload(
            home.id, name, resource_id, system_assigned=system_assigned, user_assigned=user_assigned or ()
        )
        system = new.workload.system_identity
        identity = await d.identity.store.get_managed_identity(system) if system else None
        return {
            "workloadId": new.workload.id,
            "resourceId": resource_id,
            "identityHeader": new.endpoint_secret,
            "systemAssigned": None if identity is None else {
                "principalId": identity.principal_id, "clientId": identity.client_id,
            },
        }  # fmt: skip

    _print(_run(data_dir, database_url, work))


_ROLES: Final = {
    "global-administrator": DirectoryRoles.GLOBAL_ADMINISTRATOR,
    "user-administrator": DirectoryRoles.USER_ADMINISTRATOR,
    "groups-administrator": DirectoryRoles.GROUPS_ADMINISTRATOR,
    "application-administrator": DirectoryRoles.APPLICATION_ADMINISTRATOR,
    "directory-readers": DirectoryRoles.DIRECTORY_READERS,
    "reports-reader": DirectoryRoles.REPORTS_READER,
}


@ad.command("role-grant")
def role_grant(
    principal_id: Annotated[str, typer.Argument(help="object id of a user, group or service principal")],
    role: Annotated[str, typer.Option(help=" | ".join(_ROLES))],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Give a principal a directory role (what the Graph API authorizes by)."""
    if role not in _ROLES:
        raise typer.BadParameter(f"one of {', '.join(_ROLES)}", param_hint="--role")

    async def work(d: Directory) -> dict[str, Any]:
        await d.identity.directory.grant_directory_role(_ROLES[role], principal_id.lower())
        return {"principalId": principal_id.lower(), "roleTemplateId": _ROLES[role]}

    _print(_run(data_dir, database_url, work))


@ad.command("device-approve")
def device_approve(
    user_code: str,
    user: Annotated[str, typer.Option(help="the user principal name the sign-in is for")],
    data_dir: DataDir = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Approve a device-code sign-in on a user's behalf."""

    async def work(d: Directory) -> dict[str, Any]:
        return {"approved": user_code, "userId": await d.identity.devices.approve_as(user_code, user)}

    _print(_run(data_dir, database_url, work))


@ad.command("keys-rotate")
def keys_rotate(data_dir: DataDir = None, database_url: DatabaseUrl = None) -> None:
    """Start signing with a new key; the old one stays published until its tokens have expired."""

    async def work(d: Directory) -> dict[str, Any]:
        kid = await d.identity.keys.rotate(RETIRED_KEY_LIFETIME)
        return {"kid": kid, "published": [key.kid for key in d.identity.keys.published()]}

    _print(_run(data_dir, database_url, work))


@ad.command("signins")
def signins(limit: Annotated[int, typer.Option(min=1, max=10000)] = 100, data_dir: DataDir = None,
            database_url: DatabaseUrl = None) -> None:  # fmt: skip
    """The most recent sign-in attempts, newest first."""

    async def work(d: Directory) -> list[dict[str, Any]]:
        return [
            {"time": s.time, "result": s.result, "grantType": s.grant_type, "clientId": s.client_id,
             "identity": s.identity, "identityType": s.identity_type, "resource": s.resource,
             "ipAddress": s.caller_ip, "errorCode": s.error_code, "reason": s.reason}
            for s in await d.identity.sign_in_log.sign_ins(limit=limit)
        ]  # fmt: skip

    _print(_run(data_dir, database_url, work))
