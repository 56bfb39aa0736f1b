"""The composition root: builds every store, service and application from `Settings`.

Nothing in Cerulean constructs its own dependencies; tests build different objects through these same
functions (a memory blob store, a fixed clock) instead of switching behaviour inside production code.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import ipaddress
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

import structlog

from cerulean.audit import AuditRecorder
from cerulean.auth.administration import RegistryAdministration
from cerulean.auth.policy import PolicyCache
from cerulean.auth.service import RegistryAuth
from cerulean.auth.tokens import RegistryTokens
from cerulean.core.clock import Clock, SystemClock
from cerulean.db import (
    Database,
    RegistrySigningKeyStore,
    SqlAuditLog,
    SqlCredentialStore,
    SqlDirectoryStore,
    SqlMetadataStore,
    SqlPrivateEndpointStore,
    SqlResourceStore,
    migrate,
)
from cerulean.identity import IdentityProvider, KeyEncryptionKey, TrustedIssuer
from cerulean.identity.keys import KeyRing
from cerulean.identity.secrets import ProvenSecrets, SecretHasher
from cerulean.identity.throttle import ThrottleLimits
from cerulean.management import ResourceManager
from cerulean.network import ClientResolver, TrustedProxies
from cerulean.provisioning import claim_registry, provision_first_start
from cerulean.registry.service import RegistryService
from cerulean.server import Metrics, build_admin_app, build_app
from cerulean.server.idp import ManagedIdentityApp
from cerulean.server.issuers import HttpIssuerKeys
from cerulean.server.network import NetworkControls
from cerulean.storage import FilesystemBlobStore

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.types import ASGIApp

    from cerulean.registry.interfaces import BlobStore
    from cerulean.settings import Settings

__all__ = ["Directory", "Node", "acr_login_server_suffix", "build_node", "open_directory"]

_JANITOR_PERIOD: Final = 600.0
_KEY_RELOAD_PERIOD: Final = 60.0
_REFRESH_TOKEN_LIFETIME: Final = dt.timedelta(hours=3)  # ACR's, for tokens from /oauth2/exchange
_log = structlog.get_logger("cerulean")


@dataclass
class Node:
    """One running Cerulean node's parts."""

    settings: Settings
    database: Database
    registry: RegistryService
    metrics: Metrics
    app: ASGIApp
    admin_app: ASGIApp
    identity_app: ASGIApp
    identity: IdentityProvider
    registry_auth: RegistryAuth
    registry_keys: KeyRing
    audit: AuditRecorder
    audit_log: SqlAuditLog
    identity_state: SqlDirectoryStore  # sign-ins and device codes
    clock: Clock
    bootstrap_record: dict[str, str] | None
    issuer_keys: HttpIssuerKeys
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def start_background(self) -> None:
        """Start periodic housekeeping (expired upload sessions, signing keys rotated elsewhere)."""
        self._tasks.append(asyncio.create_task(self._janitor(), name="cerulean-janitor"))
        self._tasks.append(asyncio.create_task(self._key_watch(), name="cerulean-keys"))
        self.identity.recorder.start()
        self.audit.start()

    async def _key_watch(self) -> None:
        while True:
            await asyncio.sleep(_KEY_RELOAD_PERIOD)
            try:
                await self.identity.keys.reload()
                await self.registry_keys.reload()
            except Exception:  # noqa: BLE001 - housekeeping must outlive any one failure
                _log.exception("signing key reload failed")

    async def _janitor(self) -> None:
        while True:
            try:
                await self.housekeeping()
            except Exception:  # noqa: BLE001 - housekeeping must outlive any one failure
                _log.exception("janitor failed")
            await asyncio.sleep(_JANITOR_PERIOD)

    async def housekeeping(self) -> dict[str, int]:
        """Purge expired uploads and device codes, and log records past the retention period."""
        now = self.clock.now()
        purged = {
            "uploads": await self.registry.uploads.purge_expired(
                now - dt.timedelta(hours=self.settings.upload_expiry_hours)
            ),
            # A day after expiry: until then a poll still hears `expired_token`, not an unknown code.
            "device codes": await self.identity_state.purge_device_codes(now - dt.timedelta(days=1)),
        }
        if days := self.settings.log_retention_days:
            cutoff = now - dt.timedelta(days=days)
            purged["audit records"] = await self.audit_log.purge_audit_events(cutoff)
            purged["sign-in records"] = await self.identity_state.purge_sign_ins(cutoff)
        for what, count in purged.items():
            if count:
                _log.info("purged", what=what, count=count)
        return purged

    async def close(self) -> None:
        """Stop background work and release the database."""
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.identity.recorder.stop()
        await self.audit.stop()
        await self.issuer_keys.close()
        await self.database.dispose()


