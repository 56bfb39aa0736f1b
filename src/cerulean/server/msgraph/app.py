"""The Graph-shaped API (`/v1.0/...`): the directory, read and changed by its administrators.

Every request carries a bearer token for Graph (`https://graph.microsoft.com` or this server's own
URL, the Azure CLI's Graph resource) from this identity provider. What the caller may do follows from
its directory roles (held directly or through groups): reads need an administrator role or Directory
Readers, changes the administrator role for that kind of object, the sign-in log Global Administrator or
Reports Reader. A caller sees only its own tenant: another tenant's object is "not found".
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Final

import structlog
from starlette.requests import Request
from starlette.responses import Response

from cerulean.identity.directory import DirectoryRoles
from cerulean.identity.errors import DirectoryConflictError, IdentityError
from cerulean.identity.tokens import TokenRejectedError
from cerulean.server.bodies import read_bounded
from cerulean.server.msgraph import handlers
from cerulean.server.msgraph.errors import GraphError, graph_error

if TYPE_CHECKING:
    from starlette.types import Receive, Scope, Send

    from cerulean.core.clock import Clock
    from cerulean.identity.provider import IdentityProvider

__all__ = ["Caller", "GraphApi", "Need"]

_log = structlog.get_logger("cerulean.graph")
_MAX_BODY: Final = 64 * 1024
_CHALLENGE: Final = (
    'Bearer realm="", authorization_uri="", client_id="00000003-0000-0000-c000-000000000000"'  # Graph's own
)
_ADMINS: Final = frozenset(
    {
        DirectoryRoles.GLOBAL_ADMINISTRATOR,
        DirectoryRoles.USER_ADMINISTRATOR,
        DirectoryRoles.GROUPS_ADMINISTRATOR,
        DirectoryRoles.APPLICATION_ADMINISTRATOR,
    }
)


class Need(Enum):
    """What a route requires of the caller's directory roles."""

    READ = frozenset({*_ADMINS, DirectoryRoles.DIRECTORY_READERS})
    WRITE_USERS = frozenset({DirectoryRoles.GLOBAL_ADMINISTRATOR, DirectoryRoles.USER_ADMINISTRATOR})
    WRITE_GROUPS = frozenset(
        {
            DirectoryRoles.GLOBAL_ADMINISTRATOR,
            DirectoryRoles.USER_ADMINISTRATOR,
            DirectoryRoles.GROUPS_ADMINISTRATOR,
        }
    )
    WRITE_APPLICATIONS = frozenset(
        {DirectoryRoles.GLOBAL_ADMINISTRATOR, DirectoryRoles.APPLICATION_ADMINISTRATOR}
    )
    READ_AUDIT = frozenset({DirectoryRoles.GLOBAL_ADMINISTRATOR, DirectoryRoles.REPORTS_READER})


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated caller: its tenant, object id and directory roles."""

    tenant_id: str
    object_id: str
    roles: frozenset[str]


Handler = Callable[["handlers.Call"], Awaitable[Response]]
_ID: Final = r"(?P<id>[^/]{1,256})"
_ROUTES: Final[list[tuple[str, re.Pattern[str], Handler, Need]]] = [
    ("GET", re.compile(r"/v1\.0/organization"), handlers.organization, Need.READ),
    ("GET", re.compile(r"/v1\.0/users"), handlers.list_users, Need.READ),
    ("POST", re.compile(r"/v1\.0/users"), handlers.create_user, Need.WRITE_USERS),
    ("GET", re.compile(rf"/v1\.0/users/{_ID}"), handlers.get_user, Need.READ),
    ("PATCH", re.compile(rf"/v1\.0/users/{_ID}"), handlers.update_user, Need.WRITE_USERS),
    ("GET", re.compile(r"/v1\.0/groups"), handlers.list_groups, Need.READ),
    ("POST", re.compile(r"/v1\.0/groups"), handlers.create_group, Need.WRITE_GROUPS),
    ("GET", re.compile(rf"/v1\.0/groups/{_ID}"), handlers.get_group, Need.READ),
    ("GET", re.compile(rf"/v1\.0/groups/{_ID}/members"), handlers.list_members, Need.READ),
    ("POST", re.compile(rf"/v1\.0/groups/{_ID}/members/\$ref"), handlers.add_member, Need.WRITE_GROUPS),
    (
        "DELETE",
        re.compile(rf"/v1\.0/groups/{_ID}/members/(?P<member>[^/]{{1,64}})/\$ref"),
        handlers.remove_member,
        Need.WRITE_GROUPS,
    ),
    ("GET", re.compile(r"/v1\.0/applications"), handlers.list_applications, Need.READ),
    ("POST", re.compile(r"/v1\.0/applications"), handlers.create_application, Need.WRITE_APPLICATIONS),
    ("GET", re.compile(rf"/v1\.0/applications/{_ID}"), handlers.get_application, Need.READ),
    (
        "PATCH",
        re.compile(rf"/v1\.0/applications/{_ID}"),
        handlers.update_application,
        Need.WRITE_APPLICATIONS,
    ),
    (
        "POST",
        re.compile(rf"/v1\.0/applications/{_ID}/addPassword"),
        handlers.add_password,
        Need.WRITE_APPLICATIONS,
    ),
    (
        "POST",
        re.compile(rf"/v1\.0/applications/{_ID}/removePassword"),
        handlers.remove_password,
        Need.WRITE_APPLICATIONS,
    ),
    (
        "GET",
        re.compile(rf"/v1\.0/applications/{_ID}/federatedIdentityCredentials"),
        handlers.list_federated,
        Need.READ,
    ),
    (
        "POST",
        re.compile(rf"/v1\.0/applications/{_ID}/federatedIdentityCredentials"),
        handlers.add_federated,
        Need.WRITE_APPLICATIONS,
    ),
    ("GET", re.compile(r"/v1\.0/servicePrincipals"), handlers.list_service_principals, Need.READ),
    (
        "POST",
        re.compile(r"/v1\.0/servicePrincipals"),
        handlers.create_service_principal,
        Need.WRITE_APPLICATIONS,
    ),
    ("GET", re.compile(rf"/v1\.0/servicePrincipals/{_ID}"), handlers.get_service_principal, Need.READ),
    ("GET", re.compile(r"/v1\.0/auditLogs/signIns"), handlers.sign_ins, Need.READ_AUDIT),
]


class GraphApi:
    """The ASGI app behind ``/v1.0/``."""

    def __init__(self, identity: IdentityProvider, clock: Clock) -> None:
        self._identity = identity
        self._clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one request."""
        request = Request(scope, receive)
        request_id = scope.get("state", {}).get("correlation_id", "")
        try:
            response = await self._respond(request)
        except GraphError as error:
            response = self._error(error, request)
        except DirectoryConflictError as error:
            response = self._error(GraphError.bad_request(str(error)), request)
        except IdentityError as error:
            response = self._error(GraphError.bad_request(str(error)), request)
        except Exception:  # noqa: BLE001 - the last line of defence: an opaque error, logged in full
            _log.exception("graph request failed", correlation_id=request_id, path=request.url.path)
            response = self._error(
                GraphError(500, "generalException", "An internal error occurred."), request
            )
        await response(scope, receive, send)

    def _error(self, error: GraphError, request: Request) -> Response:
        request_id = request.scope.get("state", {}).get("correlation_id", "")
        return graph_error(error, request_id, request.headers.get("client-request-id", ""), self._clock.now())

    async def _respond(self, request: Request) -> Response:
        path, method = request.url.path.rstrip("/"), request.method
        route = None
        allowed = False
        for route_method, pattern, handler, need in _ROUTES:
            match = pattern.fullmatch(path)
            if match is None:
                continue
            allowed = True
            if route_method == method:
                route = (match, handler, need)
                break
        if route is None:
            if allowed:
                raise GraphError(405, "Request_BadRequest", f"{method} is not supported on this resource.")
            raise GraphError(
                400, "BadRequest", f"Resource not found for the segment '{path.rsplit('/', 1)[-1][:64]}'."
            )
        caller = await self._caller(request)
        match, handler, need = route
        if not caller.roles & need.value:
            raise GraphError.denied()
        body = await _body(request) if method in {"POST", "PATCH"} else {}
        return await handler(handlers.Call(self._identity, caller, match, request, body, self._clock.now()))

    async def _caller(self, request: Request) -> Caller:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        challenge = {"WWW-Authenticate": _CHALLENGE}
        if scheme.lower() != "bearer" or not token:
            raise GraphError(401, "InvalidAuthenticationToken", "Access token is empty.", challenge)
        try:
            verified = await self._identity.verifier.verify(
                token.strip(), self._identity.resources.graph_audiences
            )
        except TokenRejectedError as exc:
            raise GraphError(
                401,
                "InvalidAuthenticationToken",
                f"Access token validation failure ({exc.reason}).",
                challenge,
            ) from exc
        if verified.external:
            raise GraphError.denied()  # another issuer's principals hold no roles in this directory
        store = self._identity.store
        principals = {verified.object_id} | await store.groups_of(verified.object_id)
        return Caller(
            verified.tenant_id, verified.object_id, frozenset(await store.directory_roles_of(principals))
        )


async def _body(request: Request) -> dict[str, Any]:
    raw = await read_bounded(request, _MAX_BODY)
    if raw is None:
        raise GraphError(413, "Request_EntityTooLarge", "The request body is too large.")
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise GraphError.bad_request("Unable to read JSON request payload.") from exc
    if not isinstance(body, dict):
        raise GraphError.bad_request("The request body must be a JSON object.")
    return body
