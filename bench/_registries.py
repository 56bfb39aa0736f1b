"""Starting the registries side by side: Cerulean, Debian's CNCF distribution (docker-registry), and a sink.

Each runs as a subprocess on an ephemeral loopback port with a fresh data directory, and is ready once
`GET /v2/` answers (200, or 401 where authentication is required: Cerulean). Cerulean's admin account is
turned on and its credentials kept in `Registry.auth`.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import httpx

from bench._auth import enable_admin

REPO_ROOT = Path(__file__).resolve().parent.parent

# How Cerulean is started: the one place to adjust when its command line changes. `--cerulean-cmd` overrides
# it per run. Placeholders: {cerulean} (the venv's console script), {data_dir}, {host}, {port}.
CERULEAN_CMD = (
    "{cerulean} serve --data-dir {data_dir} --listen {host}:{port} --tls off --admin-listen off"
    " --identity-listen off --log-level warning --no-access-log"
)
CERULEAN_BIN = REPO_ROOT / ".venv" / "bin" / "cerulean"


@dataclass
class Registry:
    """A running registry process, known by the name its figures carry (`cerulean`, `distribution`)."""

    name: str
    url: str
    process: subprocess.Popen[bytes]
    auth: tuple[str, str] | None = None  # Basic credentials, where the registry needs them

    @property
    def auth_url(self) -> str:
        """`url` with the credentials in it (curl and the transfer client send them as Basic)."""
        if self.auth is None:
            return self.url
        scheme, rest = self.url.split("://", 1)
        return f"{scheme}://{self.auth[0]}:{self.auth[1]}@{rest}"

    def rss_bytes(self) -> int:
        """Resident memory of the server and any children it forked, from /proc."""
        return sum(_rss(pid) for pid in _process_tree(self.process.pid))

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 30 s: a registry left behind would skew the next run."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _process_tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            children = task.read_text().split()
        except OSError:
            continue
        for child in children:
            pids += _process_tree(int(child))
    return pids


def _rss(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # exited between listing and reading
        return 0
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) * 1024 if match else 0


def free_port() -> int:
    """A port the kernel just handed out on 127.0.0.1 (bound to :0, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(
    name: str, url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{name} exited with {process.returncode} before answering:\n{tail}")
        try:
            if httpx.get(f"{url}/v2/", timeout=2).status_code in {200, 401}:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{name} at {url}: GET /v2/ not 200 after {timeout} s (log: {log})")


def _launch(
    name: str, command: list[str], data_dir: Path, port: int, env: dict[str, str] | None = None
) -> Registry:
    """Start `command`, its output in data_dir/server.log (for a post-mortem: see `--keep-workdir`)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    log = data_dir / "server.log"
    with log.open("wb") as handle:
        process = subprocess.Popen(command, stdout=handle, stderr=subprocess.STDOUT, cwd=REPO_ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(name, url, process, log)
    except BaseException:
        Registry(name, url, process).stop()
        raise
    return Registry(name, url, process)


def start_cerulean(data_dir: Path, command: str = CERULEAN_CMD, name: str = "cerulean") -> Registry:
    """`cerulean serve` with plain HTTP and no access log (distribution's is off too)."""
    if "{cerulean}" in command and not CERULEAN_BIN.exists():
        raise RuntimeError(f"{CERULEAN_BIN} is missing: `make venv` installs it")
    port = free_port()
    store = data_dir / "data"
    line = command.format(cerulean=CERULEAN_BIN, data_dir=store, host="127.0.0.1", port=port)
    registry = _launch(name, shlex.split(line), data_dir, port)
    if (store / "registry.db").exists():  # a Cerulean (not `--cerulean-as-distribution`)
        registry.auth = enable_admin(store)
    return registry


def start_distribution(data_dir: Path, name: str = "distribution") -> Registry:
    """Debian's docker-registry (distribution 2.8): filesystem driver, deletes enabled, no cache."""
    binary = shutil.which("docker-registry")
    if binary is None:
        raise RuntimeError("docker-registry is not installed (`make system-deps` installs it)")
    port = free_port()
    config = data_dir / "config.yml"
    data_dir.mkdir(parents=True, exist_ok=True)
    config.write_text(
        "version: 0.1\n"
        "log:\n  level: error\n  accesslog:\n    disabled: true\n"
        f"storage:\n  filesystem:\n    rootdirectory: {data_dir / 'data'}\n  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
    )
    env = {**os.environ, "OTEL_TRACES_EXPORTER": "none"}
    return _launch(name, [binary, "serve", str(config)], data_dir, port, env)


def start_sink(data_dir: Path) -> Registry:
    """The discard server of `bench._sink`, to measure what the push client alone can send."""
    port = free_port()
    return _launch("sink", [sys.executable, "-m", "bench._sink", str(port)], data_dir, port)


class RssSampler:
    """Samples a registry's resident memory every 100 ms in a thread; keeps the peak."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self.baseline = registry.rss_bytes()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def growth(self) -> int:
        return self.peak - self.baseline

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, self._registry.rss_bytes())

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._registry.rss_bytes())
