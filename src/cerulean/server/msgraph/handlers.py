"""One function per Graph route: parse, call the directory, shape the answer."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from starlette.responses import Response

from cerulean.identity.directory import DEFAULT_SECRET_LIFETIME
from cerulean.identity.errors import (
    DirectoryConflictError,
    IdentityError,
    InvalidKeyCredentialError,
    NoBackingApplicationError,
)
from cerulean.server.bodies import json_response
from cerulean.server.msgraph.application_bodies import (
    bad_key_credentials,
    check_patch_properties,
    key_credentials,
)
from cerulean.server.msgraph.errors import GraphError
from cerulean.server.msgraph.filters import Filter, parse_filter
from cerulean.server.msgraph.shapes import (
    application_json,
    federated_json,
    group_json,
    organization_json,
    secret_json,
    service_principal_json,
    sign_in_json,
    user_json,
)

if TYPE_CHECKING:
    from starlette.requests import Request

    from cerulean.identity.models import Application, Group, User
    from cerulean.identity.provider import IdentityProvider
    from cerulean.server.msgraph.app import Caller

__all__ = ["Call"]

_GRAPH: Final = "https://graph.microsoft.com/v1.0"
_OBJECT_REF: Final = re.compile(
    r".*/(?:directoryObjects|users|groups|servicePrincipals)/(?P<id>[0-9a-fA-F-]{36})"
)
_MAX_TOP: Final = 999


@dataclass(frozen=True, slots=True)
class Call:
    """Everything a handler needs."""

    identity: IdentityProvider
    caller: Caller
    match: re.Match[str]
    request: Request
    body: dict[str, Any]
    now: dt.datetime

    @property
    def object_id(self) -> str:
        """The `{id}` path segment."""
        return self.match["id"]


def _json(body: object, status: int = 200) -> Response:
    return json_response(body, status=status, media_type="application/json")


def _collection(entity: str, items: list[dict[str, Any]]) -> Response:
    return _json({"@odata.context": f"{_GRAPH}/$metadata#{entity}", "value": items})


def _text(body: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise GraphError.bad_request(f"Invalid value specified for property '{name}' of resource.")
    return value


def _filter(call: Call, allowed: frozenset[str]) -> Filter | None:
    return parse_filter(call.request.query_params.get("$filter"), allowed)


def _matches(item: dict[str, Any], found: Filter | None) -> bool:
    if found is None:
        return True
    value = item.get(found.property)
    wanted = found.value.lower()
    if found.collection:
        return isinstance(value, list) and wanted in (str(v).lower() for v in value)
    if found.prefix:
        return isinstance(value, str) and value.lower().startswith(wanted)
    return isinstance(value, str) and value.lower() == wanted


# -- organization and users ---------------------------------------------------------------------------


async def organization(call: Call) -> Response:
    """The caller's tenant."""
    tenant = await call.identity.store.get_tenant(call.caller.tenant_id)
    return _collection("organization", [] if tenant is None else [organization_json(tenant)])


async def list_users(call: Call) -> Response:
    """Users, optionally filtered."""
    found = _filter(call, frozenset({"userPrincipalName", "displayName", "id"}))
    users = [user_json(u) for u in await call.identity.store.list_users(call.caller.tenant_id)]
    return _collection("users", [u for u in users if _matches(u, found)])


async def _user(call: Call) -> User:
    key = call.object_id
    store = call.identity.store
    user = await store.user_by_name(call.caller.tenant_id, key) if "@" in key else await store.get_user(key)
    if user is None or user.tenant_id != call.caller.tenant_id:
        raise GraphError.not_found(key)
    return user


async def get_user(call: Call) -> Response:
    """One user by id or UPN."""
    return _json(user_json(await _user(call)))


def _password(body: dict[str, Any]) -> str:
    profile = body.get("passwordProfile")
    if not isinstance(profile, dict) or not isinstance(profile.get("password"), str):
        raise GraphError.bad_request(
            "Invalid value specified for property 'passwordProfile' of resource 'User'."
        )
    return str(profile["password"])


