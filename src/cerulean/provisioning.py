"""First start: an empty data directory gets a working cloud of one; every start: the registry served.

A tenant, a subscription, a resource group, one Premium registry (named by `registry_name`, its login
server the listen address), and an application with a client secret that is Owner at `/` and Global
Administrator of the directory. Its credentials are written once to ``DATA_DIR/bootstrap.json`` (mode
0600, never overwritten) and returned so `serve` can print ready-to-paste ``export`` lines.

A node on a database that already has a tenant provisions nothing: it serves `registry_name` as stored
(created on that first start or through ARM) and records its own login server in it, so the ARM
resource's ``loginServer`` names where clients reach the registry, the audience of the tokens the node
mints and the service of its challenges.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import uuid
from typing import TYPE_CHECKING, Final

from cerulean.access import builtin_role
from cerulean.access.modes import PermissionMode
from cerulean.arm import RegistryResource, ResourceGroup, StoredRoleAssignment, Subscription
from cerulean.core.errors import CeruleanError
from cerulean.identity import DirectoryRoles

if TYPE_CHECKING:
    from pathlib import Path

    from cerulean.arm import ResourceStore
    from cerulean.core.clock import Clock
    from cerulean.identity import IdentityProvider

__all__ = ["BOOTSTRAP_FILE", "UnknownRegistryError", "claim_registry", "provision_first_start"]

BOOTSTRAP_FILE: Final = "bootstrap.json"
_RESOURCE_GROUP: Final = "cerulean"
_LOCATION: Final = "local"
_BOOTSTRAP_SECRET_LIFETIME: Final = dt.timedelta(days=730)


class UnknownRegistryError(CeruleanError):
    """The registry a node was told to serve is not in its database."""


async def claim_registry(
    resources: ResourceStore, registry_name: str, login_server: str
) -> tuple[RegistryResource, str]:
    """The stored registry this node serves (any case of its name), `login_server` recorded in it.

    Also returns the login server it had before.
    """
    for registry in await resources.list_registries():
        if registry.name.lower() == registry_name.lower():
            break
    else:
        raise UnknownRegistryError(
            f"registry {registry_name!r} does not exist in this database; create it through the "
            "management API (PUT .../Microsoft.ContainerRegistry/registries/{name}) before serving it"
        )
    if registry.login_server == login_server:
        return registry, login_server
    claimed = dataclasses.replace(registry, login_server=login_server)
    await resources.update_registry(claimed)
    return claimed, registry.login_server


async def provision_first_start(
    *,
    identity: IdentityProvider,
    resources: ResourceStore,
    clock: Clock,
    data_dir: Path,
    registry_name: str,
    login_server: str,
    ca_bundle: Path | None,
    resource_manager: str,
) -> dict[str, str] | None:
    """Create the first tenant and the rest, unless a tenant exists; the bootstrap record if created."""
    if await identity.store.list_tenants():
        return None
    now = clock.now()
    tenant = await identity.directory.create_tenant("Cerulean", f"{registry_name.lower()}.cerulean.local")
    subscription = Subscription(str(uuid.uuid4()), tenant.id, "Cerulean", now)
    await resources.add_subscription(subscription)
    await resources.add_resource_group(ResourceGroup(subscription.id, _RESOURCE_GROUP, _LOCATION, now))
    await resources.add_registry(
        RegistryResource(
            subscription.id, _RESOURCE_GROUP, registry_name, _LOCATION, "Premium", login_server,
            admin_user_enabled=False, anonymous_pull_enabled=False,
            permission_mode=PermissionMode.LEGACY.value, created_at=now,
        )
    )  # fmt: skip
    application, principal = await identity.directory.create_application(tenant.id, "cerulean-bootstrap")
    secret = await identity.directory.add_secret(application.id, "bootstrap", _BOOTSTRAP_SECRET_LIFETIME)
    await resources.add_role_assignment(
        StoredRoleAssignment(
            str(uuid.uuid4()), "/", builtin_role("Owner").id, principal.id, "ServicePrincipal",
            None, None, "Bootstrap owner, created on first start", now,
        )
    )  # fmt: skip
    await identity.directory.grant_directory_role(DirectoryRoles.GLOBAL_ADMINISTRATOR, principal.id)
    record = {
        "tenantId": tenant.id,
        "subscriptionId": subscription.id,
        "resourceGroup": _RESOURCE_GROUP,
        "registryName": registry_name,
        "loginServer": login_server,
        "authorityHost": identity.authority,
        "resourceManager": resource_manager,
        "clientId": application.app_id,
        "clientSecret": secret.value,
        "caBundle": str(ca_bundle) if ca_bundle else "",
    }
    _write_once(data_dir / BOOTSTRAP_FILE, json.dumps(record, indent=2) + "\n")
    return record


def _write_once(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, text.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
