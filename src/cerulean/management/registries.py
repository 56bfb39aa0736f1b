"""`Microsoft.ContainerRegistry/registries`: create, read, update, delete, credentials, usages, names.

A registry's name is 5 to 50 letters and digits and unique across every subscription, as in Azure;
its settings are checked, SKU gates included, by `registry_settings`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.access import Operation, Sku, decide
from cerulean.access.context import Resource
from cerulean.access.explain import explain
from cerulean.access.modes import PermissionMode
from cerulean.access.scopemaps import SKU_LIMITS
from cerulean.arm.errors import ResourceConflictError
from cerulean.arm.models import RegistryResource
from cerulean.auth.models import ADMIN_PASSWORD_NAMES
from cerulean.management import registry_policies, registry_settings
from cerulean.management.errors import BadRequestError, ConflictError, NotFoundError
from cerulean.management.explanations import AccessExplanation, NetworkQuestion, explain_network_access
from cerulean.management.gate import same
from cerulean.management.lookups import find_group, find_registry, registry_id
from cerulean.network import MAX_CONNECTIONS

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterable

    from cerulean.arm.interfaces import ResourceStore
    from cerulean.arm.models import Tags
    from cerulean.auth.administration import RegistryAdministration
    from cerulean.auth.interfaces import CredentialStore
    from cerulean.core.clock import Clock
    from cerulean.management.gate import Caller, Gate
    from cerulean.management.identities import Identities
    from cerulean.management.registry_policies import PolicyChanges
    from cerulean.network import PrivateEndpointStore

__all__ = [
    "IdentityChange",
    "NameAvailability",
    "Registries",
    "RegistryChanges",
    "Usage",
]

_REGISTRIES: Final = "Microsoft.ContainerRegistry/registries"
_NAME: Final = re.compile(r"^[a-zA-Z0-9]{5,50}$")
_GIB: Final = 1024**3
_INCLUDED_STORAGE: Final = {Sku.BASIC: 10 * _GIB, Sku.STANDARD: 100 * _GIB, Sku.PREMIUM: 500 * _GIB}
_WEBHOOKS: Final = {Sku.BASIC: 2, Sku.STANDARD: 10, Sku.PREMIUM: 500}
_EXPLAINED: Final = {
    "pull": Operation.PULL,
    "push": Operation.PUSH,
    "delete": Operation.DELETE,
    "metadata_read": Operation.READ_METADATA,
    "metadata_write": Operation.WRITE_METADATA,
    "catalog": Operation.CATALOG,
}


@dataclass(frozen=True, slots=True)
class IdentityChange:
    """ARM's `identity` block: `SystemAssigned`, `UserAssigned`, both, or `None`."""

    system_assigned: bool
    user_assigned: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RegistryChanges:
    """The settable registry properties a PUT or PATCH carried (None: not given, left as it is)."""

    location: str | None = None
    tags: Tags | None = None
    sku: str | None = None
    admin_user_enabled: bool | None = None
    anonymous_pull_enabled: bool | None = None
    role_assignment_mode: str | None = None
    arm_audience_enabled: bool | None = None
    public_network_access: bool | None = None
    network_default_action: str | None = None
    ip_rules: tuple[str, ...] | None = None
    bypass_azure_services: bool | None = None
    bypass_for_tasks: bool | None = None
    data_endpoint_enabled: bool | None = None
    identity: IdentityChange | None = None
    policies: PolicyChanges | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    """One line of `listUsages`."""

    name: str
    limit: int
    current: int
    unit: str  # "Count" | "Bytes"


@dataclass(frozen=True, slots=True)
class NameAvailability:
    """`checkNameAvailability`'s answer."""

    available: bool
    reason: str | None = None
    message: str | None = None