async def build_node(
    settings: Settings,
    *,
    login_server: str,
    tls: bool,
    clock: Clock | None = None,
    blobs: BlobStore | None = None,
    ca_bundle: Path | None = None,
) -> Node:
    """Create the database schema if needed, provision a first start, and wire every component."""
    clock = clock or SystemClock()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.effective_database_url)
    await migrate(database)
    resources = SqlResourceStore(database)
    issuer_keys = HttpIssuerKeys(settings.federation_jwks, settings.federation_ca_bundle)
    authority = f"{'https' if tls else 'http'}://{login_server}"
    kek = KeyEncryptionKey.load_or_create(settings.effective_key_encryption_key_file)
    identity = await _identity(settings, database, clock, authority, issuer_keys, kek)
    record = await provision_first_start(
        identity=identity,
        resources=resources,
        clock=clock,
        data_dir=settings.data_dir,
        registry_name=settings.registry_name,
        login_server=login_server,
        ca_bundle=ca_bundle,
        resource_manager=authority,
    )
    served, previous = await claim_registry(resources, settings.registry_name, login_server)
    if previous != login_server:
        # Nodes of one registry must agree on its login server (their tokens are minted for it).
        _log.info("registry login server recorded", registry=served.name, was=previous, now=login_server)
    registry = RegistryService(
        blobs or FilesystemBlobStore(settings.data_dir / "storage"),
        SqlMetadataStore(database, served.name),
        clock,
        cache_ttl=settings.cache_ttl_seconds,
        max_manifest_bytes=settings.max_manifest_bytes,
    )
    registry_keys = await open_registry_keys(settings, database, clock, kek)
    credentials = SqlCredentialStore(database)
    audit_log = SqlAuditLog(database)
    audit = AuditRecorder(audit_log)
    policy = PolicyCache(
        resources, credentials, SqlDirectoryStore(database), ttl=settings.policy_cache_seconds
    )
    metadata = SqlMetadataStore(database, served.name)
    private_endpoint_store = SqlPrivateEndpointStore(database)
    management = ResourceManager(
        policy=policy,
        provider=identity,
        resources=resources,
        credentials=credentials,
        administration=RegistryAdministration(resources, credentials, kek, SecretHasher(), clock),
        clock=clock,
        served_registry=served.name,
        login_server_for=functools.partial(_login_server_for, login_server),
        storage_used=metadata.stored_bytes,
        private_endpoints=private_endpoint_store,
        trusted_services=settings.trusted_services,
    )
    registry_auth = RegistryAuth(
        registry_name=served.name,
        login_server=login_server,
        policy=policy,
        tokens=RegistryTokens(
            registry_keys,
            clock,
            login_server,
            access_lifetime=dt.timedelta(minutes=settings.access_token_minutes),
            refresh_lifetime=_REFRESH_TOKEN_LIFETIME,
        ),
        identity=identity,
        secrets=ProvenSecrets(SecretHasher()),
        kek=kek,
        admin_passwords=credentials,
        audit=audit,
        clock=clock,
    )
    network = NetworkControls(
        registry_name=served.name,
        policy=policy,
        endpoints=private_endpoint_store,
        resolver=ClientResolver(TrustedProxies(settings.trusted_proxies), settings.forwarded_header),
        trusted_services=frozenset(settings.trusted_services),
    )
    metrics = Metrics()
    app = build_app(
        registry,
        metrics,
        login_server=login_server,
        tls=tls,
        access_log=settings.access_log,
        identity=identity,
        registry_auth=registry_auth,
        audit=audit,
        clock=clock,
        management=management,
        acr_suffix=acr_login_server_suffix(settings.registry_name, login_server),
        network=network,
    )
    return Node(
        settings=settings,
        database=database,
        registry=registry,
        metrics=metrics,
        app=app,
        admin_app=build_admin_app(metrics),
        identity_app=ManagedIdentityApp(identity.managed),
        identity=identity,
        registry_auth=registry_auth,
        registry_keys=registry_keys,
        audit=audit,
        audit_log=audit_log,
        identity_state=SqlDirectoryStore(database),
        clock=clock,
        bootstrap_record=record,
        issuer_keys=issuer_keys,
    )


