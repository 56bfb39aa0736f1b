"""Running the real Azure CLI (`az`, installed in its own venv by scripts/install-azure-cli) from tests.

Every `az` runs as a subprocess with its own `AZURE_CONFIG_DIR`, the knobs a user sets (instance discovery
and telemetry off, the server's CA trusted), a pre-seeded version check, and a proxy that refuses and records
whatever tries to leave the machine: a leak fails the command that caused it instead of hanging on a connect.
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import select
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from support.server import RunningServer

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
AZ_VENV = Path(os.environ.get("CERULEAN_AZCLI_VENV", REPOSITORY_ROOT / ".venv-azcli"))
AZ_TIMEOUT = 180  # seconds for one `az` command; a hang is a failure, never a stuck CI run
CLOUD = "Cerulean"


class LeakTrap:
    """An HTTP proxy on loopback that answers 403 to everything and remembers what was asked.

    `az` gets it as HTTPS_PROXY/HTTP_PROXY with NO_PROXY for loopback, so only traffic meant for another
    host reaches it: instance discovery, telemetry, the version check.

    `tunnels` ("host:port" -> a loopback port) are the exception: a CONNECT to one of them is passed to
    127.0.0.1, as a proxy that resolves names would. This machine resolves no dotted name to loopback, and
    a login server such as `cerulean.azurecr.test:PORT` must reach the server for `az` to use it.
    """

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.tunnels: dict[str, int] = {}
        trap = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _refuse(self) -> None:
                trap.requests.append(f"{self.command} {self.path}")
                self.send_response(403, "Cerulean test: no traffic leaves this machine")
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()

            def do_CONNECT(self) -> None:
                port = trap.tunnels.get(self.path.lower())
                if port is None:
                    self._refuse()
                    return
                with socket.create_connection(("127.0.0.1", port), timeout=AZ_TIMEOUT) as upstream:
                    self.send_response(200, "Connection established")
                    self.end_headers()
                    _relay(self.connection, upstream)
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _refuse  # noqa: N815

            def log_message(self, *_: object) -> None:
                return

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _relay(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways until either side closes (a CONNECT tunnel)."""
    peers = {client: upstream, upstream: client}
    while True:
        readable, _, _ = select.select(list(peers), [], [], AZ_TIMEOUT)
        if not readable:
            return
        for sock in readable:
            data = sock.recv(65536)
            if not data:
                return
            peers[sock].sendall(data)