class Registries:
    """Registry resources and their registry-level actions."""

    def __init__(  # noqa: PLR0917 - the stores and services a registry touches
        self,
        gate: Gate,
        resources: ResourceStore,
        credentials: CredentialStore,
        administration: RegistryAdministration,
        identities: Identities,
        clock: Clock,
        *,
        served_registry: str,
        login_server_for: Callable[[str], str],
        storage_used: Callable[[str], Awaitable[int]],
        private_endpoints: PrivateEndpointStore,
        trusted_services: Iterable[str],
    ) -> None:
        """`trusted_services`: the node's setting, which `explain_access` needs as the gate has it."""
        self._gate = gate
        self._resources = resources
        self._credentials = credentials
        self._administration = administration
        self._identities = identities
        self._clock = clock
        self._served = served_registry
        self._login_server_for = login_server_for
        self._storage_used = storage_used
        self._endpoints = private_endpoints
        self._trusted = frozenset(t.lower() for t in trusted_services)

    async def get(self, caller: Caller, subscription: str, group: str, name: str) -> RegistryResource:
        """One registry (`registries/read`)."""
        self._gate.authorize(caller, f"{_REGISTRIES}/read", registry_id(subscription, group, name))
        return await find_registry(self._resources, subscription, group, name)

    async def of_subscription(
        self, caller: Caller, subscription: str, group: str | None
    ) -> list[RegistryResource]:
        """The registries of a subscription or resource group the caller may read."""
        return [
            r
            for r in await self._resources.list_registries()
            if same(r.subscription_id, subscription)
            and (group is None or same(r.resource_group, group))
            and self._gate.allows(caller, f"{_REGISTRIES}/read", r.resource_id)
        ]

    async def put(
        self, caller: Caller, subscription: str, group: str, name: str, changes: RegistryChanges
    ) -> tuple[RegistryResource, bool]:
        """Create a registry, or apply a PUT to an existing one (`registries/write`); True if created."""
        self._gate.authorize(caller, f"{_REGISTRIES}/write", registry_id(subscription, group, name))
        try:
            return await self._update(
                await find_registry(self._resources, subscription, group, name), changes
            ), False
        except NotFoundError:
            pass
        return await self._create(caller, subscription, group, name, changes), True

    async def update(
        self, caller: Caller, subscription: str, group: str, name: str, changes: RegistryChanges
    ) -> RegistryResource:
        """Apply a PATCH (`registries/write`)."""
        self._gate.authorize(caller, f"{_REGISTRIES}/write", registry_id(subscription, group, name))
        return await self._update(await find_registry(self._resources, subscription, group, name), changes)

    async def _create(
        self, caller: Caller, subscription: str, group: str, name: str, changes: RegistryChanges
    ) -> RegistryResource:
        if not _NAME.fullmatch(name):
            raise BadRequestError(
                f"The registry name '{name[:60]}' is invalid: registry names may contain only alphanumeric "
                "characters and must be between 5 and 50 characters.",
                code="InvalidResourceName",
                target="name",
            )
        if not changes.location:
            raise BadRequestError("The 'location' of a new registry is required.", code="LocationRequired",
                                  target="location")  # fmt: skip
        if not changes.sku:
            raise BadRequestError("The 'sku' of a new registry is required.", code="MissingSku", target="sku")
        stored_subscription, stored_group = await find_group(self._resources, subscription, group)
        taken = await self.check_name(caller, name)
        if not taken.available:
            raise ConflictError(taken.message or "", code="AlreadyInUse", target="name")
        base = RegistryResource(
            subscription_id=stored_subscription.id,
            resource_group=stored_group.name,
            name=name,
            location=changes.location,
            sku=registry_settings.sku(changes.sku).value,
            login_server=self._login_server_for(name),
            admin_user_enabled=False,
            anonymous_pull_enabled=False,
            permission_mode=PermissionMode.LEGACY.value,
            created_at=self._clock.now(),
        )
        registry = await self._apply(base, changes)
        try:
            await self._resources.add_registry(registry)
        except ResourceConflictError:
            raise ConflictError(
                f"The registry name '{name}' is already in use.", code="AlreadyInUse", target="name"
            ) from None
        if registry.admin_user_enabled:
            await self._administration.update(registry.name)  # generates the two admin passwords
        self._gate.wrote()
        return registry

    async def _update(self, registry: RegistryResource, changes: RegistryChanges) -> RegistryResource:
        updated = await self._apply(registry, changes)
        await self._check_private_endpoints(registry, updated)
        result = await self._administration.update(registry.name, **_differences(registry, updated))
        self._gate.wrote()
        return result

    async def _apply(self, registry: RegistryResource, changes: RegistryChanges) -> RegistryResource:
        """The registry with `changes` applied and checked against its (new) SKU."""
        c = changes
        updates: dict[str, object] = {}
        if c.sku is not None:
            updates["sku"] = registry_settings.sku(c.sku).value
        if c.tags is not None:
            updates["tags"] = c.tags
        for field in (
            "admin_user_enabled", "anonymous_pull_enabled", "arm_audience_enabled", "public_network_access",
            "bypass_azure_services", "bypass_for_tasks", "data_endpoint_enabled",
        ):  # fmt: skip
            value = getattr(c, field)
            if value is not None:
                updates[field] = value
        if c.role_assignment_mode is not None:
            updates["permission_mode"] = registry_settings.permission_mode(c.role_assignment_mode).value
        if c.network_default_action is not None:
            updates["network_default_action"] = registry_settings.default_action(c.network_default_action)
        if c.ip_rules is not None:
            updates["ip_rules"] = registry_settings.ip_rules(c.ip_rules)
        if c.identity is not None:
            updates.update(await self._identity(registry, c.identity))
        if c.policies is not None:
            updates["policies"] = registry_policies.apply(registry.policies, c.policies, self._clock.now())
        result = dataclasses.replace(registry, **updates)  # type: ignore[arg-type]
        registry_settings.check_sku(result)
        registry_policies.check(result)
        return result

    async def _check_private_endpoints(self, before: RegistryResource, after: RegistryResource) -> None:
        """Private endpoints are Premium's: no downgrade while the registry has any."""
        if after.sku == before.sku or Sku(after.sku) is Sku.PREMIUM:
            return
        if await self._endpoints.private_endpoint_connections(before.name):
            raise BadRequestError(
                f"Private endpoints are not supported for the SKU '{Sku(after.sku)}'. "
                "Delete the registry's private endpoint connections or keep the Premium SKU.",
                code="FeatureNotSupportedForSku",
                target="sku.name",
            )

    async def _identity(self, registry: RegistryResource, change: IdentityChange) -> dict[str, object]:
        for resource_id in change.user_assigned:
            if await self._identities.user_assigned(resource_id) is None:
                raise BadRequestError(
                    f"The user-assigned identity '{resource_id[:300]}' does not exist.",
                    code="InvalidIdentity",
                    target="identity.userAssignedIdentities",
                )
        system = registry.system_identity_id
        if change.system_assigned and system is None:
            system = await self._identities.create_system_assigned(registry)
        elif not change.system_assigned and system is not None:
            await self._identities.delete_system_assigned(system)
            system = None
        return {"system_identity_id": system, "user_assigned_identities": change.user_assigned}

    async def delete(self, caller: Caller, subscription: str, group: str, name: str) -> bool:
        """Delete a registry with its credentials and role assignments (`registries/delete`)."""
        self._gate.authorize(caller, f"{_REGISTRIES}/delete", registry_id(subscription, group, name))
        try:
            registry = await find_registry(self._resources, subscription, group, name)
        except NotFoundError:
            return False
        await self.remove(registry)
        return True

    async def remove(self, registry: RegistryResource) -> None:
        """Delete an already authorized registry (also used when its resource group goes)."""
        if same(registry.name, self._served):
            raise ConflictError(
                f"The registry '{registry.name}' is the one this Cerulean deployment serves; "
                "it cannot be deleted while the deployment runs.",
                code="OperationNotAllowed",
            )
        if registry.system_identity_id is not None:
            await self._identities.delete_system_assigned(registry.system_identity_id)
        await self._resources.delete_registry(registry.name)
        self._gate.wrote()

    async def check_name(self, caller: Caller, name: str) -> NameAvailability:
        """`checkNameAvailability` (any authenticated caller, as in Azure)."""
        del caller
        if not _NAME.fullmatch(name):
            return NameAvailability(
                available=False,
                reason="Invalid",
                message="The registry name must be between 5 and 50 characters and may contain only "
                "alphanumeric characters.",
            )
        if any(same(r.name, name) for r in await self._resources.list_registries()):
            return NameAvailability(
                available=False, reason="AlreadyExists", message=f"The registry {name} is already in use."
            )
        return NameAvailability(available=True)

    # -- admin account ------------------------------------------------------------------------------

    async def list_credentials(
        self, caller: Caller, subscription: str, group: str, name: str
    ) -> tuple[str, list[tuple[str, str]]]:
        """The admin username and passwords (`listCredentials/action`); refused while admin is off."""
        self._gate.authorize(
            caller, f"{_REGISTRIES}/listCredentials/action", registry_id(subscription, group, name)
        )
        registry = await find_registry(self._resources, subscription, group, name)
        _admin_enabled(registry)
        return await self._administration.admin_credentials(registry.name)

    async def regenerate_credential(
        self, caller: Caller, subscription: str, group: str, name: str, password: str
    ) -> tuple[str, list[tuple[str, str]]]:
        """A new value for `password` or `password2` (`regenerateCredential/action`); then the list."""
        self._gate.authorize(
            caller, f"{_REGISTRIES}/regenerateCredential/action", registry_id(subscription, group, name)
        )
        registry = await find_registry(self._resources, subscription, group, name)
        if password not in ADMIN_PASSWORD_NAMES:
            raise BadRequestError(
                f"The value '{password[:40]}' is not valid for 'name'; expected 'password' or 'password2'.",
                target="name",
            )
        _admin_enabled(registry)
        await self._administration.regenerate_admin_password(registry.name, password)
        self._gate.wrote()
        return await self._administration.admin_credentials(registry.name)

    # -- usages and explanations ----------------------------------------------------------------------

    async def usages(self, caller: Caller, subscription: str, group: str, name: str) -> list[Usage]:
        """`listUsages`: storage, webhooks, scope maps, tokens, IP rules, private endpoints (`read`)."""
        registry = await self.get(caller, subscription, group, name)
        sku = Sku(registry.sku)
        premium = sku is Sku.PREMIUM
        scope_maps = sum(1 for m in await self._credentials.scope_maps() if same(m.registry, registry.name))
        tokens = sum(1 for t in await self._credentials.tokens() if same(t.registry, registry.name))
        limits = SKU_LIMITS[sku]
        connections = len(await self._endpoints.private_endpoint_connections(registry.name))
        return [
            Usage("Size", _INCLUDED_STORAGE[sku], await self._storage_used(registry.name), "Bytes"),
            Usage("Webhooks", _WEBHOOKS[sku], 0, "Count"),
            Usage("ScopeMaps", limits.scope_maps, scope_maps, "Count"),
            Usage("Tokens", limits.tokens, tokens, "Count"),
            Usage(
                "IPRules", registry_settings.MAX_IP_RULES if premium else 0, len(registry.ip_rules), "Count"
            ),
            Usage("PrivateEndpointConnections", MAX_CONNECTIONS if premium else 0, connections, "Count"),
        ]

    async def explain_access(  # noqa: PLR0917 - the path's parts, then the question
        self,
        caller: Caller,
        subscription: str,
        group: str,
        name: str,
        principal_id: str,
        action: str,
        repository: str | None,
        *,
        client_ip: str | None = None,
        private_endpoint: str | None = None,
    ) -> AccessExplanation:
        """The engine's decision for `principal_id` doing `action` (needs `roleAssignments/read`).

        With `client_ip` or `private_endpoint`, the network gate's verdict for a request from there
        comes first, and the request is allowed only if both allow it.
        """
        scope = registry_id(subscription, group, name)
        self._gate.authorize(caller, "Microsoft.Authorization/roleAssignments/read", scope)
        registry = await find_registry(self._resources, subscription, group, name)
        question = NetworkQuestion.parse(client_ip, private_endpoint)
        operation = _EXPLAINED.get(action.lower())
        if operation is None:
            raise BadRequestError(
                f"The action '{action[:40]}' is not one of {', '.join(_EXPLAINED)}.", target="action"
            )
        if operation is not Operation.CATALOG and not repository:
            raise BadRequestError(f"The action '{action}' needs a repository.", target="repository")
        principal = await self._identities.principal(principal_id)
        if principal is None:
            raise NotFoundError(
                f"No user, group or service principal has the object id '{principal_id[:60]}'.",
                code="PrincipalNotFound",
            )
        resource = Resource.of(registry.resource_id, None if operation is Operation.CATALOG else repository)
        decision = decide(caller.view.snapshot, principal, operation, resource)
        account = explain(decision)
        network = None
        if question is not None:
            network = explain_network_access(
                registry,
                question,
                await self._endpoints.private_endpoint_connections(registry.name),
                self._trusted,
                principal.object_id,
                self._served,
            )
        return AccessExplanation.of(account.text, account.data, network, engine_allowed=decision.allowed)


def _admin_enabled(registry: RegistryResource) -> None:
    if not registry.admin_user_enabled:
        raise BadRequestError(
            f"Admin user is disabled for the registry '{registry.name}'.", code="AdminUserDisabled"
        )


def _differences(before: RegistryResource, after: RegistryResource) -> dict[str, object]:
    return {
        f.name: getattr(after, f.name)
        for f in dataclasses.fields(after)
        if getattr(after, f.name) != getattr(before, f.name)
    }
