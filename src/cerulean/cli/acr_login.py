"""`cerulean acr login`: an Entra token exchanged for the registry's refresh token, as ``az acr login``.

The login server's unauthenticated ``GET /v2/`` names the token service (the challenge's ``realm`` and
``service``); the caller's token for ``https://containerregistry.azure.net`` is exchanged there at
``POST /oauth2/exchange``. The refresh token is then printed (``--expose-token``) or stored with the
null-GUID username in the containers auth file (``$REGISTRY_AUTH_FILE``, else
``~/.docker/config.json``), where docker, podman and skopeo find it.
"""

# ruff: noqa: PLR0917, FBT002 - one parameter per flag (flags default to False), as typer wants
from __future__ import annotations

import base64
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final
from urllib.parse import urlsplit

import typer

from cerulean.cli.common import (
    DataDirOption,
    OutputOption,
    ResourceGroupOption,
    ServerOption,
    SubscriptionOption,
    fail,
    registry_path,
    session,
)
from cerulean.cli.endpoints import REGISTRY_SCOPE
from cerulean.cli.output import Column, OutputFormat, emit, field

if TYPE_CHECKING:
    from cerulean.cli.arm_client import ApiClient

__all__ = ["NULL_GUID", "auth_file_path", "login", "store_credentials"]

NULL_GUID: Final = "00000000-0000-0000-0000-000000000000"  # ACR's username for a refresh token
_PARAM: Final = re.compile(r'(\w+)="([^"]*)"')
_COLUMNS: Final[list[Column]] = [
    ("LOGIN SERVER", field("loginServer")),
    ("USERNAME", field("username")),
    ("ACCESS TOKEN", field("accessToken")),
]


def auth_file_path() -> Path:
    """Where the credentials go: ``$REGISTRY_AUTH_FILE``, else docker's config file."""
    named = os.environ.get("REGISTRY_AUTH_FILE")
    return Path(named) if named else Path.home() / ".docker" / "config.json"


def store_credentials(path: Path, login_server: str, username: str, password: str) -> dict[str, Any]:
    """Set ``auths[login_server]`` in the auth file, keeping every other entry; mode 0600, atomic."""
    config: dict[str, Any] = {}
    if path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError) as exc:
            raise fail("AuthFileUnreadable", f"{path}: not a readable JSON file") from exc
        if not isinstance(loaded, dict) or not isinstance(loaded.get("auths", {}), dict):
            raise fail("AuthFileUnreadable", f"{path}: not a containers auth file")
        config = loaded
    auth = base64.b64encode(f"{username}:{password}".encode()).decode()
    # The whole entry is replaced: a stale identitytoken beside it would win over the new password.
    config.setdefault("auths", {})[login_server] = {"auth": auth}
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            out.write(json.dumps(config, indent=2) + "\n")
            out.flush()
            os.fsync(out.fileno())
        temporary.chmod(0o600)
        temporary.replace(path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise fail("AuthFileUnwritable", f"{path}: {exc.strerror or exc}") from exc
    return config


def _challenge(client: ApiClient, login_server: str) -> tuple[str, str]:
    """The token service's base URL and its ``service`` name, from the login server's challenge."""
    scheme = urlsplit(client.profile.resource_manager).scheme or "https"
    response = client.send("GET", f"{scheme}://{login_server}/v2/")
    if response.status_code == 403:  # noqa: PLR2004 - the network rules refused this client
        raise fail(
            "CONNECTIVITY_FORBIDDEN_ERROR",
            f"the login server {login_server} refused this client; see the registry's network rules",
        )
    header = response.headers.get("WWW-Authenticate", "")
    params = dict(_PARAM.findall(header))
    if not header.lower().startswith("bearer") or "realm" not in params:
        raise fail(
            "CONNECTIVITY_CHALLENGE_ERROR",
            f"the login server {login_server} answered {response.status_code} without a bearer challenge",
        )
    realm = urlsplit(params["realm"])
    trusted = {login_server.lower(), urlsplit(client.profile.resource_manager).netloc.lower()}
    if realm.scheme not in {"https", scheme} or realm.netloc.lower() not in trusted:
        # The Entra token is sent to the realm: only to the registry's own server.
        raise fail(
            "CONNECTIVITY_CHALLENGE_ERROR",
            f"the login server {login_server} names a foreign realm {params['realm']!r}",
        )
    return f"{realm.scheme}://{realm.netloc}", params.get("service", login_server)


def _refresh_token(client: ApiClient, login_server: str) -> str:
    from cerulean.cli.arm_client import error_of  # noqa: PLC0415 - keeps `cerulean --help` fast

    base, service = _challenge(client, login_server)
    response = client.send(
        "POST",
        f"{base}/oauth2/exchange",
        data={
            "grant_type": "access_token",
            "service": service,
            "tenant": client.profile.tenant_id,
            "access_token": client.token(REGISTRY_SCOPE),
        },
    )
    if response.status_code >= 400:  # noqa: PLR2004 - any error status
        raise error_of(response)
    refresh = response.json().get("refresh_token") if response.content else None
    if not refresh:
        raise fail("InvalidExchangeResponse", "the login server answered without a refresh_token")
    return str(refresh)


def login(
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="Registry [default: the bootstrap record's]")
    ] = None,
    resource_group: ResourceGroupOption = None,
    expose_token: Annotated[
        bool, typer.Option("--expose-token", "-t", help="Print the token instead of storing it.")
    ] = False,
    output: OutputOption = OutputFormat.TABLE,
    data_dir: DataDirOption = None,
    server: ServerOption = None,
    subscription: SubscriptionOption = None,
) -> None:
    """Log in to a registry with the caller's Entra identity."""
    with session(data_dir, server, subscription) as client:
        registry = client.arm("GET", registry_path(client, resource_group, name))
        login_server = str(registry.get("properties", {}).get("loginServer") or "")
        if not login_server:
            raise fail("LoginServerUnknown", f"the registry {registry.get('name')!r} has no login server")
        refresh = _refresh_token(client, login_server)
        if expose_token:
            typer.echo(
                "The token below is a refresh token; log in with: docker login "
                f"{login_server} -u {NULL_GUID} -p <accessToken>",
                err=True,
            )
            shown = {"loginServer": login_server, "username": NULL_GUID, "accessToken": refresh,
                     "refreshToken": refresh}  # fmt: skip
            emit(shown, output, _COLUMNS)
            return
        path = auth_file_path()
        config = store_credentials(path, login_server, NULL_GUID, refresh)
        if config.get("credsStore") or login_server in (config.get("credHelpers") or {}):
            typer.echo(f"warning: {path} names a credential helper, which docker may ask first", err=True)
        if output is OutputFormat.JSON:
            emit({"loginServer": login_server, "username": NULL_GUID, "authFile": str(path)}, output)
        else:
            typer.echo("Login Succeeded")
