"""ARM's ``registries/{r}/privateEndpointConnections`` routes (GET, list, PUT, DELETE).

Included by `build_management_app`; `ResourceManager.private_endpoints` decides. Errors are the app's:
`ArmError` and request validation render as ARM's JSON there. Writes complete at once
(``provisioningState: Succeeded``), so clients never poll.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from cerulean.server.management.deps import Authenticated, Manager

if TYPE_CHECKING:
    from cerulean.arm.models import RegistryResource
    from cerulean.network import PrivateEndpointConnection

__all__ = ["ConnectionBody", "connection_json", "router"]

_GROUP: Final = "/subscriptions/{subscription}/resourceGroups/{group}"
_REGISTRY: Final = _GROUP + "/providers/Microsoft.ContainerRegistry/registries/{name}"
_CONNECTION: Final = _REGISTRY + "/privateEndpointConnections/{connection}"
_TYPE: Final = "Microsoft.ContainerRegistry/registries/privateEndpointConnections"


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")  # ARM ignores properties it does not know


class _PrivateEndpoint(_Body):
    id: StrictStr | None = None


class _ConnectionState(_Body):
    status: StrictStr | None = None
    description: StrictStr | None = None


class _ConnectionProperties(_Body):
    private_endpoint: _PrivateEndpoint | None = Field(None, alias="privateEndpoint")
    state: _ConnectionState | None = Field(None, alias="privateLinkServiceConnectionState")


class ConnectionBody(_Body):
    """`PrivateEndpointConnection` as a PUT carries it."""

    properties: _ConnectionProperties | None = None


def connection_json(registry: RegistryResource, connection: PrivateEndpointConnection) -> dict[str, Any]:
    """A `Microsoft.ContainerRegistry/registries/privateEndpointConnections` resource.

    The same shape fills the registry's read-only ``properties.privateEndpointConnections``.
    """
    return {
        "id": f"{registry.resource_id}/privateEndpointConnections/{connection.name}",
        "name": connection.name,
        "type": _TYPE,
        "properties": {
            "privateEndpoint": {"id": connection.private_endpoint_id},
            "privateLinkServiceConnectionState": {
                "status": connection.status.value,
                "description": connection.description,
                "actionsRequired": connection.actions_required,
            },
            "provisioningState": "Succeeded",
        },
    }


router = APIRouter()


@router.get(_REGISTRY + "/privateEndpointConnections", name="privateEndpointConnections_list")
async def list_connections(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str
) -> dict[str, Any]:
    """Every connection of a registry."""
    registry, found = await manager.private_endpoints.connections(who, subscription, group, name)
    return {"value": [connection_json(registry, c) for c in found]}


@router.get(_CONNECTION, name="privateEndpointConnections_get")
async def get_connection(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str, connection: str
) -> dict[str, Any]:
    """One connection."""
    registry, found = await manager.private_endpoints.connection(who, subscription, group, name, connection)
    return connection_json(registry, found)


@router.put(_CONNECTION, name="privateEndpointConnections_createOrUpdate")
async def put_connection(
    manager: Manager,
    who: Authenticated,
    subscription: str,
    group: str,
    name: str,
    connection: str,
    body: ConnectionBody,
) -> JSONResponse:
    """Create (201: Approved or Pending, by the caller's rights) or update (200) a connection."""
    props = body.properties
    endpoint = props.private_endpoint.id if props and props.private_endpoint else None
    state = props.state if props else None
    created, registry, stored = await manager.private_endpoints.put(
        who, subscription, group, name, connection, endpoint,
        state.status if state else None, state.description if state else None,
    )  # fmt: skip
    return JSONResponse(connection_json(registry, stored), status_code=201 if created else 200)


@router.delete(_CONNECTION, name="privateEndpointConnections_delete")
async def delete_connection(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str, connection: str
) -> Response:
    """Delete a connection: 200, or 204 when there was none."""
    deleted = await manager.private_endpoints.delete(who, subscription, group, name, connection)
    return Response(status_code=204 if deleted is None else 200)
