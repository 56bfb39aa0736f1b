"""`ResourceManager`: the management plane's services, sharing one gate (authentication, authorization)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cerulean.management.gate import Caller, Gate
from cerulean.management.identities import Identities
from cerulean.management.private_endpoints import PrivateEndpoints
from cerulean.management.registries import Registries
from cerulean.management.roles import Roles
from cerulean.management.subscriptions import Subscriptions
from cerulean.management.tokens import RegistryTokens

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from cerulean.arm.interfaces import ResourceStore
    from cerulean.auth.administration import RegistryAdministration
    from cerulean.auth.interfaces import CredentialStore
    from cerulean.auth.policy import PolicyCache
    from cerulean.core.clock import Clock
    from cerulean.identity import IdentityProvider
    from cerulean.network import PrivateEndpointStore

__all__ = ["ResourceManager"]


class ResourceManager:
    """Every ARM resource Cerulean serves; each call authenticated by `gate`, authorized by the engine."""

    def __init__(
        self,
        *,
        policy: PolicyCache,
        provider: IdentityProvider,
        resources: ResourceStore,
        credentials: CredentialStore,
        administration: RegistryAdministration,
        clock: Clock,
        served_registry: str,
        login_server_for: Callable[[str], str],
        storage_used: Callable[[str], Awaitable[int]],
        private_endpoints: PrivateEndpointStore,
        trusted_services: Iterable[str],
    ) -> None:
        """`trusted_services`: object ids that pass network rules (the node's setting, for explanations)."""
        self.gate = Gate(policy, provider.verifier)
        self.identities = Identities(self.gate, resources, provider)
        self.registries = Registries(
            self.gate, resources, credentials, administration, self.identities, clock,
            served_registry=served_registry, login_server_for=login_server_for, storage_used=storage_used,
            private_endpoints=private_endpoints, trusted_services=trusted_services,
        )  # fmt: skip
        self.tokens = RegistryTokens(self.gate, resources, credentials, administration, clock)
        self.roles = Roles(self.gate, resources, administration, clock)
        self.private_endpoints = PrivateEndpoints(self.gate, resources, private_endpoints, clock)
        self.subscriptions = Subscriptions(
            self.gate, resources, provider, self.registries, self.identities, clock
        )

    async def authenticate(self, authorization: str) -> Caller:
        """The caller an ``Authorization`` header names."""
        return await self.gate.authenticate(authorization)