@dataclass
class AzResult:
    """One finished `az` command."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)

    @property
    def errors(self) -> str:
        """What az printed as its error (the `ERROR:` lines, without the --debug chatter)."""
        lines = [line for line in self.stderr.splitlines() if line.startswith("ERROR:")]
        return "\n".join(line for line in lines if "az_command_data_logger" not in line)

    @property
    def warnings(self) -> str:
        return "\n".join(line for line in self.stderr.splitlines() if line.startswith("WARNING:"))

    def explain(self) -> str:
        """The command, its exit code and the tail of its --debug log: what a failing assertion shows."""
        return (
            f"az {' '.join(self.args)} -> exit {self.returncode}\n--- stdout ---\n{self.stdout[-4000:]}"
            f"\n--- stderr (--debug) ---\n{self.stderr[-20000:]}"
        )


@dataclass
class Az:
    """Runs `az` with one configuration directory, as one user of one machine would."""

    config_dir: Path
    ca: str
    trap: LeakTrap
    env: dict[str, str] = field(default_factory=dict)  # what this machine adds (e.g. IDENTITY_ENDPOINT)
    history: list[AzResult] = field(default_factory=list)

    def environment(self) -> dict[str, str]:
        return {
            "PATH": f"{AZ_VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "HOME": str(self.config_dir.parent),
            "LANG": "C.UTF-8",
            "AZURE_CONFIG_DIR": str(self.config_dir),
            "AZURE_CORE_INSTANCE_DISCOVERY": "false",
            "AZURE_CORE_COLLECT_TELEMETRY": "false",
            "AZURE_CORE_SURVEY_MESSAGE": "false",
            "AZURE_CORE_NO_COLOR": "true",
            "REQUESTS_CA_BUNDLE": self.ca,
            "SSL_CERT_FILE": self.ca,
            "HTTPS_PROXY": self.trap.url,
            "HTTP_PROXY": self.trap.url,
            "NO_PROXY": "127.0.0.1,localhost",
            **self.env,
        }

    def run(self, *args: str, timeout: float = AZ_TIMEOUT) -> AzResult:
        """Run `az ARGS -o json --debug`; a leak attempt or a timeout fails the test with az's log."""
        before = len(self.trap.requests)
        try:
            done = subprocess.run(
                [str(AZ_VENV / "bin" / "az"), *args, "--output", "json", "--debug"],
                env=self.environment(),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as expired:
            stderr = expired.stderr.decode() if isinstance(expired.stderr, bytes) else expired.stderr or ""
            pytest.fail(f"az {' '.join(args)} did not finish in {timeout} s\n{stderr[-20000:]}")
        result = AzResult(args, done.returncode, done.stdout, done.stderr)
        self.history.append(result)
        leaked = self.trap.requests[before:]
        assert not leaked, f"az tried to leave the machine: {leaked}\n{result.explain()}"
        return result

    def ok(self, *args: str) -> Any:
        """Run a command that must succeed; its JSON output (None when it prints nothing)."""
        result = self.run(*args)
        assert result.returncode == 0, result.explain()
        return result.json() if result.stdout.strip() else None

    def fails(self, *args: str) -> AzResult:
        """Run a command that must fail (az exits non-zero)."""
        result = self.run(*args)
        assert result.returncode != 0, result.explain()
        return result

    def fork(self, config_dir: Path, env: dict[str, str] | None = None) -> Az:
        """Another user (or machine): a copy of this configuration directory (clouds, settings)."""
        shutil.copytree(self.config_dir, config_dir)
        return Az(config_dir, self.ca, self.trap, {**self.env, **(env or {})})


def _azure_cli_version() -> str:
    """The installed azure-cli-core version (for the pre-seeded version check)."""
    found = sorted((AZ_VENV / "lib").glob("python*/site-packages/azure_cli_core-*.dist-info"))
    assert found, f"azure-cli is not installed in {AZ_VENV}: run `make test-azcli`"
    return found[-1].name.removeprefix("azure_cli_core-").removesuffix(".dist-info")


def seed_config_dir(config_dir: Path) -> None:
    """A fresh configuration directory whose version check is already done (it would call out once)."""
    config_dir.mkdir(parents=True)
    version = _azure_cli_version()
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S.%f")  # noqa: DTZ005 - az compares with naive local time
    versions = {"azure-cli": {"local": version}, "core": {"local": version}}
    (config_dir / "versionCheck.json").write_text(json.dumps({"versions": versions, "update_time": now}))


@dataclass
class Cerulean:
    """The server under test and its bootstrap record."""

    server: RunningServer
    record: dict[str, str]
    managed_identity_url: str  # App Service's IDENTITY_ENDPOINT (plain http, as on Azure)

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def ca(self) -> str:
        return self.record["caBundle"]

    @property
    def trust_dir(self) -> Path:
        """The directory skopeo's --cert-dir wants (the CA as a .crt)."""
        return Path(self.ca).parent / "trust"

    @property
    def registry_id(self) -> str:
        r = self.record
        return (
            f"/subscriptions/{r['subscriptionId']}/resourceGroups/{r['resourceGroup']}"
            f"/providers/Microsoft.ContainerRegistry/registries/{r['registryName']}"
        )

    def http(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, verify=ssl.create_default_context(cafile=self.ca), timeout=60, **kwargs
        )