async def create_user(call: Call) -> Response:
    """A new user (201)."""
    body = call.body
    enabled = body.get("accountEnabled", True)
    if not isinstance(enabled, bool):
        raise GraphError.bad_request(
            "Invalid value specified for property 'accountEnabled' of resource 'User'."
        )
    user = await call.identity.directory.create_user(
        call.caller.tenant_id,
        _text(body, "userPrincipalName"),
        _text(body, "displayName"),
        _password(body),
        enabled=enabled,
    )
    return _json(user_json(user), 201)


async def update_user(call: Call) -> Response:
    """Change a user's display name, enabled switch or password (204)."""
    user = await _user(call)
    body = call.body
    enabled = body.get("accountEnabled")
    if enabled is not None and not isinstance(enabled, bool):
        raise GraphError.bad_request(
            "Invalid value specified for property 'accountEnabled' of resource 'User'."
        )
    display_name = _text(body, "displayName", required=False) or None
    password = _password(body) if "passwordProfile" in body else None
    await call.identity.directory.update_user(
        user.id, display_name=display_name, enabled=enabled, password=password
    )
    return Response(status_code=204)


# -- groups ---------------------------------------------------------------------------------------------


async def list_groups(call: Call) -> Response:
    """Groups, optionally filtered."""
    found = _filter(call, frozenset({"displayName", "id"}))
    groups = [group_json(g) for g in await call.identity.store.list_groups(call.caller.tenant_id)]
    return _collection("groups", [g for g in groups if _matches(g, found)])


async def _group(call: Call) -> Group:
    group = await call.identity.store.get_group(call.object_id)
    if group is None or group.tenant_id != call.caller.tenant_id:
        raise GraphError.not_found(call.object_id)
    return group


async def get_group(call: Call) -> Response:
    """One group."""
    return _json(group_json(await _group(call)))


async def create_group(call: Call) -> Response:
    """A new security group (201)."""
    group = await call.identity.directory.create_group(
        call.caller.tenant_id,
        _text(call.body, "displayName"),
        _text(call.body, "description", required=False),
    )
    return _json(group_json(group), 201)


async def _directory_object(call: Call, object_id: str) -> dict[str, Any] | None:
    store = call.identity.store
    user = await store.get_user(object_id)
    if user is not None and user.tenant_id == call.caller.tenant_id:
        return user_json(user)
    group = await store.get_group(object_id)
    if group is not None and group.tenant_id == call.caller.tenant_id:
        return group_json(group)
    principal = await store.get_service_principal(object_id)
    if principal is not None and principal.tenant_id == call.caller.tenant_id:
        return service_principal_json(principal)
    return None


async def list_members(call: Call) -> Response:
    """A group's direct members."""
    group = await _group(call)
    members = []
    for member_id in await call.identity.store.members_of(group.id):
        found = await _directory_object(call, member_id)
        if found is not None:
            members.append(found)
    return _collection("directoryObjects", members)


async def add_member(call: Call) -> Response:
    """Add a member by `@odata.id` reference (204)."""
    group = await _group(call)
    match = _OBJECT_REF.fullmatch(_text(call.body, "@odata.id"))
    if match is None:
        raise GraphError.bad_request("Invalid URL format specified in @odata.id.")
    member_id = match["id"].lower()
    if await _directory_object(call, member_id) is None:
        raise GraphError.not_found(member_id)
    if member_id in await call.identity.store.members_of(group.id):
        raise GraphError.bad_request(
            "One or more added object references already exist for the following modified properties: "
            "'members'."
        )
    await call.identity.store.add_member(group.id, member_id)
    return Response(status_code=204)


async def remove_member(call: Call) -> Response:
    """Remove a member (204)."""
    group = await _group(call)
    if not await call.identity.store.remove_member(group.id, call.match["member"]):
        raise GraphError.not_found(call.match["member"])
    return Response(status_code=204)


# -- applications and service principals ----------------------------------------------------------------


