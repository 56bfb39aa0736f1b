"""The managed identity endpoint: a workload proves itself with its endpoint secret.

It then gets a token for one of its identities, the way App Service (`IDENTITY_ENDPOINT` +
`IDENTITY_HEADER`) and IMDS (`/metadata/identity/oauth2/token`, `Metadata: true`) serve them.

The endpoint secret is ``<workload id>.<random>``: the id finds the workload, the whole value is checked
against its argon2id hash. With no selector the system-assigned identity answers; `client_id`,
`object_id`/`principal_id` or `mi_res_id`/`msi_res_id` pick one of the workload's user-assigned ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from cerulean.identity.errors import EntraError, IdentityError
from cerulean.identity.signins import Attempt
from cerulean.identity.tokens import Subject

if TYPE_CHECKING:
    from collections.abc import Mapping

    from cerulean.core.clock import Clock
    from cerulean.identity.interfaces import DirectoryReader
    from cerulean.identity.models import ManagedIdentity, Workload
    from cerulean.identity.resources import ResourceCatalog
    from cerulean.identity.secrets import ProvenSecrets
    from cerulean.identity.signins import SignInRecorder
    from cerulean.identity.throttle import SignInThrottle
    from cerulean.identity.tokens import TokenIssuer

__all__ = ["ManagedIdentityEndpoint", "ManagedIdentityError", "ManagedToken", "split_endpoint_secret"]

_SELECTORS: Final = ("client_id", "clientid", "object_id", "principal_id", "mi_res_id", "msi_res_id")


class ManagedIdentityError(IdentityError):
    """A refused managed-identity request: `status` and the body's `error` / `error_description`."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


@dataclass(frozen=True, slots=True)
class ManagedToken:
    """A token for a managed identity, with what both response flavours need."""

    access_token: str
    expires_on: int
    expires_in: int
    resource: str
    client_id: str


def split_endpoint_secret(secret: str) -> str | None:
    """The workload id inside an endpoint secret, or None if it is not shaped like one."""
    workload_id, dot, rest = secret.partition(".")
    return workload_id if dot and rest and len(workload_id) == 36 else None  # noqa: PLR2004 - a GUID


class ManagedIdentityEndpoint:
    """Issues tokens to registered workloads."""

    def __init__(
        self,
        *,
        directory: DirectoryReader,
        issuer: TokenIssuer,
        resources: ResourceCatalog,
        secrets: ProvenSecrets,
        throttle: SignInThrottle,
        recorder: SignInRecorder,
        clock: Clock,
    ) -> None:
        self._directory = directory
        self._issuer = issuer
        self._resources = resources
        self._secrets = secrets
        self._throttle = throttle
        self._recorder = recorder
        self._clock = clock

    async def token(self, secret: str, query: Mapping[str, str], caller_ip: str) -> ManagedToken:
        """A token for the selected identity of the workload holding `secret`."""
        attempt = Attempt("", "managed_identity", caller_ip, "", identity_type="ManagedIdentity")
        try:
            workload = await self._workload(secret, caller_ip)
            attempt.tenant_id = workload.tenant_id
            identity = await self._select(workload, query)
            attempt.client_id, attempt.identity = identity.client_id, identity.principal_id
            resource = _resource(query)
            try:
                canonical = self._resources.canonical(resource, workload.tenant_id)
            except EntraError as exc:
                raise ManagedIdentityError(400, "invalid_resource", exc.description) from exc
            attempt.resource = canonical
        except ManagedIdentityError as error:
            await self._recorder.failed(attempt, 0, error.description)
            raise
        subject = Subject(
            identity.principal_id, identity.tenant_id, "app", identity.client_id, identity.name,
            managed_identity_resource_id=identity.resource_id, auth_method="2",
        )  # fmt: skip
        issued = self._issuer.access_token(subject, canonical)
        await self._recorder.succeeded(attempt)
        return ManagedToken(
            issued.value,
            int(issued.expires_at.timestamp()),
            issued.expires_in(self._clock.now()),
            canonical,
            identity.client_id,
        )

    async def _workload(self, secret: str, caller_ip: str) -> Workload:
        refused = ManagedIdentityError(401, "invalid_client", "The identity header is not valid.")
        workload_id = split_endpoint_secret(secret)
        if workload_id is None:
            raise refused
        self._throttle.check(f"workload:{workload_id}", caller_ip)
        workload = await self._directory.get_workload(workload_id)
        if workload is None or not await self._secrets.verify(workload.secret_hash, secret):
            self._throttle.failed(f"workload:{workload_id}", caller_ip)
            raise refused
        return workload

    async def _select(self, workload: Workload, query: Mapping[str, str]) -> ManagedIdentity:
        given = {name: query[name].strip().lower() for name in _SELECTORS if query.get(name)}
        if len(given) > 1:
            raise ManagedIdentityError(
                400, "invalid_request", "Only one of client_id, object_id and mi_res_id may be given"
            )
        candidates = [*workload.user_identities]
        if not given:
            if workload.system_identity is None:
                raise ManagedIdentityError(
                    400,
                    "invalid_request",
                    "No system-assigned identity: select a user-assigned one with client_id",
                )
            candidates = [workload.system_identity]
        for principal_id in candidates:
            identity = await self._directory.get_managed_identity(principal_id)
            if identity is None:
                continue
            if not given or _matches(identity, *next(iter(given.items()))):
                return identity
        raise ManagedIdentityError(
            400, "invalid_request", "Identity not found: the workload has no such identity"
        )


def _matches(identity: ManagedIdentity, selector: str, value: str) -> bool:
    if selector in {"client_id", "clientid"}:
        return identity.client_id == value
    if selector in {"object_id", "principal_id"}:
        return identity.principal_id == value
    return identity.resource_id.lower() == value


def _resource(query: Mapping[str, str]) -> str:
    resource = query.get("resource", "")
    if not resource:
        raise ManagedIdentityError(400, "invalid_request", "Required query variable 'resource' is missing")
    return resource
