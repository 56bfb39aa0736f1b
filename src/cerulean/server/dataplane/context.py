"""What a data-plane handler receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.requests import Request

    from cerulean.registry.service import RegistryService
    from cerulean.server.dataplane.paths import PathMatch

__all__ = ["RequestContext"]


@dataclass(frozen=True, slots=True)
class RequestContext:
    """The request, the matched path (name already validated) and the services."""

    request: Request
    match: PathMatch
    registry: RegistryService
    login_server: str

    @property
    def name(self) -> str:
        """The repository name."""
        return self.match.name
