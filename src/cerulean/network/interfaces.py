"""What the network domain reads: a registry's network settings, and the private endpoint connections.

`NetworkSettings` is structural: `cerulean.arm.models.RegistryResource` satisfies it without this
package importing ARM's models (domain packages do not import each other).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from cerulean.network.endpoints import PrivateEndpointConnection

__all__ = ["NetworkSettings", "PrivateEndpointStore"]


class NetworkSettings(Protocol):
    """A registry's network controls, by ARM's meaning (see `RegistryResource`)."""

    @property
    def name(self) -> str:
        """The registry's name."""
        ...

    @property
    def public_network_access(self) -> bool:
        """``publicNetworkAccess: Enabled``."""
        ...

    @property
    def network_default_action(self) -> str:
        """``networkRuleSet.defaultAction``: ``Allow`` or ``Deny``."""
        ...

    @property
    def ip_rules(self) -> tuple[str, ...]:
        """``networkRuleSet.ipRules[].value``: IPv4 addresses and CIDRs (action Allow)."""
        ...

    @property
    def bypass_azure_services(self) -> bool:
        """``networkRuleBypassOptions: AzureServices``."""
        ...

    @property
    def bypass_for_tasks(self) -> bool:
        """``networkRuleBypassAllowedForTasks``."""
        ...

    @property
    def system_identity_id(self) -> str | None:
        """The object id of the registry's system-assigned identity (its tasks' identity)."""
        ...


class PrivateEndpointStore(Protocol):
    """Where private endpoint connections live (implemented by `cerulean.db`).

    Every write bumps the policy version, so the network gate of every node recompiles.
    """

    async def private_endpoint_connections(
        self, registry: str | None = None
    ) -> list[PrivateEndpointConnection]:
        """A registry's connections (every registry's when None), by name."""
        ...

    async def put_private_endpoint_connection(self, connection: PrivateEndpointConnection) -> None:
        """Create or replace a connection (by registry and name)."""
        ...

    async def delete_private_endpoint_connection(self, registry: str, name: str) -> bool:
        """Delete a connection; False if there was none."""
        ...
