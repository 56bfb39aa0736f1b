"""Resources a token can be requested for, and how a `scope` parameter names one.

A scope like ``https://management.core.windows.net//.default`` names the resource
``https://management.core.windows.net/``; the token's `aud` is the resource in its canonical spelling,
whatever trailing slashes the client used (the Azure CLI doubles them, the SDKs do not).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from cerulean.identity.errors import InvalidResourceError, InvalidScopeError

__all__ = [
    "ARM_RESOURCES",
    "OIDC_SCOPES",
    "REGISTRY_RESOURCE",
    "RequestedScope",
    "ResourceCatalog",
    "normalise_resource",
]

REGISTRY_RESOURCE: Final = "https://containerregistry.azure.net"
ARM_RESOURCES: Final = ("https://management.azure.com", "https://management.core.windows.net/")
GRAPH_RESOURCE: Final = "https://graph.microsoft.com"
OIDC_SCOPES: Final = frozenset({"openid", "profile", "offline_access", "email"})
_DEFAULT_SUFFIX: Final = "/.default"


def normalise_resource(resource: str) -> str:
    """The comparison key of a resource: lower-case, without trailing slashes."""
    return resource.strip().rstrip("/").lower()


@dataclass(frozen=True, slots=True)
class RequestedScope:
    """The resource a token is for (canonical spelling) and the scope string echoed back to the client."""

    resource: str
    oidc: frozenset[str]
    scope_text: str


class ResourceCatalog:
    """The resources this identity provider issues tokens for, in their canonical spellings.

    The registry, ARM (both spellings Azure uses), Microsoft Graph, and this server's own Graph
    resource (the authority URL, as the CLI's `microsoftGraphResourceId` names it).
    """

    def __init__(self, authority: str, extra: tuple[str, ...] = ()) -> None:
        canonical = (REGISTRY_RESOURCE, *ARM_RESOURCES, GRAPH_RESOURCE, authority.rstrip("/"), *extra)
        self._by_key = {normalise_resource(value): value for value in canonical}
        self.graph_audiences = frozenset({GRAPH_RESOURCE, authority.rstrip("/")})

    def canonical(self, resource: str, tenant_name: str) -> str:
        """The canonical spelling of a known resource; `AADSTS500011` otherwise."""
        found = self._by_key.get(normalise_resource(resource))
        if found is None:
            raise InvalidResourceError(
                500011,
                f"The resource principal named {resource[:200]} was not found in the tenant named "
                f"{tenant_name}. This can happen if the application has not been installed by the "
                "administrator of the tenant or consented to by any user in the tenant.",
            )
        return found

    def parse(self, scope: str, tenant_name: str) -> RequestedScope:
        """Split a space-separated `scope` into one resource and the OpenID scopes."""
        words = scope.split()
        oidc = frozenset(word for word in words if word in OIDC_SCOPES)
        resource_scopes = [word for word in words if word not in OIDC_SCOPES]
        if not resource_scopes:
            raise InvalidScopeError(
                70011,
                "The provided request must include a 'scope' input parameter. The provided value for the "
                "input parameter 'scope' is not valid.",
            )
        resources = set()
        for word in resource_scopes:
            base = word[: -len(_DEFAULT_SUFFIX)] if word.endswith(_DEFAULT_SUFFIX) else word.rsplit("/", 1)[0]
            if "://" not in base:
                raise InvalidScopeError(
                    70011, f"The provided value for the input parameter 'scope' is not valid: {word[:200]!r}."
                )
            resources.add(self.canonical(base, tenant_name))
        if len(resources) > 1:
            raise InvalidScopeError(
                28000,
                "Provided value for the input parameter scope is not valid because it contains more than one "
                "resource.",
            )
        resource = resources.pop()
        return RequestedScope(resource, oidc, " ".join([*resource_scopes, *sorted(oidc)]))
