"""Cloud metadata, subscriptions, tenants, resource groups, `/resources`, user-assigned identities."""

from __future__ import annotations

import re
from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from cerulean.management import BadRequestError
from cerulean.server.management.bodies import IdentityBody, ResourceGroupBody
from cerulean.server.management.deps import Authenticated, Filter, Manager
from cerulean.server.management.shapes import (
    identity_json,
    resource_group_json,
    resource_json,
    subscription_json,
    tenant_json,
)

__all__ = ["cloud_metadata", "router"]

_GROUP: Final = "/subscriptions/{subscription}/resourceGroups/{group}"
_IDENTITIES: Final = "/providers/Microsoft.ManagedIdentity/userAssignedIdentities"
_RESOURCE_TYPE: Final = re.compile(r"^\s*resourceType\s+eq\s+'([^']+)'\s*$", re.IGNORECASE)

router = APIRouter()


def cloud_metadata(authority: str, acr_suffix: str) -> dict[str, Any]:
    """`GET /metadata/endpoints`: this server is the cloud (ARM, Entra, Graph) for `az cloud register`."""
    return {
        "name": "Cerulean",
        "portal": authority,
        "galleryEndpoint": authority,
        "graphEndpoint": f"{authority}/",
        "graphAudience": f"{authority}/",
        "microsoftGraphResourceId": f"{authority}/",
        "resourceManager": f"{authority}/",
        "authentication": {
            "loginEndpoint": authority,
            "audiences": ["https://management.core.windows.net/", "https://management.azure.com/"],
            "tenant": "common",
            "identityProvider": "AAD",
        },
        "suffixes": {"acrLoginServer": acr_suffix, "storage": "core.windows.net"},
    }


@router.get("/metadata/endpoints", name="metadata_endpoints")
async def metadata_endpoints(request: Request) -> dict[str, Any]:
    """Unauthenticated, as ARM's own."""
    metadata: dict[str, Any] = request.app.state.cloud_metadata
    return metadata


# -- subscriptions and tenants ----------------------------------------------------------------------------


@router.get("/subscriptions", name="subscriptions_list")
async def subscriptions(manager: Manager, who: Authenticated) -> dict[str, Any]:
    return {"value": [subscription_json(s) for s in await manager.subscriptions.subscriptions(who)]}


@router.get("/subscriptions/{subscription}", name="subscriptions_get")
async def subscription(manager: Manager, who: Authenticated, subscription: str) -> dict[str, Any]:
    return subscription_json(await manager.subscriptions.subscription(who, subscription))


@router.get("/tenants", name="tenants_list")
async def tenants(manager: Manager, who: Authenticated) -> dict[str, Any]:
    return {"value": [tenant_json(t) for t in await manager.subscriptions.tenants(who)]}


def _resource_type(filter_: str | None) -> str | None:
    if not filter_:
        return None
    match = _RESOURCE_TYPE.match(filter_)
    if match is None:
        raise BadRequestError(f"The filter '{filter_[:200]}' is not supported.", code="UnsupportedFilter")
    return match.group(1)


@router.get("/subscriptions/{subscription}/resources", name="resources_list")
async def resources(
    manager: Manager, who: Authenticated, subscription: str, filter_: Filter = None
) -> dict[str, Any]:
    found = await manager.subscriptions.resources(who, subscription, _resource_type(filter_))
    return {"value": [resource_json(r) for r in found]}


@router.get(_GROUP + "/resources", name="resources_listByResourceGroup")
async def resources_in_group(
    manager: Manager, who: Authenticated, subscription: str, group: str, filter_: Filter = None
) -> dict[str, Any]:
    await manager.subscriptions.group(who, subscription, group)
    found = await manager.subscriptions.resources(who, subscription, _resource_type(filter_), group)
    return {"value": [resource_json(r) for r in found]}


# -- resource groups ------------------------------------------------------------------------------------


@router.get("/subscriptions/{subscription}/resourceGroups", name="resourceGroups_list")
async def resource_groups(manager: Manager, who: Authenticated, subscription: str) -> dict[str, Any]:
    return {"value": [resource_group_json(g) for g in await manager.subscriptions.groups(who, subscription)]}


@router.get(_GROUP, name="resourceGroups_get")
async def resource_group(
    manager: Manager, who: Authenticated, subscription: str, group: str
) -> dict[str, Any]:
    return resource_group_json(await manager.subscriptions.group(who, subscription, group))


@router.head(_GROUP, name="resourceGroups_checkExistence")
async def resource_group_exists(
    manager: Manager, who: Authenticated, subscription: str, group: str
) -> Response:
    await manager.subscriptions.group(who, subscription, group)
    return Response(status_code=204)


@router.put(_GROUP, name="resourceGroups_createOrUpdate")
async def put_resource_group(
    manager: Manager, who: Authenticated, subscription: str, group: str, body: ResourceGroupBody
) -> JSONResponse:
    tags = tuple(body.tags.items()) if body.tags is not None else None
    found, created = await manager.subscriptions.put_group(who, subscription, group, body.location, tags)
    return JSONResponse(resource_group_json(found), status_code=201 if created else 200)


@router.patch(_GROUP, name="resourceGroups_update")
async def patch_resource_group(
    manager: Manager, who: Authenticated, subscription: str, group: str, body: ResourceGroupBody
) -> dict[str, Any]:
    await manager.subscriptions.group(who, subscription, group)
    tags = tuple(body.tags.items()) if body.tags is not None else None
    found, _ = await manager.subscriptions.put_group(who, subscription, group, body.location, tags)
    return resource_group_json(found)


@router.delete(_GROUP, name="resourceGroups_delete")
async def delete_resource_group(
    manager: Manager, who: Authenticated, subscription: str, group: str
) -> Response:
    deleted = await manager.subscriptions.delete_group(who, subscription, group)
    return Response(status_code=200 if deleted else 204)


# -- user-assigned identities ----------------------------------------------------------------------------


@router.get(_GROUP + _IDENTITIES + "/{name}", name="userAssignedIdentities_get")
async def identity(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str
) -> dict[str, Any]:
    return identity_json(await manager.identities.get(who, subscription, group, name))


@router.put(_GROUP + _IDENTITIES + "/{name}", name="userAssignedIdentities_createOrUpdate")
async def put_identity(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str, body: IdentityBody
) -> JSONResponse:
    del body  # location and tags: the resource group's location is the identity's; tags are not kept
    found, created = await manager.identities.put(who, subscription, group, name)
    return JSONResponse(identity_json(found), status_code=201 if created else 200)


@router.delete(_GROUP + _IDENTITIES + "/{name}", name="userAssignedIdentities_delete")
async def delete_identity(
    manager: Manager, who: Authenticated, subscription: str, group: str, name: str
) -> Response:
    deleted = await manager.identities.delete(who, subscription, group, name)
    return Response(status_code=200 if deleted else 204)


@router.get(_GROUP + _IDENTITIES, name="userAssignedIdentities_listByResourceGroup")
async def identities_in_group(
    manager: Manager, who: Authenticated, subscription: str, group: str
) -> dict[str, Any]:
    await manager.subscriptions.group(who, subscription, group)
    found = await manager.identities.of_subscription(who, subscription, group)
    return {"value": [identity_json(i) for i in found]}


@router.get("/subscriptions/{subscription}" + _IDENTITIES, name="userAssignedIdentities_listBySubscription")
async def identities(manager: Manager, who: Authenticated, subscription: str) -> dict[str, Any]:
    return {
        "value": [identity_json(i) for i in await manager.identities.of_subscription(who, subscription, None)]
    }
