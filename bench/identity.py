"""Sign-in throughput of the embedded identity provider: `client_credentials` grants per second.

    python -m bench.identity [--seconds 10] [--connections 16] [--workdir /var/tmp]

Starts `cerulean serve` with TLS (its local CA, as users run it) on a fresh data directory, checks that
the bootstrap application's client secret gets a token, then drives `POST /{tenant}/oauth2/v2.0/token`
with wrk (keep-alive connections, the same form each time, as a busy CI fleet of one application does).
Every answer must be 200: wrk's `Non-2xx` count aborts the run. Each request verifies the secret (the
argon2id proof is remembered for a few minutes after the first success), signs an RS256 token and
records a sign-in. The last lines are `name=value`; the target is `client_credentials_per_s` >= 500.
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from bench._registries import CERULEAN_BIN, free_port
from bench._wrk import run_wrk

TARGET = 500.0


def start(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """`cerulean serve` with TLS auto; returns the process and its https URL once it answers."""
    port = free_port()
    log = (data_dir.parent / "server.log").open("wb")
    process = subprocess.Popen(
        [
            str(CERULEAN_BIN),
            "serve",
            "--data-dir",
            str(data_dir),
            "--listen",
            f"127.0.0.1:{port}",
            "--tls",
            "auto",
            "--admin-listen",
            "off",
            "--identity-listen",
            "off",
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"https://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cerulean exited with {process.returncode}; see {log.name}")
        bootstrap = data_dir / "bootstrap.json"
        if bootstrap.exists():
            try:
                ca = json.loads(bootstrap.read_text())["caBundle"]
                if httpx.get(f"{url}/v2/", verify=ca, timeout=2).status_code in {200, 401}:
                    return process, url
            except (httpx.HTTPError, ValueError, KeyError):
                pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("cerulean did not start within 60 s")


def wrk_post(url: str, body: str, seconds: int, connections: int, workdir: Path) -> tuple[float, float]:
    """Requests/s and p99 (ms) of a form POST; refuses non-2xx answers and socket errors."""
    script = workdir / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f"wrk.body = {json.dumps(body)}\n"
    )
    return run_wrk(url, seconds, connections, ["-s", str(script)])


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workdir", type=Path, default=Path("/var/tmp"))
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (`make system-deps` installs it)")
    workdir = Path(tempfile.mkdtemp(prefix="cerulean-bench-identity-", dir=args.workdir))
    process, url = start(workdir / "data")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        record = json.loads((workdir / "data" / "bootstrap.json").read_text())
        token_url = f"{url}/{record['tenantId']}/oauth2/v2.0/token"
        form = {
            "grant_type": "client_credentials",
            "client_id": record["clientId"],
            "client_secret": record["clientSecret"],
            "scope": "https://containerregistry.azure.net/.default",
        }
        check = httpx.post(token_url, data=form, verify=record["caBundle"], timeout=30)
        if check.status_code != 200 or "access_token" not in check.json():
            raise RuntimeError(f"the token endpoint answered {check.status_code}: {check.text[:300]}")
        wrk_post(token_url, urlencode(form), 2, args.connections, workdir)  # warm-up
        rate, p99 = wrk_post(token_url, urlencode(form), args.seconds, args.connections, workdir)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)
        shutil.rmtree(workdir, ignore_errors=True)
    verdict = "met" if rate >= TARGET else "MISSED"
    print(
        f"client_credentials grants over TLS, {args.connections} connections, {args.seconds} s: "
        f"{rate:,.0f}/s, p99 {p99:.1f} ms (target >= {TARGET:.0f}/s: {verdict})\n"
    )
    print(f"client_credentials_per_s={rate:.1f}")
    print(f"client_credentials_p99_ms={p99:.2f}")


if __name__ == "__main__":
    main()
