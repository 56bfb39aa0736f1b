"""The identity provider's stores, on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import AsyncIterator

import pytest

from cerulean.db import Database, SqlDirectoryStore, migrate
from cerulean.identity.errors import DirectoryConflictError
from cerulean.identity.interfaces import StoredSigningKey
from cerulean.identity.models import (
    Application,
    CertificateCredential,
    DeviceCode,
    DeviceCodeStatus,
    DirectoryRole,
    FederatedCredential,
    Group,
    ManagedIdentity,
    ManagedIdentityKind,
    SecretCredential,
    ServicePrincipal,
    ServicePrincipalKind,
    SignIn,
    Tenant,
    User,
    Workload,
    new_id,
)

pytestmark = pytest.mark.anyio

T0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
TENANT = Tenant(new_id(), "Contoso", "contoso.test", T0)


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    await migrate(database)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
async def store(database: Database) -> SqlDirectoryStore:
    store = SqlDirectoryStore(database)
    await store.add_tenant(TENANT)
    return store


def user(upn: str, tenant_id: str = TENANT.id) -> User:
    name = upn.split("@", maxsplit=1)[0]
    return User(new_id(), tenant_id, upn, name, "$argon2id$hash", enabled=True, created_at=T0)


def application(name: str) -> tuple[Application, ServicePrincipal]:
    app = Application(new_id(), new_id(), TENANT.id, name, T0)
    return app, ServicePrincipal(new_id(), app.app_id, TENANT.id, name, ServicePrincipalKind.APPLICATION)


def managed_identity(
    kind: ManagedIdentityKind, resource_id: str, name: str
) -> tuple[ManagedIdentity, ServicePrincipal]:
    identity = ManagedIdentity(new_id(), new_id(), TENANT.id, kind, resource_id, name, T0)
    principal = ServicePrincipal(
        identity.principal_id,
        identity.client_id,
        TENANT.id,
        name,
        ServicePrincipalKind.MANAGED_IDENTITY,
        alternative_names=(identity.client_id, resource_id),
    )
    return identity, principal


def device_code(user_code: str) -> DeviceCode:
    return DeviceCode(
        hashlib.sha256(user_code.encode()).hexdigest(),  # SHA-256 hex, as the service stores it
        user_code,
        TENANT.id,
        new_id(),
        "https://containerregistry.azure.net/.default offline_access",
        DeviceCodeStatus.PENDING,
        None,
        T0 + dt.timedelta(minutes=15),
        T0,
    )


def sign_in(second: int, tenant_id: str = TENANT.id) -> SignIn:
    failed = bool(second % 2)
    return SignIn(
        1,
        T0 + dt.timedelta(seconds=second),
        tenant_id,
        "client_credentials",
        "app",
        "id",
        "ServicePrincipal",
        "https://containerregistry.azure.net",
        "127.0.0.1",
        "failure" if failed else "success",
        7000215 if failed else 0,
        "invalid client secret" if failed else "",
        f"corr-{second}",
    )


# -- tenants, users, groups -----------------------------------------------------------------------------


async def test_tenants(store: SqlDirectoryStore) -> None:
    assert await store.get_tenant(TENANT.id.upper()) == TENANT
    assert await store.get_tenant(new_id()) is None
    assert await store.tenant_by_domain("CONTOSO.test") == TENANT
    assert await store.tenant_by_domain("fabrikam.test") is None
    older = Tenant(new_id(), "Fabrikam", "fabrikam.test", T0 - dt.timedelta(days=1))
    await store.add_tenant(older)
    assert await store.list_tenants() == [older, TENANT]
    with pytest.raises(DirectoryConflictError, match=r"contoso\.test"):
        await store.add_tenant(Tenant(new_id(), "Again", "contoso.test", T0))


async def test_users_are_unique_by_upn_in_any_case(store: SqlDirectoryStore) -> None:
    alice = user("Alice@contoso.test")
    await store.add_user(alice)
    assert await store.user_by_name(TENANT.id, "alice@CONTOSO.TEST") == alice
    assert await store.user_by_name(new_id(), "alice@contoso.test") is None
    assert await store.get_user(alice.id.upper()) == alice
    assert await store.get_user(new_id()) is None
    with pytest.raises(DirectoryConflictError, match="userPrincipalName") as raised:
        await store.add_user(user("ALICE@contoso.test"))
    assert raised.value.__cause__ is not None  # the driver's error stays attached for the log
    # The same UPN in another tenant is a different user.
    other = Tenant(new_id(), "Fabrikam", "fabrikam.test", T0)
    await store.add_tenant(other)
    await store.add_user(user("alice@contoso.test", other.id))
    await store.add_user(user("bob@contoso.test"))
    assert [u.user_principal_name for u in await store.list_users(TENANT.id)] == [
        "Alice@contoso.test",
        "bob@contoso.test",
    ]


async def test_update_user_changes_only_what_is_given(store: SqlDirectoryStore) -> None:
    alice = user("alice@contoso.test")
    await store.add_user(alice)
    changed = await store.update_user(alice.id, display_name="Alice A.", password_hash=None, enabled=False)
    assert changed == User(
        alice.id, TENANT.id, alice.user_principal_name, "Alice A.", "$argon2id$hash", False, T0
    )
    unchanged = await store.update_user(alice.id.upper(), display_name=None, password_hash=None, enabled=None)
    assert unchanged == changed
    rehashed = await store.update_user(
        alice.id, display_name=None, password_hash="$argon2id$new", enabled=True
    )
    assert rehashed is not None
    assert (rehashed.password_hash, rehashed.enabled, rehashed.display_name) == (
        "$argon2id$new",
        True,
        "Alice A.",
    )
    assert await store.update_user(new_id(), display_name="x", password_hash=None, enabled=None) is None


async def test_nested_groups_with_a_cycle(store: SqlDirectoryStore) -> None:
    outer, inner, loop, other = (
        Group(new_id(), TENANT.id, name, "", T0) for name in ("outer", "inner", "loop", "other")
    )
    for group in (outer, inner, loop, other):
        await store.add_group(group)
    alice = user("alice@contoso.test")
    await store.add_user(alice)
    await store.add_member(inner.id, alice.id)
    await store.add_member(inner.id, alice.id.upper())  # idempotent, in any case
    await store.add_member(outer.id, inner.id)
    await store.add_member(loop.id, outer.id)
    await store.add_member(outer.id, loop.id)  # a cycle
    assert await store.groups_of(alice.id.upper()) == {inner.id, outer.id, loop.id}
    assert await store.groups_of(outer.id) == {loop.id, outer.id}  # through the cycle, back to itself
    assert await store.groups_of(other.id) == set()
    assert await store.members_of(inner.id) == [alice.id]
    assert await store.members_of(outer.id) == sorted([inner.id, loop.id])
    assert await store.remove_member(inner.id, alice.id)
    assert not await store.remove_member(inner.id, alice.id)
    assert await store.groups_of(alice.id) == set()
    assert await store.get_group(outer.id.upper()) == outer
    assert await store.get_group(new_id()) is None
    assert [g.display_name for g in await store.list_groups(TENANT.id)] == ["inner", "loop", "other", "outer"]


async def test_directory_roles(store: SqlDirectoryStore) -> None:
    admin = DirectoryRole("62e90394-69f5-4237-9190-012177145e10", new_id())
    reader = DirectoryRole("88d8e3e3-8f55-4a1e-953a-9b9898b8876b", new_id())
    for role in (admin, admin, reader):  # granting twice is harmless
        await store.add_directory_role(role)
    assert await store.directory_roles_of({admin.principal_id.upper(), new_id()}) == {admin.role_template_id}
    assert await store.directory_roles_of({admin.principal_id, reader.principal_id}) == {
        admin.role_template_id,
        reader.role_template_id,
    }
    assert await store.directory_roles_of({new_id()}) == set()
    assert await store.directory_roles_of(set()) == set()


# -- applications and credentials -----------------------------------------------------------------------


async def test_applications_and_their_principals(store: SqlDirectoryStore) -> None:
    builder, builder_sp = application("builder")
    agent, agent_sp = application("agent")
    for app, principal in ((builder, builder_sp), (agent, agent_sp)):
        await store.add_application(app, principal)
    assert await store.application_by_app_id(TENANT.id, builder.app_id.upper()) == builder
    assert await store.application_by_app_id(new_id(), builder.app_id) is None
    assert await store.get_application(builder.id.upper()) == builder
    assert await store.get_application(new_id()) is None
    assert await store.list_applications(TENANT.id) == [agent, builder]
    assert await store.service_principal_by_app_id(TENANT.id, builder.app_id.upper()) == builder_sp
    assert await store.service_principal_by_app_id(TENANT.id, new_id()) is None
    assert await store.get_service_principal(builder_sp.id.upper()) == builder_sp
    assert await store.get_service_principal(new_id()) is None
    assert await store.list_service_principals(TENANT.id) == [agent_sp, builder_sp]


async def test_update_application_renames_the_application_only(store: SqlDirectoryStore) -> None:
    app, principal = application("before")
    await store.add_application(app, principal)
    renamed = await store.update_application(app.id.upper(), display_name="after")
    assert renamed == dataclasses.replace(app, display_name="after")
    assert await store.update_application(app.id, display_name=None) == renamed
    assert await store.get_service_principal(principal.id) == principal  # an object of its own
    assert await store.update_application(new_id(), display_name="x") is None
    assert await store.list_applications(TENANT.id) == [renamed]


async def test_an_application_and_its_principal_are_added_together(store: SqlDirectoryStore) -> None:
    first, principal = application("first")
    await store.add_application(first, principal)
    # The second principal reuses the first's id: the whole add fails, the application included.
    second = Application(new_id(), new_id(), TENANT.id, "second", T0)
    clash = ServicePrincipal(
        principal.id, second.app_id, TENANT.id, "second", ServicePrincipalKind.APPLICATION
    )
    with pytest.raises(DirectoryConflictError):
        await store.add_application(second, clash)
    assert await store.get_application(second.id) is None
    assert await store.list_applications(TENANT.id) == [first]


async def test_an_application_without_a_principal_gets_one_later_and_only_one(
    store: SqlDirectoryStore,
) -> None:
    app, principal = application("graph-made")
    await store.add_application(app, None)  # Graph's POST /applications
    assert await store.application_by_app_id(TENANT.id, app.app_id) == app
    assert await store.service_principal_by_app_id(TENANT.id, app.app_id) is None
    await store.add_service_principal(principal)  # then POST /servicePrincipals
    assert await store.service_principal_by_app_id(TENANT.id, app.app_id) == principal
    second = ServicePrincipal(new_id(), app.app_id, TENANT.id, "again", ServicePrincipalKind.APPLICATION)
    with pytest.raises(DirectoryConflictError, match=app.app_id):
        await store.add_service_principal(second)
    assert await store.get_service_principal(second.id) is None
    assert await store.list_service_principals(TENANT.id) == [principal]


async def test_secrets_and_certificates(store: SqlDirectoryStore) -> None:
    app, principal = application("builder")
    await store.add_application(app, principal)
    day = dt.timedelta(days=1)
    older = SecretCredential(new_id(), app.id, "old", "abc", "$argon2id$x", T0 - day, T0 + day)
    newer = SecretCredential(new_id(), app.id, "ci", "def", "$argon2id$y", T0, T0 + day)
    await store.add_secret(newer)
    await store.add_secret(older)
    assert await store.secrets_of(app.id.upper()) == [older, newer]
    assert await store.remove_secret(app.id, older.key_id.upper())
    assert not await store.remove_secret(app.id, older.key_id)
    assert not await store.remove_secret(new_id(), newer.key_id)  # another application's key id
    assert await store.secrets_of(app.id) == [newer]
    assert await store.certificates_of(app.id) == []
    certificate = CertificateCredential(
        new_id(),
        app.id,
        "CN=builder",
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "A" * 40,
        "B" * 64,
        T0,
        T0 + 365 * day,
    )
    await store.add_certificate(certificate)
    assert await store.certificates_of(app.id.upper()) == [certificate]
    with pytest.raises(DirectoryConflictError):
        await store.add_secret(SecretCredential(new_id(), new_id(), "x", "x", "h", T0, T0))  # no such app


def _certificate(app: Application, name: str, key_id: str | None = None) -> CertificateCredential:
    day = dt.timedelta(days=1)
    return CertificateCredential(
        key_id or new_id(), app.id, name, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "A" * 40, "B" * 64, T0, T0 + day,
    )  # fmt: skip


async def test_certificates_are_replaced_as_a_whole(store: SqlDirectoryStore) -> None:
    app = Application(new_id(), new_id(), TENANT.id, "rotated", T0)
    first = _certificate(app, "first")
    await store.add_application(app, None, [first])  # Graph's POST /applications with keyCredentials
    assert await store.certificates_of(app.id) == [first]
    secret = SecretCredential(new_id(), app.id, "ci", "abc", "$argon2id$x", T0, T0 + dt.timedelta(days=1))
    await store.add_secret(secret)
    second, third = _certificate(app, "second"), _certificate(app, "third")
    await store.replace_certificates(app.id.upper(), [first, second, third])  # the first kept as it was
    assert sorted(c.key_id for c in await store.certificates_of(app.id)) == sorted(
        c.key_id for c in (first, second, third)
    )
    other, _ = application("other")
    await store.add_application(other, None)
    taken = _certificate(other, "taken", key_id=second.key_id)
    with pytest.raises(DirectoryConflictError):  # key ids are unique: the other's write fails whole
        await store.replace_certificates(other.id, [_certificate(other, "fine"), taken])
    assert await store.certificates_of(other.id) == []
    await store.replace_certificates(app.id, [])
    assert await store.certificates_of(app.id) == []
    assert await store.secrets_of(app.id) == [secret]


async def test_an_application_whose_certificate_clashes_is_not_added(store: SqlDirectoryStore) -> None:
    first, _ = application("first")
    certificate = _certificate(first, "one")
    await store.add_application(first, None, [certificate])
    second = Application(new_id(), new_id(), TENANT.id, "second", T0)
    with pytest.raises(DirectoryConflictError):
        await store.add_application(second, None, [_certificate(second, "one", key_id=certificate.key_id)])
    assert await store.get_application(second.id) is None


async def test_federated_credential_names_are_unique_per_owner(store: SqlDirectoryStore) -> None:
    app, principal = application("builder")
    await store.add_application(app, principal)
    github = FederatedCredential(new_id(), app.id, "github", "https://issuer.test", "repo:a/b", ("api://x",))
    kubernetes = FederatedCredential(new_id(), app.id, "aks", "https://oidc.aks.test", "system:sa:ns:app")
    await store.add_federated_credential(github)
    await store.add_federated_credential(kubernetes)
    assert await store.federated_credentials_of(app.id.upper()) == [kubernetes, github]
    assert kubernetes.audiences == ("api://AzureADTokenExchange",)
    with pytest.raises(DirectoryConflictError, match="github"):
        await store.add_federated_credential(
            FederatedCredential(new_id(), app.id, "github", "https://other.test", "s")
        )
    elsewhere = FederatedCredential(new_id(), new_id(), "github", "https://issuer.test", "repo:c/d")
    await store.add_federated_credential(elsewhere)  # the same name under another owner
    assert await store.federated_credentials_of(elsewhere.owner_id) == [elsewhere]


# -- managed identities and workloads -------------------------------------------------------------------


async def test_managed_identities_by_resource_id_in_any_case(store: SqlDirectoryStore) -> None:
    resource_id = (
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/Id1"
    )
    identity, principal = managed_identity(ManagedIdentityKind.USER_ASSIGNED, resource_id, "Id1")
    await store.add_managed_identity(identity, principal)
    assert await store.get_managed_identity(identity.principal_id.upper()) == identity
    assert await store.get_managed_identity(new_id()) is None
    assert await store.managed_identity_by_resource_id(resource_id.lower()) == identity
    assert await store.managed_identity_by_resource_id(resource_id.upper()) == identity
    assert await store.managed_identity_by_resource_id(resource_id + "2") is None
    assert await store.service_principal_by_app_id(TENANT.id, identity.client_id) == principal
    assert await store.list_service_principals(TENANT.id) == [principal]


async def test_a_user_assigned_identity_is_found_before_a_system_assigned_one(
    store: SqlDirectoryStore,
) -> None:
    # A workload's system identity is keyed by the workload's id; ask for a resource id, get the identity
    # that *is* that resource, not one that merely belongs to it.
    resource_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/web"
    system, system_sp = managed_identity(ManagedIdentityKind.SYSTEM_ASSIGNED, resource_id, "web")
    user_assigned, user_sp = managed_identity(ManagedIdentityKind.USER_ASSIGNED, resource_id, "web")
    await store.add_managed_identity(system, system_sp)
    await store.add_managed_identity(user_assigned, user_sp)
    assert await store.managed_identity_by_resource_id(resource_id) == user_assigned


async def test_a_managed_identity_and_its_principal_come_and_go_together(store: SqlDirectoryStore) -> None:
    identity, principal = managed_identity(ManagedIdentityKind.USER_ASSIGNED, "/subscriptions/s/x/Id1", "Id1")
    await store.add_managed_identity(identity, principal)
    # A second identity whose principal clashes (same client id in the tenant) is not added at all.
    clash, _ = managed_identity(ManagedIdentityKind.USER_ASSIGNED, "/subscriptions/s/x/Id2", "Id2")
    clash_sp = ServicePrincipal(
        clash.principal_id, identity.client_id, TENANT.id, "Id2", ServicePrincipalKind.MANAGED_IDENTITY
    )
    with pytest.raises(DirectoryConflictError):
        await store.add_managed_identity(clash, clash_sp)
    assert await store.get_managed_identity(clash.principal_id) is None
    assert await store.delete_managed_identity(identity.principal_id.upper())
    assert await store.get_managed_identity(identity.principal_id) is None
    assert await store.get_service_principal(identity.principal_id) is None
    assert not await store.delete_managed_identity(identity.principal_id)


async def test_workloads(store: SqlDirectoryStore) -> None:
    attached = (new_id(), new_id())
    system = new_id()
    workload = Workload(new_id(), TENANT.id, "web", "/subscriptions/s/x", "$argon2id$w", system, attached, T0)
    bare = Workload(new_id(), TENANT.id, "job", "/subscriptions/s/y", "$argon2id$j", None, (), T0)
    await store.add_workload(workload)
    await store.add_workload(bare)
    assert await store.get_workload(workload.id.upper()) == workload
    assert await store.get_workload(bare.id) == bare
    assert await store.get_workload(new_id()) is None
    with pytest.raises(DirectoryConflictError):
        await store.add_workload(workload)


# -- signing keys, device codes, sign-ins ---------------------------------------------------------------


async def test_signing_keys_rotate_and_purge(store: SqlDirectoryStore) -> None:
    assert await store.signing_keys() == []
    first = StoredSigningKey("k1", b"\x00sealed-1", T0, None)
    await store.add_signing_key(first, retire_others_at=T0)  # nothing to retire yet
    assert await store.signing_keys() == [first]
    retired_at = T0 + dt.timedelta(days=91)
    second = StoredSigningKey("k2", b"sealed-2\xff", T0 + dt.timedelta(hours=1), None)
    await store.add_signing_key(second, retire_others_at=retired_at)
    third = StoredSigningKey("k3", b"sealed-3", T0 + dt.timedelta(hours=2), None)
    await store.add_signing_key(third, retire_others_at=T0 + dt.timedelta(days=92))
    keys = await store.signing_keys()
    # Only the key that was signing is retired; a key already retiring keeps its date.
    assert [(k.kid, k.retire_at) for k in keys] == [
        ("k3", None),
        ("k2", T0 + dt.timedelta(days=92)),
        ("k1", retired_at),
    ]
    assert keys[2].encrypted_private_key == b"\x00sealed-1"
    assert await store.purge_signing_keys(retired_at) == 0  # retired *before* now, not at
    assert await store.purge_signing_keys(retired_at + dt.timedelta(seconds=1)) == 1
    assert [k.kid for k in await store.signing_keys()] == ["k3", "k2"]
    assert await store.purge_signing_keys(T0 + dt.timedelta(days=1000)) == 1  # never the signing key
    assert await store.signing_keys() == [third]


async def test_device_codes_change_state_once(store: SqlDirectoryStore) -> None:
    code = device_code("BCDFGHJKL")
    await store.add_device_code(code)
    assert await store.device_code(code.device_code_hash) == code
    assert await store.device_code("0" * 64) is None
    assert await store.device_code_by_user_code("BCDFGHJKL") == code
    assert await store.device_code_by_user_code("MNPQRSTVW") is None
    pending, approved, redeemed = (
        DeviceCodeStatus.PENDING,
        DeviceCodeStatus.APPROVED,
        DeviceCodeStatus.REDEEMED,
    )

    async def move(
        to: DeviceCodeStatus, expected: DeviceCodeStatus, code_hash: str = code.device_code_hash
    ) -> bool:
        return await store.set_device_code_status(code_hash, to, user_id="u1", expected=expected)

    assert await move(approved, pending)
    assert not await move(DeviceCodeStatus.DECLINED, pending)  # approved already: no second answer
    assert await move(redeemed, approved)
    assert not await move(redeemed, approved)  # no double redeem
    assert not await move(approved, pending, "0" * 64)
    stored = await store.device_code(code.device_code_hash)
    assert stored is not None
    assert (stored.status, stored.user_id) == (DeviceCodeStatus.REDEEMED, "u1")


async def test_a_declined_device_code_cannot_be_approved(store: SqlDirectoryStore) -> None:
    code = device_code("BCDFGHJKM")
    await store.add_device_code(code)
    pending = DeviceCodeStatus.PENDING
    assert await store.set_device_code_status(
        code.device_code_hash, DeviceCodeStatus.DECLINED, user_id=None, expected=pending
    )
    assert not await store.set_device_code_status(
        code.device_code_hash, DeviceCodeStatus.APPROVED, user_id="u1", expected=pending
    )
    stored = await store.device_code_by_user_code(code.user_code)
    assert stored is not None
    assert (stored.status, stored.user_id) == (DeviceCodeStatus.DECLINED, None)


async def test_sign_ins_newest_first(store: SqlDirectoryStore) -> None:
    assert await store.sign_ins() == []
    await store.record_sign_ins([])  # nothing to write
    other_tenant = new_id()
    events = [sign_in(n) for n in range(5)]
    await store.record_sign_in(events[0])
    await store.record_sign_ins([*events[1:], sign_in(5, other_tenant)])
    assert await store.sign_ins(limit=2, tenant_id=TENANT.id) == [events[4], events[3]]
    assert await store.sign_ins(tenant_id=TENANT.id, since=T0 + dt.timedelta(seconds=3)) == [
        events[4],
        events[3],
    ]
    assert [s.tenant_id for s in await store.sign_ins(limit=1)] == [other_tenant]
    assert len(await store.sign_ins()) == 6
    assert await store.sign_ins(tenant_id=new_id()) == []


async def test_a_user_code_in_use_is_a_conflict(store: SqlDirectoryStore) -> None:
    await store.add_device_code(device_code("BCDFGHJKL"))
    clash = dataclasses.replace(device_code("BCDFGHJKL"), device_code_hash="0" * 64)
    with pytest.raises(DirectoryConflictError, match="user code"):
        await store.add_device_code(clash)
    assert await store.device_code("0" * 64) is None


# -- retention --------------------------------------------------------------------------------------------


async def test_old_sign_ins_are_purged_a_chunk_at_a_time(store: SqlDirectoryStore) -> None:
    long_ago = [
        dataclasses.replace(sign_in(i), time=T0 - dt.timedelta(days=400, seconds=i)) for i in range(20_001)
    ]
    recent = [dataclasses.replace(sign_in(i), time=T0 - dt.timedelta(days=200)) for i in range(2)]
    await store.record_sign_ins(long_ago + recent)
    assert await store.purge_sign_ins(T0 - dt.timedelta(days=300)) == 20_001  # three chunks of 10,000
    kept = await store.sign_ins(since=T0 - dt.timedelta(days=500), limit=50_000)
    assert [s.time for s in kept if s.time < T0 - dt.timedelta(days=100)] == [recent[1].time, recent[0].time]
    assert await store.purge_sign_ins(T0 - dt.timedelta(days=300)) == 0


async def test_expired_device_codes_are_purged_and_their_user_codes_free(store: SqlDirectoryStore) -> None:
    old = dataclasses.replace(
        device_code("OLDC-0DE1"), created_at=T0 - dt.timedelta(days=3), expires_at=T0 - dt.timedelta(days=2)
    )
    live = device_code("LIVE-C0DE")
    await store.add_device_code(old)
    await store.add_device_code(live)
    assert await store.purge_device_codes(T0 - dt.timedelta(days=1)) == 1
    assert await store.device_code_by_user_code("OLDC-0DE1") is None
    assert await store.device_code_by_user_code("LIVE-C0DE") == live
    await store.add_device_code(dataclasses.replace(device_code("OLDC-0DE1"), device_code_hash="other"))
