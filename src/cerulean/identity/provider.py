"""The identity provider assembled: one object the HTTP edge, the command line and the first start use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cerulean.identity.devicecodes import DeviceAuthorization
from cerulean.identity.directory import DirectoryService
from cerulean.identity.external import AccessTokenVerifier
from cerulean.identity.grants import TokenEndpoint
from cerulean.identity.keys import KeyRing
from cerulean.identity.managed import ManagedIdentityEndpoint
from cerulean.identity.resources import ResourceCatalog
from cerulean.identity.secrets import ProvenSecrets, SecretHasher
from cerulean.identity.signins import SignInRecorder
from cerulean.identity.tenants import TenantResolver
from cerulean.identity.throttle import SignInThrottle, ThrottleLimits
from cerulean.identity.tokens import TokenIssuer

if TYPE_CHECKING:
    from cerulean.core.clock import Clock
    from cerulean.identity.external import TrustedIssuer
    from cerulean.identity.interfaces import (
        DeviceCodeStore,
        DirectoryStore,
        IssuerKeySource,
        SigningKeyStore,
        SignInLog,
    )
    from cerulean.identity.keys import KeyEncryptionKey
    from cerulean.identity.models import Tenant

__all__ = ["IdentityProvider"]


@dataclass
class IdentityProvider:
    """Every part of the identity provider, built once per node by `IdentityProvider.build`."""

    authority: str
    store: DirectoryStore
    sign_in_log: SignInLog
    keys: KeyRing
    issuer: TokenIssuer
    resources: ResourceCatalog
    tenants: TenantResolver
    directory: DirectoryService
    recorder: SignInRecorder
    tokens: TokenEndpoint
    devices: DeviceAuthorization
    managed: ManagedIdentityEndpoint
    verifier: AccessTokenVerifier

    @classmethod
    async def build(
        cls,
        *,
        authority: str,
        store: DirectoryStore,
        signing_keys: SigningKeyStore,
        device_codes: DeviceCodeStore,
        sign_in_log: SignInLog,
        kek: KeyEncryptionKey,
        federation: IssuerKeySource,
        clock: Clock,
        trusted_issuers: tuple[TrustedIssuer, ...] = (),
        hasher: SecretHasher | None = None,
        throttle_limits: ThrottleLimits | None = None,
        device_code_interval: int = 5,
    ) -> IdentityProvider:
        """Wire the parts and load (or create) the signing keys."""
        authority = authority.rstrip("/")
        keys = KeyRing(signing_keys, kek, clock)
        await keys.load()
        issuer = TokenIssuer(keys, clock, authority)
        resources = ResourceCatalog(authority)
        tenants = TenantResolver(store)
        secrets = ProvenSecrets(hasher or SecretHasher())
        throttle = SignInThrottle(throttle_limits)
        recorder = SignInRecorder(sign_in_log, clock)
        tokens = TokenEndpoint(
            directory=store, device_codes=device_codes, tenants=tenants, issuer=issuer, resources=resources,
            secrets=secrets, throttle=throttle, federation=federation, recorder=recorder, clock=clock,
        )  # fmt: skip
        devices = DeviceAuthorization(
            directory=store, store=device_codes, tenants=tenants, resources=resources, secrets=secrets,
            throttle=throttle, recorder=recorder, clock=clock, verification_uri=f"{authority}/devicelogin",
            interval_seconds=device_code_interval,
        )  # fmt: skip
        managed = ManagedIdentityEndpoint(
            directory=store, issuer=issuer, resources=resources, secrets=secrets, throttle=throttle,
            recorder=recorder, clock=clock,
        )  # fmt: skip
        return cls(
            authority=authority,
            store=store,
            sign_in_log=sign_in_log,
            keys=keys,
            issuer=issuer,
            resources=resources,
            tenants=tenants,
            directory=DirectoryService(store, secrets.hasher, clock),
            recorder=recorder,
            tokens=tokens,
            devices=devices,
            managed=managed,
            verifier=AccessTokenVerifier(issuer, trusted_issuers, federation, clock),
        )

    def openid_configuration(self, tenant: Tenant, segment: str) -> dict[str, object]:
        """The OIDC discovery document; endpoints keep the tenant segment the client used (MSAL reads it)."""
        base = f"{self.authority}/{segment}"
        prefix = f"{base}/oauth2/v2.0"  # also for `adfs`: MSAL posts wherever this says
        return {
            "issuer": self.issuer.issuer(tenant.id),
            "authorization_endpoint": f"{prefix}/authorize",
            "token_endpoint": f"{prefix}/token",
            "device_authorization_endpoint": f"{prefix}/devicecode",
            "end_session_endpoint": f"{prefix}/logout",
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "userinfo_endpoint": f"{self.authority}/oidc/userinfo",
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "grant_types_supported": [
                "client_credentials", "password", "refresh_token",
                "urn:ietf:params:oauth:grant-type:device_code",
            ],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "claims_supported": [
                "sub", "iss", "aud", "exp", "iat", "nbf", "name", "oid", "tid", "preferred_username",
            ],
            "tenant_region_scope": None,
            "cloud_instance_name": "cerulean",
        }  # fmt: skip
