"""Starting a real `cerulean serve` process on an ephemeral port and stopping it cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

_READY = re.compile(r"Cerulean is serving (https?://\S+?)(?:,|$)")


@dataclass
class RunningServer:
    """A server process, its base URL and what it printed."""

    process: subprocess.Popen[str]
    url: str
    data_dir: Path
    database_url: str = ""
    admin: tuple[str, str] | None = None  # the admin account's username and password, when enabled
    output: deque[str] = field(default_factory=lambda: deque(maxlen=2000))
    reader: threading.Thread | None = None

    @property
    def auth(self) -> tuple[str, str]:
        """Basic credentials for clients (the admin account)."""
        assert self.admin is not None, "start_server(admin=False) has no admin credentials"
        return self.admin

    @property
    def host(self) -> str:
        """``host:port`` (what clients put in image references)."""
        return self.url.split("://", 1)[1]

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM, then wait; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.reader is not None:
            self.reader.join(timeout)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode


def shared_key_file() -> Path:
    """A key-encryption key file shared by every server (and `cerulean ad`) this test process starts."""
    directory = Path(tempfile.gettempdir()) / f"cerulean-test-kek-{os.getpid()}"
    directory.mkdir(mode=0o700, exist_ok=True)
    return directory / "key-encryption.key"


def start_server(
    data_dir: Path,
    *,
    database_url: str | None = None,
    extra_args: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    timeout: float = 60,
    admin: bool = True,
) -> RunningServer:
    """Start `python -m cerulean serve` with plain HTTP on 127.0.0.1:0 and wait until it serves.

    With `admin`, the registry's admin account is enabled and its credentials are in `.admin`.
    Policy changes made from the test process are seen at the server's next token request.
    """
    args = [
        sys.executable,
        "-m",
        "cerulean",
        "serve",
        "--data-dir",
        str(data_dir),
        "--listen",
        "127.0.0.1:0",
        "--admin-listen",
        "off",
        "--tls",
        "off",
        "--log-level",
        "warning",
        "--identity-listen",
        "off",
        *extra_args,
    ]
    if database_url:
        args += ["--database-url", database_url]
    # Servers sharing one database must share the key that encrypts its signing keys.
    shared = {
        "CERULEAN_KEY_ENCRYPTION_KEY_FILE": str(shared_key_file()),
        "CERULEAN_POLICY_CACHE_SECONDS": "0",
    }
    process = subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **shared, **(env or {})},
    )
    assert process.stdout is not None
    output: deque[str] = deque(maxlen=2000)
    ready: list[str] = []
    found = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            match = _READY.search(line)
            if match and not ready:
                ready.append(match.group(1))
                found.set()
        found.set()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    while not found.wait(0.1):
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("server did not start:\n" + "\n".join(output))
    if not ready:
        process.wait(5)
        process.stdout.close()
        raise RuntimeError(f"server exited ({process.returncode}):\n" + "\n".join(output))
    from support import registry_admin  # noqa: PLC0415 - it imports this module

    running = RunningServer(
        process=process,
        url=ready[0],
        data_dir=data_dir,
        database_url=registry_admin.database_url(data_dir, database_url),
        output=output,
        reader=reader,
    )
    if admin:
        running.admin = registry_admin.enable_admin(running.database_url)
    return running
