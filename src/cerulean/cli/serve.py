"""`cerulean serve`: bind the listeners, prepare TLS, build the node, run until Ctrl-C or SIGTERM.

Listeners: the public registry listener, one per configured private endpoint (the same application,
each request tagged with the endpoint it arrived on; TCP or a unix socket), the metrics listener and
the managed identity endpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
import socket
from typing import TYPE_CHECKING

import uvicorn
import uvloop

from cerulean.bootstrap import build_node
from cerulean.cli.http_protocol import CoalescingHttpToolsProtocol
from cerulean.observability import configure_logging
from cerulean.server.network import Listener, ListenerTag
from cerulean.tls import LocalAuthority

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from starlette.types import ASGIApp

    from cerulean.settings import Address, PrivateEndpointSetting, Settings

__all__ = ["serve"]

_HTTPS_PORT = 443
_BACKLOG = 2048


class _Server(uvicorn.Server):
    """uvicorn's server without its own signal handling: `serve` stops both listeners together."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _bind(address: Address) -> socket.socket:
    family = socket.AF_INET6 if ":" in address.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((address.host, address.port))
    sock.listen(_BACKLOG)  # connections queue from now on, even before the server loop runs
    sock.set_inheritable(True)
    return sock


def _bind_unix(path: Path) -> socket.socket:
    if path.is_socket():
        path.unlink()  # left by a previous run; anything else at the path is not ours to remove
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    sock.listen(_BACKLOG)
    sock.set_inheritable(True)
    return sock


def _bind_endpoint(endpoint: PrivateEndpointSetting) -> socket.socket:
    path = endpoint.unix_path
    if path is not None:
        return _bind_unix(path)
    assert endpoint.address is not None  # a TCP listener when not a unix socket
    return _bind(endpoint.address)


def _endpoint_url(endpoint: PrivateEndpointSetting, sock: socket.socket, scheme: str) -> str:
    """How clients reach a private endpoint listener: its `url`, or the address it is bound to."""
    if endpoint.url is not None:
        return endpoint.url
    return f"{scheme}://{_sockname(sock)}"


def _server(app: ASGIApp, *, certfile: str | None = None, keyfile: str | None = None) -> _Server:
    config = uvicorn.Config(
        app,
        http=CoalescingHttpToolsProtocol,
        lifespan="off",
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=False,  # client addresses come from the socket; trusted proxies are ours to decide
        ssl_certfile=certfile,
        ssl_keyfile=keyfile,
        timeout_graceful_shutdown=10,
    )
    return _Server(config)


def _login_server(settings: Settings, port: int) -> str:
    host = settings.hostnames[0] if settings.hostnames else settings.listen_address.host
    shown = f"[{host}]" if ":" in host else host
    return shown if port == _HTTPS_PORT else f"{shown}:{port}"


def _tls(settings: Settings) -> tuple[str | None, str | None, Path | None]:
    """(certificate, key, CA bundle) of the TLS listeners, or Nones for plain HTTP."""
    if settings.tls == "auto":
        names = [*settings.hostnames, settings.listen_address.host]
        names += [e.address.host for e in settings.private_endpoints if e.address is not None]
        files = LocalAuthority(settings.data_dir / "tls").ensure(names)
        if files.ca_created:
            _print_trust_instructions(files.ca_certificate, files.trust_dir)
        return str(files.certificate), str(files.key), files.ca_certificate
    if (given := settings.tls_files) is not None:
        return str(given[0]), str(given[1]), None
    return None, None, None


def serve(settings: Settings) -> None:
    """Run a node in the foreground."""
    configure_logging(settings.log_level, settings.log_format)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        runner.run(_serve(settings))