@dataclass
class Directory:
    """The identity provider without a server, for the `cerulean ad` commands."""

    identity: IdentityProvider
    resources: SqlResourceStore
    database: Database
    issuer_keys: HttpIssuerKeys

    async def close(self) -> None:
        """Release the database and the HTTP client."""
        await self.issuer_keys.close()
        await self.database.dispose()


async def open_registry_keys(
    settings: Settings, database: Database, clock: Clock | None = None, kek: KeyEncryptionKey | None = None
) -> KeyRing:
    """The ring of keys registry tokens are signed with (its first key created on an empty store)."""
    ring = KeyRing(
        RegistrySigningKeyStore(database),
        kek or KeyEncryptionKey.load_or_create(settings.effective_key_encryption_key_file),
        clock or SystemClock(),
        "ES256",
        retired_key_lifetime=_REFRESH_TOKEN_LIFETIME + dt.timedelta(days=1),  # the longest token's life
    )
    await ring.load()
    return ring


async def open_directory(settings: Settings, clock: Clock | None = None) -> Directory:
    """Open the data directory's database and identity provider (migrating it if needed)."""
    clock = clock or SystemClock()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    database = Database(settings.effective_database_url)
    await migrate(database)
    issuer_keys = HttpIssuerKeys(settings.federation_jwks, settings.federation_ca_bundle)
    kek = KeyEncryptionKey.load_or_create(settings.effective_key_encryption_key_file)
    identity = await _identity(settings, database, clock, f"https://{settings.listen}", issuer_keys, kek)
    return Directory(identity, SqlResourceStore(database), database, issuer_keys)


async def _identity(  # noqa: PLR0917 - the composition root's one private helper
    settings: Settings,
    database: Database,
    clock: Clock,
    authority: str,
    issuer_keys: HttpIssuerKeys,
    kek: KeyEncryptionKey,
) -> IdentityProvider:
    store = SqlDirectoryStore(database)
    return await IdentityProvider.build(
        authority=authority,
        store=store,
        signing_keys=store,
        device_codes=store,
        sign_in_log=store,
        kek=kek,
        federation=issuer_keys,
        clock=clock,
        trusted_issuers=tuple(
            TrustedIssuer(t.issuer, t.tenant_id, t.audiences) for t in settings.trusted_issuers
        ),
        device_code_interval=settings.device_code_interval,
        throttle_limits=ThrottleLimits(
            per_client=settings.signin_failures_per_client, per_address=settings.signin_failures_per_address
        ),
    )


def acr_login_server_suffix(registry_name: str, login_server: str) -> str:
    """The cloud's `suffixes.acrLoginServer`: `<registry name><suffix>` is that registry's login server.

    `az acr login -n NAME` falls back to `NAME<suffix>` when ARM does not show it the registry (an
    AcrPull-only caller lacks registries/read). For the served registry that must be its login server
    ("cerulean" at "cerulean.example.com" -> ".example.com", "localhost" at "localhost:5000" -> ":5000");
    any other name gets the login server `_login_server_for` gives registries created through ARM.
    """
    name = registry_name.lower()
    if login_server.lower().startswith((f"{name}.", f"{name}:")):
        return login_server[len(name) :]
    return _login_server_for(login_server, name)[len(name) :]


def _login_server_for(served: str, name: str) -> str:
    """A new registry's login server: a name under this deployment's host (`*.localhost` for an address)."""
    parts = urllib.parse.urlsplit(f"//{served}")
    host = parts.hostname or "localhost"
    try:
        ipaddress.ip_address(host)
        host = "localhost"
    except ValueError:
        pass
    return f"{name.lower()}.{host}" + (f":{parts.port}" if parts.port else "")