async def _application_json(
    call: Call, application: Application, *, with_keys: bool = False
) -> dict[str, Any]:
    store = call.identity.store
    return application_json(
        application,
        await store.secrets_of(application.id),
        await store.certificates_of(application.id),
        with_keys=with_keys,
    )


async def list_applications(call: Call) -> Response:
    """Applications, optionally filtered."""
    found = _filter(call, frozenset({"appId", "displayName", "id"}))
    items = [
        await _application_json(call, a)
        for a in await call.identity.store.list_applications(call.caller.tenant_id)
    ]
    return _collection("applications", [a for a in items if _matches(a, found)])


async def _application(call: Call) -> Application:
    application = await call.identity.store.get_application(call.object_id)
    if application is None or application.tenant_id != call.caller.tenant_id:
        raise GraphError.not_found(call.object_id)
    return application


async def get_application(call: Call) -> Response:
    """One application by object id; `$select` names the properties, and with keyCredentials their keys."""
    application = await _application(call)
    selected = [p.strip() for p in call.request.query_params.get("$select", "").split(",") if p.strip()]
    shown = await _application_json(call, application, with_keys="keyCredentials" in selected)
    if not selected:
        return _json(shown)
    for name in selected:
        if name not in shown:
            raise GraphError.bad_request(
                f"Could not find a property named '{name[:64]}' on type 'microsoft.graph.application'."
            )
    context = f"{_GRAPH}/$metadata#applications({','.join(selected)})/$entity"
    return _json({"@odata.context": context, **{name: shown[name] for name in selected}})


async def create_application(call: Call) -> Response:
    """A new application (201), without a service principal.

    As in Entra, `POST /servicePrincipals` makes that (`az ad sp create-for-rbac` sends both).
    """
    given_keys = key_credentials(call.body.get("keyCredentials"))
    try:
        application = await call.identity.directory.register_application(
            call.caller.tenant_id, _text(call.body, "displayName"), given_keys
        )
    except InvalidKeyCredentialError as exc:
        raise bad_key_credentials(str(exc)) from exc
    return _json(await _application_json(call, application), 201)


async def update_application(call: Call) -> Response:
    """Change an application (204): only what Cerulean keeps may be given.

    `az ad sp create-for-rbac -n NAME` sends `{"displayName": NAME}` here when NAME already exists, with
    `keyCredentials` when it makes a certificate; `az ad app credential reset --cert` sends those alone.
    As in Graph, `keyCredentials` replaces the whole collection; the client secrets stay as they are.
    Graph refuses a property its type does not have and `passwordCredentials` (only `addPassword` and
    `removePassword` change those); a Graph property Cerulean does not keep is refused as well, since
    answering 204 would tell the client it was set.
    """
    application = await _application(call)
    check_patch_properties(call.body)
    display_name = None
    if "displayName" in call.body:
        display_name = _text(call.body, "displayName")
    given_keys = None
    if "keyCredentials" in call.body:
        given_keys = key_credentials(call.body["keyCredentials"])
    try:
        await call.identity.directory.update_application(
            application.id, display_name=display_name, key_credentials=given_keys
        )
    except InvalidKeyCredentialError as exc:
        raise bad_key_credentials(str(exc)) from exc
    return Response(status_code=204)


async def add_password(call: Call) -> Response:
    """A new client secret: the only answer that carries `secretText`."""
    application = await _application(call)
    given = call.body.get("passwordCredential") or {}
    if not isinstance(given, dict):
        raise GraphError.bad_request("Invalid value specified for property 'passwordCredential'.")
    name = _text(given, "displayName", required=False)
    lifetime = DEFAULT_SECRET_LIFETIME
    if given.get("endDateTime"):
        try:
            end = dt.datetime.fromisoformat(_text(given, "endDateTime"))
        except ValueError as exc:
            raise GraphError.bad_request("Invalid value specified for property 'endDateTime'.") from exc
        if end.tzinfo is None:
            end = end.replace(tzinfo=dt.UTC)
        lifetime = end - call.now
    try:
        new = await call.identity.directory.add_secret(application.id, name, lifetime)
    except IdentityError as exc:
        raise GraphError.bad_request(str(exc)) from exc
    return _json(secret_json(new.credential, new.value))