async def _serve(settings: Settings) -> None:
    main_socket = _bind(settings.listen_address)
    admin_address = settings.admin_address
    admin_socket = None if admin_address is None else _bind(admin_address)
    identity_address = settings.identity_address
    identity_socket = None if identity_address is None else _bind(identity_address)
    endpoint_sockets = [(endpoint, _bind_endpoint(endpoint)) for endpoint in settings.private_endpoints]
    port = main_socket.getsockname()[1]
    login_server = _login_server(settings, port)
    certfile, keyfile, ca_bundle = _tls(settings)
    tls = certfile is not None
    node = await build_node(settings, login_server=login_server, tls=tls, ca_bundle=ca_bundle)
    if node.bootstrap_record is not None:
        _print_bootstrap(node.bootstrap_record, settings.data_dir)
    listeners = [(_server(node.app, certfile=certfile, keyfile=keyfile), main_socket)]
    if admin_socket is not None:
        listeners.append((_server(node.admin_app), admin_socket))
    if identity_socket is not None:
        listeners.append((_server(node.identity_app), identity_socket))
    scheme = "https" if tls else "http"
    endpoint_text = ""
    for endpoint, sock in endpoint_sockets:
        url = _endpoint_url(endpoint, sock, scheme)
        # The same application; the tag says which private endpoint (and which token realm) it is.
        tagged = ListenerTag(node.app, Listener(endpoint.name, f"{url}/oauth2/token"))
        listeners.append((_server(tagged, certfile=certfile, keyfile=keyfile), sock))
        where = f"unix:{endpoint.unix_path}" if endpoint.unix_path is not None else url
        endpoint_text += f", private endpoint {endpoint.name} at {where}"
    servers = [server for server, _ in listeners]
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, _stop, servers)
    node.start_background()
    # Everything built so far lives as long as the process: keep the collector from rescanning it.
    gc.collect()
    gc.freeze()
    tasks = [asyncio.create_task(server.serve(sockets=[sock])) for server, sock in listeners]
    # uvicorn exposes only a `started` flag, no event to wait on.
    while not all(server.started for server in servers) and not any(task.done() for task in tasks):  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    admin_text = "" if admin_socket is None else f", metrics at http://{_sockname(admin_socket)}/metrics"
    if identity_socket is not None:
        admin_text += f", managed identity at http://{_sockname(identity_socket)}/msi/token"
    admin_text += endpoint_text
    print(f"Cerulean is serving {scheme}://{login_server}{admin_text}", flush=True)  # noqa: T201 - the operator's (and tests') signal
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        _stop(servers)
        await asyncio.gather(*tasks)
    finally:
        await node.close()
        for endpoint, _ in endpoint_sockets:
            if endpoint.unix_path is not None:
                endpoint.unix_path.unlink(missing_ok=True)
        print("Cerulean stopped", flush=True)  # noqa: T201 - the operator's signal


def _stop(servers: list[_Server]) -> None:
    for server in servers:
        server.should_exit = True


def _sockname(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _print_trust_instructions(ca: object, trust_dir: object) -> None:
    print(  # noqa: T201 - shown once, to the operator, on purpose
        "\nCerulean created a local certificate authority for its TLS listener:\n"
        f"  {ca}\n"
        "Trust it in this shell (Azure SDKs and CLI, Python requests and aiohttp):\n"
        f"  export REQUESTS_CA_BUNDLE={ca} SSL_CERT_FILE={ca}\n"
        "skopeo / podman / buildah:\n"
        f"  skopeo --cert-dir {trust_dir} ...   (or --src-cert-dir / --dest-cert-dir)\n",
        flush=True,
    )


def _print_bootstrap(record: dict[str, str], data_dir: object) -> None:
    ca = record["caBundle"]
    trust = f"export REQUESTS_CA_BUNDLE={ca} SSL_CERT_FILE={ca}\n" if ca else ""
    print(  # noqa: T201 - shown once, to the operator, on purpose (also kept in bootstrap.json, mode 0600)
        "\nFirst start: a tenant, a subscription, a resource group, registry "
        f"{record['registryName']!r} and an Owner application were created.\n"
        f"Their credentials are in {data_dir}/bootstrap.json (readable by you only). For the Azure SDK:\n"
        f"  export AZURE_TENANT_ID={record['tenantId']} AZURE_CLIENT_ID={record['clientId']}\n"
        f"  export AZURE_CLIENT_SECRET={record['clientSecret']}\n"
        f"  export AZURE_AUTHORITY_HOST={record['authorityHost']}\n"
        f"  export AZURE_SUBSCRIPTION_ID={record['subscriptionId']}\n"
        f"  {trust}"
        "  (pass disable_instance_discovery=True to azure-identity credentials)\n"
        "For the Azure CLI:\n"
        "  export AZURE_CORE_INSTANCE_DISCOVERY=false AZURE_CORE_COLLECT_TELEMETRY=false\n"
        f"  az cloud register -n Cerulean --endpoint-resource-manager {record['resourceManager']}/\n"
        "  az cloud set -n Cerulean\n"
        f'  az login --service-principal -u {record["clientId"]} -p "$AZURE_CLIENT_SECRET" '
        f"--tenant {record['tenantId']}\n",
        flush=True,
    )
