"""`ResourceManager`: every management call, authenticated, authorized by the engine, then carried out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.access import (
    BUILTIN_ROLES,
    ConditionParseError,
    InvalidAssignmentError,
    InvalidModeError,
    InvalidRoleDefinitionError,
    InvalidScopeError,
    Sku,
    builtin_role,
    decide,
)
from cerulean.access.modes import PermissionMode, parse_mode
from cerulean.access.roles import normalise_role_id
from cerulean.access.scopes import parse_scope
from cerulean.auth.credentials import ARM_AUDIENCES, principal_of
from cerulean.auth.models import ADMIN_PASSWORD_NAMES
from cerulean.identity.errors import EntraError
from cerulean.identity.tokens import TokenRejectedError
from cerulean.management.errors import (
    AuthenticationFailedError,
    AuthorizationFailedError,
    BadRequestError,
    ConflictError,
    NotFoundError,
)

if TYPE_CHECKING:
    from cerulean.access.principals import Principal
    from cerulean.access.roles import RoleDefinition
    from cerulean.arm.interfaces import ResourceStore
    from cerulean.arm.models import RegistryResource, StoredRoleAssignment
    from cerulean.auth.administration import RegistryAdministration
    from cerulean.auth.policy import PolicyCache, PolicyView
    from cerulean.core.clock import Clock
    from cerulean.identity.external import AccessTokenVerifier

__all__ = ["Caller", "RegistryChanges", "ResourceManager", "scope_text"]

_REGISTRIES: Final = "Microsoft.ContainerRegistry/registries"
_READ: Final = f"{_REGISTRIES}/read"
_WRITE: Final = f"{_REGISTRIES}/write"
_LIST_CREDENTIALS: Final = f"{_REGISTRIES}/listCredentials/action"
_REGENERATE_CREDENTIAL: Final = f"{_REGISTRIES}/regenerateCredential/action"
_ASSIGNMENTS: Final = "Microsoft.Authorization/roleAssignments"
_DEFINITIONS_READ: Final = "Microsoft.Authorization/roleDefinitions/read"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling, and the policy version their call is decided against."""

    principal: Principal
    view: PolicyView


@dataclass(frozen=True, slots=True)
class RegistryChanges:
    """The settable registry properties a PUT or PATCH carried (None: not given, left as it is)."""

    sku: str | None = None
    admin_user_enabled: bool | None = None
    anonymous_pull_enabled: bool | None = None
    role_assignment_mode: str | None = None
    arm_audience_enabled: bool | None = None


def registry_id(subscription: str, group: str, name: str) -> str:
    """A registry's ARM id."""
    return f"/subscriptions/{subscription}/resourceGroups/{group}/providers/{_REGISTRIES}/{name}"


