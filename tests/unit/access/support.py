"""Builders shared by the access-engine tests: ids, registries, snapshots."""

from __future__ import annotations

from cerulean.access import (
    PolicySnapshot,
    Principal,
    RegistryContext,
    RoleAssignment,
    RoleDefinition,
    builtin_role,
)

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
SUB = "11111111-1111-1111-1111-111111111111"
OTHER_SUB = "22222222-2222-2222-2222-222222222222"
RG = f"/subscriptions/{SUB}/resourceGroups/rg"
REGISTRY = f"{RG}/providers/Microsoft.ContainerRegistry/registries/contoso"
OTHER_REGISTRY = f"{RG}/providers/Microsoft.ContainerRegistry/registries/fabrikam"
FAR_REGISTRY = (
    f"/subscriptions/{OTHER_SUB}/resourceGroups/rg2/providers/Microsoft.ContainerRegistry/registries/far"
)

ALICE = "aaaaaaaa-0000-4000-8000-000000000001"
BOB = "bbbbbbbb-0000-4000-8000-000000000002"
DEVS = "dddddddd-0000-4000-8000-000000000003"
PLATFORM = "eeeeeeee-0000-4000-8000-000000000004"

REPO_NAME = "Microsoft.ContainerRegistry/registries/repositories:name"
CONTENT_READ = "Microsoft.ContainerRegistry/registries/repositories/content/read"
METADATA_READ = "Microsoft.ContainerRegistry/registries/repositories/metadata/read"
CONTENT_WRITE = "Microsoft.ContainerRegistry/registries/repositories/content/write"
METADATA_WRITE = "Microsoft.ContainerRegistry/registries/repositories/metadata/write"
CONTENT_DELETE = "Microsoft.ContainerRegistry/registries/repositories/content/delete"
METADATA_DELETE = "Microsoft.ContainerRegistry/registries/repositories/metadata/delete"
ALL_REPO_ACTIONS = (
    CONTENT_READ,
    METADATA_READ,
    CONTENT_WRITE,
    METADATA_WRITE,
    CONTENT_DELETE,
    METADATA_DELETE,
)


def repo_condition(operator: str, value: str, *actions: str) -> str:
    """The portal's condition shape: guard the actions, then test the repository name."""
    guarded = actions or (CONTENT_READ, METADATA_READ)
    guard = " AND ".join(f"!(ActionMatches{{'{a}'}})" for a in guarded)
    return f"(({guard}) OR (@Request[{REPO_NAME}] {operator} '{value}'))"


def registry(mode: str = "rbac", **settings: object) -> RegistryContext:
    """The test registry `contoso` in the given mode."""
    return RegistryContext.of(REGISTRY, mode=mode, **settings)  # type: ignore[arg-type]


_counter = iter(range(1, 1_000_000))


def assign(
    role: str | RoleDefinition,
    principal: str = ALICE,
    scope: str = REGISTRY,
    condition: str | None = None,
    principal_type: str = "User",
) -> RoleAssignment:
    """An assignment with a fresh id; `role` may be a built-in role name."""
    definition = builtin_role(role) if isinstance(role, str) else role
    return RoleAssignment.of(
        f"ra-{next(_counter)}",
        scope,
        definition,
        principal,
        condition=condition,
        principal_type=principal_type,
    )


def snapshot(*assignments: RoleAssignment, **kwargs: object) -> PolicySnapshot:
    """A snapshot with the given assignments."""
    return PolicySnapshot(assignments=assignments, **kwargs)  # type: ignore[arg-type]


def alice(*groups: str) -> Principal:
    """The user Alice, optionally with group claims."""
    return Principal.user(ALICE, tenant_id=TENANT, group_ids=groups)
