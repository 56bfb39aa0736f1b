"""The token endpoint, framework-free: `POST /{tenant}/oauth2/v2.0/token` as a method.

One method per grant type: `client_credentials` (a secret, a certificate assertion, or a federated
assertion), `password`, the device code, and `refresh_token`. Each writes a sign-in record, success or
failure; credential failures count towards throttling, which is checked before any credential is.
Extra form fields (`client_info`, `claims`, ...) are ignored, as Entra ignores them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.identity.assertions import (
    ASSERTION_TYPE,
    parse_assertion,
    verify_certificate_assertion,
    verify_federated,
)
from cerulean.identity.errors import (
    DeviceCodeDeclinedError,
    DeviceCodeExpiredError,
    DeviceCodePendingError,
    EntraError,
    InvalidClientError,
    InvalidGrantError,
    InvalidRequestError,
    InvalidScopeError,
    UnauthorizedClientError,
    UnsupportedGrantTypeError,
)
from cerulean.identity.models import DeviceCodeStatus, ServicePrincipalKind
from cerulean.identity.signins import Attempt
from cerulean.identity.tokens import Subject, TokenRejectedError, client_info

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Mapping

    from cerulean.core.clock import Clock
    from cerulean.identity.interfaces import DeviceCodeStore, DirectoryReader, IssuerKeySource
    from cerulean.identity.models import ServicePrincipal, Tenant, User
    from cerulean.identity.resources import RequestedScope, ResourceCatalog
    from cerulean.identity.secrets import ProvenSecrets
    from cerulean.identity.signins import SignInRecorder
    from cerulean.identity.tenants import TenantResolver
    from cerulean.identity.throttle import SignInThrottle
    from cerulean.identity.tokens import TokenIssuer

__all__ = ["DEVICE_CODE_GRANT", "TokenEndpoint", "TokenRequest", "hash_device_code", "require"]

DEVICE_CODE_GRANT: Final = "urn:ietf:params:oauth:grant-type:device_code"
_MAX_FIELD: Final = 16 * 1024


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """A token request as the edge received it."""

    tenant_segment: str
    form: Mapping[str, str]
    caller_ip: str
    correlation_id: str


def require(form: Mapping[str, str], name: str) -> str:
    """A form field that must be present and non-empty; `AADSTS900144` otherwise."""
    value = form.get(name, "")
    if not value:
        raise InvalidRequestError(900144, f"The request body must contain the following parameter: '{name}'.")
    if len(value) > _MAX_FIELD:
        raise InvalidRequestError(9002313, f"Invalid request. The parameter '{name}' is too long.")
    return value


def hash_device_code(device_code: str) -> str:
    """Device codes are random 256-bit bearer values: a SHA-256 identifies them without storing them."""
    return hashlib.sha256(device_code.encode()).hexdigest()


class TokenEndpoint:
    """Issues tokens for one directory."""

    def __init__(
        self,
        *,
        directory: DirectoryReader,
        device_codes: DeviceCodeStore,
        tenants: TenantResolver,
        issuer: TokenIssuer,
        resources: ResourceCatalog,
        secrets: ProvenSecrets,
        throttle: SignInThrottle,
        federation: IssuerKeySource,
        recorder: SignInRecorder,
        clock: Clock,
    ) -> None:
        self._directory = directory
        self._device_codes = device_codes
        self._tenants = tenants
        self._issuer = issuer
        self._resources = resources
        self._secrets = secrets
        self._throttle = throttle
        self._federation = federation
        self._recorder = recorder
        self._clock = clock
        self._grants: dict[str, Callable[[Tenant, TokenRequest, Attempt], Awaitable[dict[str, object]]]] = {
            "client_credentials": self._client_credentials,
            "password": self._password,
            DEVICE_CODE_GRANT: self._device_code,
            "refresh_token": self._refresh_token,
        }

    async def token(self, request: TokenRequest) -> dict[str, object]:
        """The token response body; raises `EntraError` (already recorded) on refusal."""
        tenant = await self._tenants.resolve(request.tenant_segment)
        grant_type = request.form.get("grant_type", "")
        attempt = Attempt(tenant.id, grant_type[:64], request.caller_ip, request.correlation_id)
        attempt.client_id = request.form.get("client_id", "")
        try:
            if not grant_type:
                require(request.form, "grant_type")
            grant = self._grants.get(grant_type)
            if grant is None:
                raise UnsupportedGrantTypeError(
                    70003, f"The app requested an unsupported grant type '{grant_type[:64]}'."
                )
            body = await grant(tenant, request, attempt)
        except EntraError as error:
            await self._recorder.failed(attempt, error.code, error.reason)
            raise
        await self._recorder.succeeded(attempt)
        return body

    # -- client credentials ---------------------------------------------------------------------------

    async def _client_credentials(
        self, tenant: Tenant, request: TokenRequest, attempt: Attempt
    ) -> dict[str, object]:
        form = request.form
        client_id = require(form, "client_id").strip().lower()
        requested = self._resources.parse(require(form, "scope"), tenant.id)
        attempt.resource = requested.resource
        if not all(word.endswith("/.default") for word in requested.scope_text.split() if "://" in word):
            raise InvalidScopeError(
                1002012,
                f"The provided value for scope {requested.scope_text[:200]} is not valid. Client credential "
                "flows must have a scope value with /.default suffixed to the resource identifier "
                "(application ID URI).",
            )
        self._throttle.check(client_id, request.caller_ip)
        try:
            subject = await self._authenticate_client(tenant, client_id, form, attempt)
        except InvalidClientError:
            self._throttle.failed(client_id, request.caller_ip)
            raise
        access = self._issuer.access_token(subject, requested.resource)
        expires_in = access.expires_in(self._clock.now())
        return {
            "token_type": "Bearer",
            "expires_in": expires_in,
            "ext_expires_in": expires_in,
            "access_token": access.value,
        }

    async def _principal(self, tenant: Tenant, client_id: str) -> ServicePrincipal:
        principal = await self._directory.service_principal_by_app_id(tenant.id, client_id)
        if principal is None and await self._directory.application_by_app_id(tenant.id, client_id):
            # Registered through Graph but never given a service principal (`POST /servicePrincipals`).
            raise InvalidClientError(
                7000229,
                f"The client application {client_id[:64]} is missing service principal in the tenant "
                f"{tenant.id}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119",
                reason="no service principal",
            )
        if principal is None:
            raise UnauthorizedClientError(
                700016,
                f"Application with identifier '{client_id[:64]}' was not found in the directory "
                f"'{tenant.id}'. This can happen if the application has not been installed by the "
                "administrator of the tenant or consented to by any user in the tenant. You may have sent "
                "your authentication request to the wrong tenant.",
                reason="unknown client",
            )
        if not principal.enabled:
            raise UnauthorizedClientError(
                7000112,
                f"Application '{client_id}'({principal.display_name}) is disabled.",
                reason="disabled",
            )
        return principal

    async def _authenticate_client(
        self, tenant: Tenant, client_id: str, form: Mapping[str, str], attempt: Attempt
    ) -> Subject:
        principal = await self._principal(tenant, client_id)
        managed = principal.kind is ServicePrincipalKind.MANAGED_IDENTITY
        attempt.identity = principal.id
        attempt.identity_type = "ManagedIdentity" if managed else "ServicePrincipal"
        secret = form.get("client_secret", "")
        assertion_text = form.get("client_assertion", "")
        if secret and assertion_text:
            raise InvalidRequestError(
                9002313, "Invalid request. Send either 'client_secret' or 'client_assertion', not both."
            )
        if secret:
            await self._check_secret(tenant, client_id, secret)
            return self._app_subject(principal, tenant, "1")
        if not assertion_text:
            raise InvalidClientError(
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or "
                "'client_secret'.",
                reason="no credential",
            )
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise InvalidRequestError(
                900144, "The request body must contain the following parameter: 'client_assertion_type'."
            )
        assertion = parse_assertion(assertion_text)
        now = self._clock.now()
        header = assertion.header
        is_certificate = ("x5t" in header or "x5t#S256" in header) and assertion.claims.get(
            "iss"
        ) == client_id
        if is_certificate and principal.kind is ServicePrincipalKind.APPLICATION:
            application = await self._directory.application_by_app_id(tenant.id, client_id)
            certificates = await self._directory.certificates_of(application.id) if application else []
            verify_certificate_assertion(
                assertion,
                client_id=client_id,
                app_id=client_id,
                certificates=certificates,
                token_endpoints=self._token_endpoints(tenant),
                now=now,
            )
            return self._app_subject(principal, tenant, "2")
        owner_id = principal.id
        if principal.kind is ServicePrincipalKind.APPLICATION:
            application = await self._directory.application_by_app_id(tenant.id, client_id)
            owner_id = application.id if application else ""
        credentials = await self._directory.federated_credentials_of(owner_id)
        await verify_federated(assertion, credentials=credentials, keys=self._federation, now=now)
        return await self._subject_for(principal, tenant, "2")

    async def _check_secret(self, tenant: Tenant, client_id: str, secret: str) -> None:
        application = await self._directory.application_by_app_id(tenant.id, client_id)
        stored = await self._directory.secrets_of(application.id) if application else []
        candidates = [s for s in stored if s.hint == secret[:3]]
        now = self._clock.now()
        for credential in sorted(candidates, key=lambda s: not s.is_valid_at(now)):
            if not await self._secrets.verify(credential.secret_hash, secret):
                continue
            if credential.is_valid_at(now):
                return
            raise InvalidClientError(
                7000222,
                f"The provided client secret keys for app '{client_id}' are expired. Visit the Azure "
                "portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using "
                "certificate credentials for added security: https://aka.ms/certCreds.",
                reason="expired secret",
            )
        raise InvalidClientError(
            7000215,
            "Invalid client secret provided. Ensure the secret being sent in the request is the client "
            f"secret value, not the client secret ID, for a secret added to app '{client_id}'.",
            reason="wrong or revoked secret",
        )

    def _token_endpoints(self, tenant: Tenant) -> frozenset[str]:
        base = self._issuer.authority
        names = {tenant.id, tenant.default_domain, "common", "organizations", "adfs"}
        return frozenset(
            f"{base}/{name}/oauth2/{version}token" for name in names for version in ("v2.0/", "")
        )

    def _app_subject(self, principal: ServicePrincipal, tenant: Tenant, method: str) -> Subject:
        return Subject(
            principal.id, tenant.id, "app", principal.app_id, principal.display_name, auth_method=method
        )

    async def _subject_for(self, principal: ServicePrincipal, tenant: Tenant, method: str) -> Subject:
        if principal.kind is ServicePrincipalKind.MANAGED_IDENTITY:
            identity = await self._directory.get_managed_identity(principal.id)
            resource_id = identity.resource_id if identity else ""
            return Subject(
                principal.id, tenant.id, "app", principal.app_id, principal.display_name,
                managed_identity_resource_id=resource_id, auth_method=method,
            )  # fmt: skip
        return self._app_subject(principal, tenant, method)

    # -- user flows -----------------------------------------------------------------------------------

    async def _password(self, tenant: Tenant, request: TokenRequest, attempt: Attempt) -> dict[str, object]:
        form = request.form
        client_id = require(form, "client_id").strip().lower()
        username = require(form, "username").strip()
        password = require(form, "password")
        requested = self._resources.parse(require(form, "scope"), tenant.id)
        attempt.resource, attempt.identity, attempt.identity_type = requested.resource, username, "User"
        self._throttle.check(username, request.caller_ip)
        user = await self._directory.user_by_name(tenant.id, username)
        # An unknown user costs the same argon2 work as a wrong password, and gets the same answer.
        stored = user.password_hash if user else _DUMMY_HASH
        if not await self._secrets.verify(stored, password) or user is None:
            self._throttle.failed(username, request.caller_ip)
            raise InvalidGrantError(
                50126,
                "Error validating credentials due to invalid username or password.",
                reason="bad password",
            )
        attempt.identity = user.id
        if not user.enabled:
            raise InvalidGrantError(50057, "The user account is disabled.", reason="user disabled")
        return self._user_tokens(user, tenant, client_id, requested, form)

    async def _device_code(
        self, tenant: Tenant, request: TokenRequest, attempt: Attempt
    ) -> dict[str, object]:
        form = request.form
        client_id = require(form, "client_id").strip().lower()
        code_hash = hash_device_code(require(form, "device_code"))
        code = await self._device_codes.device_code(code_hash)
        if code is None or code.client_id != client_id or code.tenant_id != tenant.id:
            raise InvalidGrantError(
                70000, "The provided value for the input parameter 'device_code' is not valid."
            )
        attempt.resource = code.scope
        if code.expires_at <= self._clock.now():
            raise DeviceCodeExpiredError(70019, "Verification code expired.", reason="device code expired")
        if code.status is DeviceCodeStatus.PENDING:
            raise DeviceCodePendingError(
                70016,
                "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                reason="pending",
            )
        if code.status is DeviceCodeStatus.DECLINED:
            raise DeviceCodeDeclinedError(70000, "The user declined the sign-in.", reason="declined")
        redeemed = (
            code.status is DeviceCodeStatus.APPROVED
            and await self._device_codes.set_device_code_status(
                code_hash, DeviceCodeStatus.REDEEMED, user_id=code.user_id, expected=DeviceCodeStatus.APPROVED
            )
        )
        user = await self._directory.get_user(code.user_id or "") if redeemed else None
        if user is None or not user.enabled:
            raise InvalidGrantError(
                70000,
                "The provided value for the input parameter 'device_code' is not valid.",
                reason="device code already redeemed or user gone",
            )
        attempt.identity, attempt.identity_type = user.id, "User"
        requested = self._resources.parse(code.scope, tenant.id)
        attempt.resource = requested.resource
        return self._user_tokens(user, tenant, client_id, requested, form)

    async def _refresh_token(
        self, tenant: Tenant, request: TokenRequest, attempt: Attempt
    ) -> dict[str, object]:
        form = request.form
        client_id = require(form, "client_id").strip().lower()
        token = require(form, "refresh_token")
        try:
            claims = await self._issuer.verify_refresh_token(token, client_id)
        except TokenRejectedError as exc:
            raise InvalidGrantError(
                9002313,
                "Invalid request. Request is malformed or invalid.",
                reason=f"refresh token: {exc.reason}",
            ) from exc
        if claims.get("tid") != tenant.id:
            raise InvalidGrantError(
                700082, "The refresh token was issued to another tenant.", reason="refresh token tenant"
            )
        user = await self._directory.get_user(str(claims.get("sub", "")))
        if user is None or not user.enabled:
            raise InvalidGrantError(
                700082, "The refresh token has expired or was revoked.", reason="user gone or disabled"
            )
        attempt.identity, attempt.identity_type = user.id, "User"
        requested = self._resources.parse(form.get("scope") or str(claims.get("scope", "")), tenant.id)
        attempt.resource = requested.resource
        return self._user_tokens(user, tenant, client_id, requested, form)

    def _user_tokens(
        self, user: User, tenant: Tenant, client_id: str, requested: RequestedScope, form: Mapping[str, str]
    ) -> dict[str, object]:
        subject = Subject(
            user.id,
            tenant.id,
            "user",
            client_id,
            user.display_name,
            user.user_principal_name,
            auth_method="0",
        )
        access = self._issuer.access_token(subject, requested.resource)
        expires_in = access.expires_in(self._clock.now())
        body: dict[str, object] = {
            "token_type": "Bearer",
            "scope": requested.scope_text,
            "expires_in": expires_in,
            "ext_expires_in": expires_in,
            "access_token": access.value,
            "refresh_token": self._issuer.refresh_token(subject, requested.scope_text).value,
            "id_token": self._issuer.id_token(subject).value,
        }
        if form.get("client_info") == "1":
            body["client_info"] = client_info(subject)
        return body


# Verified against when the user does not exist, so that both answers take as long (a real argon2id hash
# with the default parameters, of a value nobody knows).
_DUMMY_HASH: Final = (
    "$argon2id$v=19$m=65536,t=3,p=1$wEvKphHgjqvXuwLOxDSeYw$FA0irJC6nkFtih4FSwsMrpnmyR9z7arh1VHlFrR54Bo"
)
