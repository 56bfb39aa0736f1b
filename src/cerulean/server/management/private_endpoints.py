"""ARM's ``registries/{r}/privateEndpointConnections`` routes (GET, list, PUT, DELETE).

Included by `build_management_app`; the service is found on ``app.state.private_endpoints`` (set by
`cerulean.server.app.build_app`). Errors are the app's: `ArmError` and request validation render as
ARM's JSON there. Writes complete at once (``provisioningState: Succeeded``), so clients never poll.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Final

from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from cerulean.management import Caller, NotFoundError  # Caller: FastAPI reads the annotation

if TYPE_CHECKING:
    from cerulean.arm.models import RegistryResource
    from cerulean.management.private_endpoints import PrivateEndpoints
    from cerulean.network import PrivateEndpointConnection

__all__ = ["ConnectionBody", "connection_json", "private_endpoint_router"]

_GROUP: Final = "/subscriptions/{subscription}/resourceGroups/{group}"
_REGISTRY: Final = _GROUP + "/providers/Microsoft.ContainerRegistry/registries/{name}"
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


def _service(request: Request) -> PrivateEndpoints:
    service: PrivateEndpoints | None = getattr(request.app.state, "private_endpoints", None)
    if service is None:  # a management app built without them (as some tests build it)
        raise NotFoundError("The requested path is not a known resource type.", code="InvalidResourceType")
    return service


async def _caller(request: Request, authorization: Annotated[str, Header()] = "") -> Caller:
    return await _service(request).authenticate(authorization)


# Module level: FastAPI resolves these annotations by name (this module uses postponed evaluation).
Authenticated = Annotated[Caller, Depends(_caller)]


def private_endpoint_router() -> APIRouter:
    """The routes, for ``app.include_router``."""
    router = APIRouter()

    @router.get(_REGISTRY + "/privateEndpointConnections", name="privateEndpointConnections_list")
    async def list_connections(
        request: Request, who: Authenticated, subscription: str, group: str, name: str
    ) -> dict[str, Any]:
        registry, found = await _service(request).connections(who, subscription, group, name)
        return {"value": [connection_json(registry, c) for c in found]}

    @router.get(_REGISTRY + "/privateEndpointConnections/{connection}", name="privateEndpointConnections_get")
    async def get_connection(  # noqa: PLR0917 - the path's parts, as FastAPI passes them
        request: Request, who: Authenticated, subscription: str, group: str, name: str, connection: str
    ) -> dict[str, Any]:
        registry, found = await _service(request).connection(who, subscription, group, name, connection)
        return connection_json(registry, found)

    @router.put(
        _REGISTRY + "/privateEndpointConnections/{connection}",
        name="privateEndpointConnections_createOrUpdate",
    )
    async def put_connection(  # noqa: PLR0917 - the path's parts and the body
        request: Request,
        who: Authenticated,
        subscription: str,
        group: str,
        name: str,
        connection: str,
        body: ConnectionBody,
    ) -> JSONResponse:
        props = body.properties
        endpoint = props.private_endpoint.id if props and props.private_endpoint else None
        state = props.state if props else None
        created, registry, stored = await _service(request).put(
            who, subscription, group, name, connection, endpoint,
            state.status if state else None, state.description if state else None,
        )  # fmt: skip
        return JSONResponse(connection_json(registry, stored), status_code=201 if created else 200)

    @router.delete(
        _REGISTRY + "/privateEndpointConnections/{connection}", name="privateEndpointConnections_delete"
    )
    async def delete_connection(  # noqa: PLR0917 - the path's parts, as FastAPI passes them
        request: Request, who: Authenticated, subscription: str, group: str, name: str, connection: str
    ) -> Response:
        deleted = await _service(request).delete(who, subscription, group, name, connection)
        return Response(status_code=204 if deleted is None else 200)

    return router
