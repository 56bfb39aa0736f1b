"""What every management route takes: the manager, the authenticated caller, ARM's `$filter`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Query, Request

from cerulean.management import Caller, ResourceManager

__all__ = ["Authenticated", "Filter", "Manager"]


def _manager(request: Request) -> ResourceManager:
    manager: ResourceManager = request.app.state.manager
    return manager


async def _caller(request: Request, authorization: Annotated[str, Header()] = "") -> Caller:
    return await _manager(request).authenticate(authorization)


# Module level: FastAPI resolves these annotations by name (the route modules use postponed evaluation).
Manager = Annotated[ResourceManager, Depends(_manager)]
Authenticated = Annotated[Caller, Depends(_caller)]
Filter = Annotated[str | None, Query(alias="$filter")]
