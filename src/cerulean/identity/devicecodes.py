"""The device authorization grant (RFC 8628): `POST /{tenant}/oauth2/v2.0/devicecode`, then approval.

The client gets a secret `device_code` to poll with and a short `user_code` to show; the user enters the
code on the approval page (signing in with their password) or an operator approves it with
`cerulean ad device approve`. The scope is kept with the code, because the poll does not repeat it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.identity.errors import (
    DirectoryConflictError,
    EntraError,
    InvalidGrantError,
    InvalidRequestError,
)
from cerulean.identity.grants import hash_device_code, require
from cerulean.identity.models import DeviceCode, DeviceCodeStatus
from cerulean.identity.secrets import generate_token
from cerulean.identity.signins import Attempt

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cerulean.core.clock import Clock
    from cerulean.identity.interfaces import DeviceCodeStore, DirectoryReader
    from cerulean.identity.resources import ResourceCatalog
    from cerulean.identity.secrets import ProvenSecrets
    from cerulean.identity.signins import SignInRecorder
    from cerulean.identity.tenants import TenantResolver
    from cerulean.identity.throttle import SignInThrottle

__all__ = ["DEVICE_CODE_LIFETIME", "DeviceAuthorization", "DeviceCodeIssued"]

DEVICE_CODE_LIFETIME: Final = dt.timedelta(minutes=15)
_USER_CODE_ALPHABET: Final = "BCDFGHJKLMNPQRSTVWXZ23456789"  # no vowels (no words), no look-alikes
_USER_CODE_LENGTH: Final = 9
_USER_CODE_ATTEMPTS: Final = 3


@dataclass(frozen=True, slots=True)
class DeviceCodeIssued:
    """The `/devicecode` response fields."""

    device_code: str
    user_code: str
    verification_uri: str
    expires_in: int
    interval: int

    def body(self) -> dict[str, object]:
        """The JSON body, with the `message` the Azure CLI prints verbatim."""
        return {
            "device_code": self.device_code,
            "user_code": self.user_code,
            "verification_uri": self.verification_uri,
            "expires_in": self.expires_in,
            "interval": self.interval,
            "message": (
                f"To sign in, use a web browser to open the page {self.verification_uri} and enter the code "
                f"{self.user_code} to authenticate."
            ),
        }


class DeviceAuthorization:
    """Starts device-code sign-ins and approves them."""

    def __init__(
        self,
        *,
        directory: DirectoryReader,
        store: DeviceCodeStore,
        tenants: TenantResolver,
        resources: ResourceCatalog,
        secrets: ProvenSecrets,
        throttle: SignInThrottle,
        recorder: SignInRecorder,
        clock: Clock,
        verification_uri: str,
        interval_seconds: int = 5,
    ) -> None:
        self._directory = directory
        self._store = store
        self._tenants = tenants
        self._resources = resources
        self._secrets = secrets
        self._throttle = throttle
        self._recorder = recorder
        self._clock = clock
        self.verification_uri = verification_uri
        self._interval = interval_seconds

    async def start(self, tenant_segment: str, form: Mapping[str, str]) -> DeviceCodeIssued:
        """Create a device code for `client_id` and `scope`."""
        tenant = await self._tenants.resolve(tenant_segment)
        client_id = require(form, "client_id").strip().lower()
        requested = self._resources.parse(require(form, "scope"), tenant.id)
        now = self._clock.now()
        for attempt in range(_USER_CODE_ATTEMPTS):
            device_code = generate_token(32)
            user_code = "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(_USER_CODE_LENGTH))
            code = DeviceCode(
                device_code_hash=hash_device_code(device_code),
                user_code=user_code,
                tenant_id=tenant.id,
                client_id=client_id,
                scope=requested.scope_text,
                status=DeviceCodeStatus.PENDING,
                user_id=None,
                expires_at=now + DEVICE_CODE_LIFETIME,
                created_at=now,
            )
            try:
                await self._store.add_device_code(code)
                break
            except DirectoryConflictError:  # a user code already handed out: draw another
                if attempt == _USER_CODE_ATTEMPTS - 1:
                    raise
        return DeviceCodeIssued(
            device_code,
            user_code,
            self.verification_uri,
            int(DEVICE_CODE_LIFETIME.total_seconds()),
            self._interval,
        )

    async def _pending(self, user_code: str) -> DeviceCode:
        code = await self._store.device_code_by_user_code(user_code.strip().upper().replace("-", ""))
        if (
            code is None
            or code.status is not DeviceCodeStatus.PENDING
            or code.expires_at <= self._clock.now()
        ):
            raise InvalidRequestError(70000, "The code you entered is not valid or has expired.")
        return code

    async def approve_with_password(
        self, user_code: str, username: str, password: str, caller_ip: str
    ) -> None:
        """The approval page: the user proves who they are, then the code is theirs."""
        code = await self._pending(user_code)
        attempt = Attempt(
            code.tenant_id, "device_code_approval", caller_ip, "", code.client_id, username, "User"
        )
        try:
            self._throttle.check(username, caller_ip)
            user = await self._directory.user_by_name(code.tenant_id, username.strip())
            if user is None or not await self._secrets.verify(user.password_hash, password):
                self._throttle.failed(username, caller_ip)
                raise InvalidGrantError(
                    50126,
                    "Error validating credentials due to invalid username or password.",
                    reason="bad password",
                )
            if not user.enabled:
                raise InvalidGrantError(50057, "The user account is disabled.", reason="user disabled")
        except EntraError as error:
            await self._recorder.failed(attempt, error.code, error.reason)
            raise
        attempt.identity = user.id
        await self._recorder.succeeded(attempt)
        await self._decide(code, DeviceCodeStatus.APPROVED, user.id)

    async def approve_as(self, user_code: str, user_principal_name: str) -> str:
        """An operator approves on behalf of a user (`cerulean ad device approve`); returns the user id."""
        code = await self._pending(user_code)
        user = await self._directory.user_by_name(code.tenant_id, user_principal_name.strip())
        if user is None or not user.enabled:
            raise InvalidRequestError(
                50034, f"The user account {user_principal_name[:100]!r} does not exist or is disabled."
            )
        await self._decide(code, DeviceCodeStatus.APPROVED, user.id)
        return user.id

    async def decline(self, user_code: str) -> None:
        """The user says it was not them."""
        code = await self._pending(user_code)
        await self._decide(code, DeviceCodeStatus.DECLINED, None)

    async def _decide(self, code: DeviceCode, status: DeviceCodeStatus, user_id: str | None) -> None:
        changed = await self._store.set_device_code_status(
            code.device_code_hash, status, user_id=user_id, expected=DeviceCodeStatus.PENDING
        )
        if not changed:
            raise InvalidRequestError(70000, "The code you entered is not valid or has expired.")