def _same(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


class ResourceManager:
    """ARM's resource operations for subscriptions, registries, role definitions and assignments."""

    def __init__(
        self,
        *,
        policy: PolicyCache,
        verifier: AccessTokenVerifier,
        resources: ResourceStore,
        administration: RegistryAdministration,
        clock: Clock,
    ) -> None:
        self._policy = policy
        self._verifier = verifier
        self._resources = resources
        self._administration = administration
        self._clock = clock

    # -- who is calling ----------------------------------------------------------------------------

    async def authenticate(self, authorization: str) -> Caller:
        """The caller an ``Authorization: Bearer`` header names (an Entra token for ARM)."""
        scheme, _, token = authorization.partition(" ")
        if not authorization:
            raise AuthenticationFailedError("Authentication failed. The 'Authorization' header is missing.")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationFailedError(
                "Authentication failed. The 'Authorization' header is provided in an invalid format."
            )
        try:
            identity = await self._verifier.verify(token.strip(), ARM_AUDIENCES)
        except (EntraError, TokenRejectedError) as error:
            raise AuthenticationFailedError(
                f"The access token is invalid: {error}", code="InvalidAuthenticationToken"
            ) from None
        principal = principal_of(identity.object_id, identity.tenant_id, identity.kind, identity.claims)
        return Caller(principal, await self._policy.current())

    def _authorize(self, caller: Caller, action: str, scope: str) -> None:
        if not decide(caller.view.snapshot, caller.principal, action, scope).allowed:
            raise AuthorizationFailedError(caller.principal.object_id, action, scope)

    # -- registries ---------------------------------------------------------------------------------

    async def _find_registry(self, subscription: str, group: str, name: str) -> RegistryResource:
        for registry in await self._resources.list_registries():
            if (
                _same(registry.subscription_id, subscription)
                and _same(registry.resource_group, group)
                and _same(registry.name, name)
            ):
                return registry
        raise NotFoundError(
            f"The Resource '{_REGISTRIES}/{name}' under resource group '{group}' was not found. "
            "For more details please go to https://aka.ms/ARMResourceNotFoundFix"
        )

    async def registry(self, caller: Caller, subscription: str, group: str, name: str) -> RegistryResource:
        """One registry (`registries/read`)."""
        self._authorize(caller, _READ, registry_id(subscription, group, name))
        return await self._find_registry(subscription, group, name)

    async def registries(
        self, caller: Caller, subscription: str, group: str | None
    ) -> list[RegistryResource]:
        """The registries of a subscription or resource group the caller may read."""
        return [
            r
            for r in await self._resources.list_registries()
            if _same(r.subscription_id, subscription)
            and (group is None or _same(r.resource_group, group))
            and decide(caller.view.snapshot, caller.principal, _READ, r.resource_id).allowed
        ]

    async def update_registry(
        self, caller: Caller, subscription: str, group: str, name: str, changes: RegistryChanges
    ) -> RegistryResource:
        """Apply a PUT or PATCH to an existing registry (`registries/write`); SKU gates as ACR has them."""
        self._authorize(caller, _WRITE, registry_id(subscription, group, name))
        registry = await self._find_registry(subscription, group, name)
        sku = registry.sku if changes.sku is None else _sku(changes.sku)
        updates: dict[str, object] = {"sku": sku}
        if changes.admin_user_enabled is not None:
            updates["admin_user_enabled"] = changes.admin_user_enabled
        if changes.anonymous_pull_enabled is not None:
            updates["anonymous_pull_enabled"] = changes.anonymous_pull_enabled
        if changes.role_assignment_mode is not None:
            updates["permission_mode"] = _mode(changes.role_assignment_mode).value
        if changes.arm_audience_enabled is not None:
            updates["arm_audience_enabled"] = changes.arm_audience_enabled
        anonymous = bool(updates.get("anonymous_pull_enabled", registry.anonymous_pull_enabled))
        if anonymous and not Sku(sku).offers_anonymous_pull:
            raise BadRequestError(
                f"Anonymous pull is not supported for the SKU '{sku}'. Use the Standard or Premium SKU.",
                code="AnonymousPullNotSupportedForSku",
                target="properties.anonymousPullEnabled",
            )
        return await self._administration.update(registry.name, **updates)

    async def list_credentials(
        self, caller: Caller, subscription: str, group: str, name: str
    ) -> tuple[str, list[tuple[str, str]]]:
        """The admin username and passwords (`listCredentials/action`); refused while admin is off."""
        self._authorize(caller, _LIST_CREDENTIALS, registry_id(subscription, group, name))
        registry = await self._find_registry(subscription, group, name)
        if not registry.admin_user_enabled:
            raise BadRequestError(
                f"Admin user is disabled for the registry '{registry.name}'.", code="AdminUserDisabled"
            )
        return await self._administration.admin_credentials(registry.name)

    async def regenerate_credential(
        self, caller: Caller, subscription: str, group: str, name: str, password: str
    ) -> tuple[str, list[tuple[str, str]]]:
        """A new value for `password` or `password2` (`regenerateCredential/action`); then the list."""
        self._authorize(caller, _REGENERATE_CREDENTIAL, registry_id(subscription, group, name))
        registry = await self._find_registry(subscription, group, name)
        if password not in ADMIN_PASSWORD_NAMES:
            raise BadRequestError(
                f"The value '{password[:40]}' is not valid for 'name'; expected 'password' or 'password2'.",
                target="name",
            )
        if not registry.admin_user_enabled:
            raise BadRequestError(
                f"Admin user is disabled for the registry '{registry.name}'.", code="AdminUserDisabled"
            )
        await self._administration.regenerate_admin_password(registry.name, password)
        return await self._administration.admin_credentials(registry.name)

    # -- role definitions -----------------------------------------------------------------------------

    def role_definitions(self, caller: Caller, scope: str, role_name: str | None) -> list[RoleDefinition]:
        """The role definitions usable at `scope` (built-in ones), optionally one by name."""
        self._authorize(caller, _DEFINITIONS_READ, scope_text(scope))
        return [r for r in BUILTIN_ROLES if role_name is None or _same(r.name, role_name)]

    def role_definition(self, caller: Caller, scope: str, role_id: str) -> RoleDefinition:
        """One role definition by GUID."""
        self._authorize(caller, _DEFINITIONS_READ, scope_text(scope))
        try:
            return builtin_role(normalise_role_id(role_id))
        except (InvalidRoleDefinitionError, KeyError):
            raise NotFoundError(
                f"The role definition '{role_id[:64]}' could not be found.", code="RoleDefinitionDoesNotExist"
            ) from None

    # -- role assignments -----------------------------------------------------------------------------

    async def put_role_assignment(  # noqa: PLR0917 - ARM's RoleAssignmentProperties, field by field
        self,
        caller: Caller,
        scope: str,
        name: str,
        role_definition_id: str,
        principal_id: str,
        principal_type: str,
        condition: str | None,
        condition_version: str | None,
        description: str,
    ) -> StoredRoleAssignment:
        """Create a role assignment (`roleAssignments/write` at its scope), checked as ARM checks it."""
        scope = scope_text(scope)
        self._authorize(caller, f"{_ASSIGNMENTS}/write", scope)
        role = _role_of(role_definition_id)
        if condition is not None and condition_version not in {None, "2.0"}:
            raise BadRequestError(
                f"The condition version '{condition_version}' is not supported; use '2.0'.",
                code="InvalidConditionVersion",
                target="properties.conditionVersion",
            )
        try:
            stored = self._administration.checked_role_assignment(
                name.lower(), principal_id, role, scope,
                principal_type=principal_type or "User", condition=condition, description=description,
            )  # fmt: skip
        except ConditionParseError as error:
            raise BadRequestError(
                f"The condition is invalid: {error}", code="InvalidCondition", target="properties.condition"
            ) from None
        except (InvalidAssignmentError, InvalidScopeError, ValueError) as error:  # ValueError: a bad GUID
            raise BadRequestError(str(error), code="InvalidRoleAssignmentRequest") from None
        existing = await self._assignment(name)
        if existing is not None:
            if _same(existing.scope, scope) and _same(existing.role_definition_id, role.id):
                return existing
            raise ConflictError("The role assignment already exists.", code="RoleAssignmentExists")
        for other in await self._resources.list_role_assignments():
            if (
                _same(other.scope, scope)
                and _same(other.role_definition_id, role.id)
                and _same(other.principal_id, stored.principal_id)
                and other.condition == condition
            ):
                raise ConflictError("The role assignment already exists.", code="RoleAssignmentExists")
        await self._resources.add_role_assignment(stored)
        return stored

    async def _assignment(self, name: str) -> StoredRoleAssignment | None:
        return next((a for a in await self._resources.list_role_assignments() if _same(a.id, name)), None)

    async def role_assignment(self, caller: Caller, scope: str, name: str) -> StoredRoleAssignment:
        """One role assignment (`roleAssignments/read`)."""
        scope = scope_text(scope)
        self._authorize(caller, f"{_ASSIGNMENTS}/read", scope)
        found = await self._assignment(name)
        if found is None or not _same(found.scope, scope):
            raise NotFoundError(
                f"The role assignment '{name[:64]}' is not found.", code="RoleAssignmentNotFound"
            )
        return found

    async def role_assignments(
        self, caller: Caller, scope: str, *, at_scope_only: bool, principal_id: str | None
    ) -> list[StoredRoleAssignment]:
        """Assignments that apply at `scope` (at it and above, and below unless `at_scope_only`)."""
        target = parse_scope(scope_text(scope))
        self._authorize(caller, f"{_ASSIGNMENTS}/read", target.text)
        hierarchy = caller.view.snapshot.hierarchy
        found = []
        for stored in await self._resources.list_role_assignments():
            where = parse_scope(stored.scope)
            above = hierarchy.contains(where, target)
            below = hierarchy.contains(target, where)
            if not (above or (below and not at_scope_only)):
                continue
            if principal_id is not None and not _same(stored.principal_id, principal_id):
                continue
            found.append(stored)
        return found

    async def delete_role_assignment(
        self, caller: Caller, scope: str, name: str
    ) -> StoredRoleAssignment | None:
        """Delete one (`roleAssignments/delete`); None if there was none (ARM answers 204)."""
        scope = scope_text(scope)
        self._authorize(caller, f"{_ASSIGNMENTS}/delete", scope)
        found = await self._assignment(name)
        if found is None or not _same(found.scope, scope):
            return None
        await self._resources.delete_role_assignment(found.id)
        return found


def scope_text(scope: str) -> str:
    """A scope from a request path (with or without its leading slash), normalised; 400 if not one."""
    text = "/" + scope.strip("/")
    try:
        return parse_scope(text).text
    except InvalidScopeError as error:
        raise BadRequestError(
            f"The scope '{text[:200]}' is not valid: {error}", code="InvalidScope"
        ) from None


def _role_of(role_definition_id: str) -> RoleDefinition:
    try:
        return builtin_role(normalise_role_id(role_definition_id))
    except (InvalidRoleDefinitionError, KeyError):
        raise BadRequestError(
            f"The role definition '{role_definition_id[:200]}' does not exist.",
            code="RoleDefinitionDoesNotExist",
            target="properties.roleDefinitionId",
        ) from None


def _sku(value: str) -> str:
    for sku in Sku:
        if _same(sku.value, value):
            return sku.value
    raise BadRequestError(
        f"The SKU '{value[:40]}' is not valid; expected Basic, Standard or Premium.", target="sku.name"
    )


def _mode(value: str) -> PermissionMode:
    try:
        return parse_mode(value)
    except InvalidModeError as error:
        raise BadRequestError(str(error), target="properties.roleAssignmentMode") from None