async def remove_password(call: Call) -> Response:
    """Revoke a client secret (204)."""
    application = await _application(call)
    key_id = _text(call.body, "keyId").lower()
    if not await call.identity.store.remove_secret(application.id, key_id):
        raise GraphError.bad_request(f"No password credential found with keyId '{key_id[:64]}'.")
    return Response(status_code=204)


async def list_federated(call: Call) -> Response:
    """An application's federated identity credentials."""
    application = await _application(call)
    items = [federated_json(c) for c in await call.identity.store.federated_credentials_of(application.id)]
    return _collection("federatedIdentityCredentials", items)


async def add_federated(call: Call) -> Response:
    """A new federated identity credential (201)."""
    application = await _application(call)
    body = call.body
    audiences = body.get("audiences") or []
    if not isinstance(audiences, list) or not all(isinstance(a, str) for a in audiences):
        raise GraphError.bad_request("Invalid value specified for property 'audiences'.")
    added = await call.identity.directory.add_federated_credential(
        application.id,
        _text(body, "name"),
        _text(body, "issuer"),
        _text(body, "subject"),
        audiences,
        description=_text(body, "description", required=False),
    )
    return _json(federated_json(added), 201)


async def list_service_principals(call: Call) -> Response:
    """Service principals, with the `$filter` forms the Azure CLI sends."""
    found = _filter(call, frozenset({"appId", "displayName", "id", "servicePrincipalNames"}))
    items = [
        service_principal_json(p)
        for p in await call.identity.store.list_service_principals(call.caller.tenant_id)
    ]
    return _collection("servicePrincipals", [p for p in items if _matches(p, found)])


async def create_service_principal(call: Call) -> Response:
    """The service principal of one of the tenant's applications (201), with Graph's refusals."""
    app_id = _text(call.body, "appId")
    enabled = call.body.get("accountEnabled", True)
    if not isinstance(enabled, bool):
        raise GraphError.bad_request(
            "Invalid value specified for property 'accountEnabled' of resource 'ServicePrincipal'."
        )
    try:
        principal = await call.identity.directory.create_service_principal(
            call.caller.tenant_id, app_id, enabled=enabled
        )
    except NoBackingApplicationError as exc:
        # az create-for-rbac retries on this wording (" does not reference "): Graph's replication lag.
        message = (
            f"The appId '{app_id[:64]}' of the service principal does not reference a valid "
            "application object."
        )
        raise GraphError(
            400,
            "Request_BadRequest",
            message,
            details=[{"code": "NoBackingApplicationObject", "message": message, "target": "appId"}],
        ) from exc
    except DirectoryConflictError as exc:
        raise GraphError(
            409,
            "Request_MultipleObjectsWithSameKeyValue",
            "The service principal cannot be created, updated, or restored because the service principal "
            f"name {app_id[:64]} is already in use.",
        ) from exc
    return _json(service_principal_json(principal), 201)


async def get_service_principal(call: Call) -> Response:
    """One service principal by object id."""
    principal = await call.identity.store.get_service_principal(call.object_id)
    if principal is None or principal.tenant_id != call.caller.tenant_id:
        raise GraphError.not_found(call.object_id)
    return _json(service_principal_json(principal))


async def sign_ins(call: Call) -> Response:
    """The sign-in log of the caller's tenant, newest first (`$top`, default 100)."""
    top_text = call.request.query_params.get("$top", "100")
    if not top_text.isdigit() or not 1 <= int(top_text) <= _MAX_TOP:
        raise GraphError.bad_request("Invalid page size specified: '$top'.")
    await call.identity.recorder.flush()
    events = await call.identity.sign_in_log.sign_ins(tenant_id=call.caller.tenant_id, limit=int(top_text))
    return _collection("auditLogs/signIns", [sign_in_json(i, e) for i, e in enumerate(events)])
