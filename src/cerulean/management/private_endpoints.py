"""`PrivateEndpoints`: ARM's ``registries/{r}/privateEndpointConnections``, authorized by the engine.

Who may do what (Azure's Private Link rules, reference §5.3):

* read and list: ``…/privateEndpointConnections/read`` on the registry;
* create: a caller holding ``…/privateEndpointConnectionsApproval/action`` on the registry gets an
  ``Approved`` connection at once ("Auto-Approved"); anyone else who may create the private endpoint —
  ``Microsoft.Network/privateEndpoints/write`` where the endpoint lives, or
  ``…/privateEndpointConnections/write`` on the registry — gets a ``Pending`` one, a request the
  registry's owner approves or rejects;
* change the state (approve, reject, disconnect) or the description: the approval action;
* delete: ``…/privateEndpointConnections/delete``.

A ``Disconnected`` connection cannot be revived: it must be deleted and created again
(``actionsRequired: Recreate``). The private endpoint a connection names cannot change. At most 200
connections per registry, as ACR. Every write bumps the policy version, so the network gate of every
node sees it at its next check.

As in ACR, a Premium registry's dedicated data endpoints (``dataEndpointEnabled``) are switched on when
its first private endpoint connection is created, whatever the connection's state (reference §5.4,
MD-DDE); deleting the connections leaves them on.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Final

from cerulean.access import Sku
from cerulean.management.errors import AuthorizationFailedError, BadRequestError, ConflictError, NotFoundError
from cerulean.management.gate import same
from cerulean.management.lookups import find_registry, registry_id
from cerulean.network import (
    MAX_CONNECTIONS,
    ConnectionStatus,
    InvalidPrivateEndpointError,
    PrivateEndpointConnection,
    parse_connection_status,
    parse_private_endpoint_id,
)

if TYPE_CHECKING:
    from cerulean.arm.interfaces import ResourceStore
    from cerulean.arm.models import RegistryResource
    from cerulean.core.clock import Clock
    from cerulean.management.gate import Caller, Gate
    from cerulean.network import PrivateEndpointStore

__all__ = ["APPROVAL_ACTION", "PrivateEndpoints"]

_CONNECTIONS: Final = "Microsoft.ContainerRegistry/registries/privateEndpointConnections"
_READ: Final = f"{_CONNECTIONS}/read"
_WRITE: Final = f"{_CONNECTIONS}/write"
_DELETE: Final = f"{_CONNECTIONS}/delete"
APPROVAL_ACTION: Final = "Microsoft.ContainerRegistry/registries/privateEndpointConnectionsApproval/action"
_ENDPOINT_WRITE: Final = "Microsoft.Network/privateEndpoints/write"
_AUTO_APPROVED: Final = "Auto-Approved"
_AWAITING: Final = "Awaiting approval"
_MAX_DESCRIPTION: Final = 1024
_MAX_NAME: Final = 256


class PrivateEndpoints:
    """Private endpoint connections of registries, as ARM's API offers them."""

    def __init__(
        self, gate: Gate, resources: ResourceStore, store: PrivateEndpointStore, clock: Clock
    ) -> None:
        self._gate = gate
        self._resources = resources
        self._store = store
        self._clock = clock

    # -- reads --------------------------------------------------------------------------------------

    async def of_registry(self, registry: RegistryResource) -> list[PrivateEndpointConnection]:
        """The connections of a registry the caller was already allowed to read (its read-only list)."""
        return await self._store.private_endpoint_connections(registry.name)

    async def connections(
        self, caller: Caller, subscription: str, group: str, registry: str
    ) -> tuple[RegistryResource, list[PrivateEndpointConnection]]:
        """A registry's connections (`privateEndpointConnections/read`)."""
        self._gate.authorize(caller, _READ, registry_id(subscription, group, registry))
        found = await find_registry(self._resources, subscription, group, registry)
        return found, await self._store.private_endpoint_connections(found.name)

    async def connection(
        self, caller: Caller, subscription: str, group: str, registry: str, name: str
    ) -> tuple[RegistryResource, PrivateEndpointConnection]:
        """One connection (`privateEndpointConnections/read`)."""
        found, connections = await self.connections(caller, subscription, group, registry)
        return found, _named(connections, name, found)

    # -- writes -------------------------------------------------------------------------------------

    async def put(  # noqa: PLR0917 - ARM's PrivateEndpointConnectionProperties, field by field
        self,
        caller: Caller,
        subscription: str,
        group: str,
        registry: str,
        name: str,
        private_endpoint_id: str | None,
        status: str | None,
        description: str | None,
    ) -> tuple[bool, RegistryResource, PrivateEndpointConnection]:
        """Create (True) or update (False) a connection, checked as Azure checks it."""
        scope = registry_id(subscription, group, registry)
        endpoint_id = None if private_endpoint_id is None else _endpoint_id(private_endpoint_id)
        approver = self._gate.allows(caller, APPROVAL_ACTION, scope)
        if not approver and not (
            self._gate.allows(caller, _WRITE, scope)
            or (endpoint_id is not None and self._gate.allows(caller, _ENDPOINT_WRITE, endpoint_id))
        ):
            raise AuthorizationFailedError(caller.principal.object_id, _WRITE, scope)
        found = await find_registry(self._resources, subscription, group, registry)
        if not name or len(name) > _MAX_NAME or "/" in name:
            raise BadRequestError(f"The connection name '{name[:80]}' is not valid.", target="name")
        if description is not None and len(description) > _MAX_DESCRIPTION:
            raise BadRequestError(
                "The description is too long.",
                target="properties.privateLinkServiceConnectionState.description",
            )
        requested = _status(status)
        connections = await self._store.private_endpoint_connections(found.name)
        existing = next((c for c in connections if same(c.name, name)), None)
        if existing is not None:
            updated = self._update(
                caller, found, existing, endpoint_id, requested, description, approver=approver
            )
            if updated is not existing:
                await self._store.put_private_endpoint_connection(updated)
                self._gate.wrote()
            return False, found, updated
        endpoint_id = _checked_new(found, endpoint_id, connections)
        if approver:
            state = requested or ConnectionStatus.APPROVED
            text = description if description is not None else _AUTO_APPROVED
        else:  # a request: the registry's owner decides, whatever state was asked for
            state, text = ConnectionStatus.PENDING, description if description is not None else _AWAITING
        created = PrivateEndpointConnection(
            found.name, name, endpoint_id, state, text, _actions(state), self._clock.now()
        )
        found = await self._enable_data_endpoints(found)
        await self._store.put_private_endpoint_connection(created)
        self._gate.wrote()
        return True, found, created

    async def _enable_data_endpoints(self, registry: RegistryResource) -> RegistryResource:
        # Before the connection is stored: if this fails, no private endpoint exists without them.
        if Sku(registry.sku) is not Sku.PREMIUM or registry.data_endpoint_enabled:
            return registry  # dedicated data endpoints are Premium's; below it the setting stays off
        enabled = dataclasses.replace(registry, data_endpoint_enabled=True)
        await self._resources.update_registry(enabled)
        return enabled

    def _update(  # noqa: PLR0917 - the fields a PUT may change
        self,
        caller: Caller,
        registry: RegistryResource,
        existing: PrivateEndpointConnection,
        endpoint_id: str | None,
        requested: ConnectionStatus | None,
        description: str | None,
        *,
        approver: bool,
    ) -> PrivateEndpointConnection:
        if endpoint_id is not None and not same(endpoint_id, existing.private_endpoint_id):
            raise BadRequestError(
                "The private endpoint of a connection cannot change.", code="PrivateEndpointCannotChange",
                target="properties.privateEndpoint.id",
            )  # fmt: skip
        state = requested or existing.status
        text = existing.description if description is None else description
        if state is existing.status and text == existing.description:
            return existing  # nothing to change: an idempotent PUT needs no approval
        if not approver:
            raise AuthorizationFailedError(caller.principal.object_id, APPROVAL_ACTION, registry.resource_id)
        if existing.status is ConnectionStatus.DISCONNECTED:
            raise BadRequestError(
                "The connection is Disconnected: delete it and create it again.",
                code="PrivateEndpointConnectionDisconnected",
            )
        return PrivateEndpointConnection(
            existing.registry, existing.name, existing.private_endpoint_id, state, text, _actions(state),
            existing.created_at,
        )  # fmt: skip

    async def delete(
        self, caller: Caller, subscription: str, group: str, registry: str, name: str
    ) -> PrivateEndpointConnection | None:
        """Delete a connection (`privateEndpointConnections/delete`); None if there was none."""
        self._gate.authorize(caller, _DELETE, registry_id(subscription, group, registry))
        found = await find_registry(self._resources, subscription, group, registry)
        connections = await self._store.private_endpoint_connections(found.name)
        existing = next((c for c in connections if same(c.name, name)), None)
        if existing is None:
            return None
        await self._store.delete_private_endpoint_connection(found.name, existing.name)
        self._gate.wrote()
        return existing


