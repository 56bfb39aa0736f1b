"""Starting the two registries side by side: Cerulean and Debian's CNCF distribution (docker-registry)."""

from __future__ import annotations

import os
import re
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

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Registry:
    """A running registry process."""

    name: str
    url: str
    process: subprocess.Popen[bytes]

    @property
    def host(self) -> str:
        return self.url.split("://", 1)[1]

    def rss_bytes(self) -> int:
        """Resident memory of the server process, from /proc."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        return int(match.group(1)) * 1024 if match else 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the registry exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/v2/", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url}: not ready after {timeout} s")


def start_cerulean(data_dir: Path) -> Registry:
    """`cerulean serve` with plain HTTP, no access log (distribution's is off too)."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cerulean",
            "serve",
            "--data-dir",
            str(data_dir),
            "--listen",
            f"127.0.0.1:{port}",
            "--tls",
            "off",
            "--admin-listen",
            "off",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    _wait_ready(url, process)
    return Registry("cerulean", url, process)


def start_distribution(data_dir: Path) -> Registry:
    """Debian's docker-registry (CNCF distribution 2.8) on the filesystem driver, deletes enabled."""
    binary = shutil.which("docker-registry")
    if binary is None:
        raise RuntimeError("docker-registry is not installed (make bench installs it)")
    port = free_port()
    config = data_dir / "config.yml"
    data_dir.mkdir(parents=True, exist_ok=True)
    config.write_text(
        "version: 0.1\n"
        "log:\n  level: error\n  accesslog:\n    disabled: true\n"
        f"storage:\n  filesystem:\n    rootdirectory: {data_dir / 'data'}\n  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
    )
    process = subprocess.Popen(
        [binary, "serve", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "OTEL_TRACES_EXPORTER": "none"},
    )
    url = f"http://127.0.0.1:{port}"
    _wait_ready(url, process)
    return Registry("distribution", url, process)


class RssSampler:
    """Samples a process's resident memory every 100 ms in a thread; keeps the peak."""

    def __init__(self, registry: Registry) -> None:
        self._registry = registry
        self.baseline = registry.rss_bytes()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

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