def _checked_new(
    registry: RegistryResource, endpoint_id: str | None, connections: list[PrivateEndpointConnection]
) -> str:
    """The new connection's endpoint; refused below Premium, without an endpoint, twice, past the quota."""
    if Sku(registry.sku) is not Sku.PREMIUM:
        raise BadRequestError(
            f"Private endpoints are not supported for the SKU '{Sku(registry.sku)}'. Use the Premium SKU.",
            code="FeatureNotSupportedForSku",
            target="properties.privateEndpoint.id",
        )
    if endpoint_id is None:
        raise BadRequestError(
            "A new connection needs properties.privateEndpoint.id.",
            target="properties.privateEndpoint.id",
        )
    if any(same(c.private_endpoint_id, endpoint_id) for c in connections):
        raise ConflictError(
            f"The private endpoint '{endpoint_id}' is already connected to registry '{registry.name}'.",
            code="PrivateEndpointConnectionExists",
        )
    if len(connections) >= MAX_CONNECTIONS:
        raise BadRequestError(
            f"The registry '{registry.name}' has {MAX_CONNECTIONS} private endpoint connections, the limit.",
            code="QuotaExceeded",
        )
    return endpoint_id


def _named(
    connections: list[PrivateEndpointConnection], name: str, registry: RegistryResource
) -> PrivateEndpointConnection:
    found = next((c for c in connections if same(c.name, name)), None)
    if found is None:
        raise NotFoundError(
            f"The private endpoint connection '{name[:80]}' of registry '{registry.name}' was not found.",
            code="PrivateEndpointConnectionNotFound",
        )
    return found


def _status(value: str | None) -> ConnectionStatus | None:
    if value is None:
        return None
    try:
        return parse_connection_status(value)
    except InvalidPrivateEndpointError as error:
        raise BadRequestError(
            str(error), target="properties.privateLinkServiceConnectionState.status"
        ) from None


def _endpoint_id(value: str) -> str:
    try:
        return parse_private_endpoint_id(value)[0]
    except InvalidPrivateEndpointError as error:
        raise BadRequestError(str(error), target="properties.privateEndpoint.id") from None


def _actions(status: ConnectionStatus) -> str:
    return "Recreate" if status is ConnectionStatus.DISCONNECTED else "None"
