"""`cerulean serve` itself: TLS auto on first start, trust instructions once, clean Ctrl-C."""

from __future__ import annotations

import datetime as dt
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from cerulean.audit import AUDIT_VERSION, AuditCategory, AuditEvent, AuditQuery
from cerulean.db import Database, SqlAuditLog
from support.registry_admin import with_database
from support.server import start_server

T = TypeVar("T")


def test_tls_auto_serves_https_trusted_by_the_generated_ca(tmp_path: Path) -> None:
    server = start_server(tmp_path, extra_args=("--tls", "auto"))
    try:
        assert server.url.startswith("https://127.0.0.1:")
        ca = tmp_path / "tls" / "ca.pem"
        context = ssl.create_default_context(cafile=str(ca))
        with httpx.Client(base_url=server.url, verify=context, auth=server.auth) as client:
            response = client.get("/v2/")
        assert response.status_code == 200
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        printed = "\n".join(server.output)
        assert f"export REQUESTS_CA_BUNDLE={ca} SSL_CERT_FILE={ca}" in printed
        assert f"--cert-dir {tmp_path / 'tls' / 'trust'}" in printed
        # An untrusting client is refused: the certificate is not from a public CA.
        with (
            httpx.Client(base_url=server.url) as client,
            pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"),
        ):
            client.get("/v2/")
    finally:
        assert server.stop() == 0
    again = start_server(tmp_path, extra_args=("--tls", "auto"))
    try:
        assert "export REQUESTS_CA_BUNDLE" not in "\n".join(again.output)  # printed once only
    finally:
        assert again.stop() == 0


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    server.process.send_signal(signal.SIGINT)
    assert server.process.wait(20) == 0
    server.stop()
    assert "Cerulean stopped" in "\n".join(server.output)
    assert "Traceback" not in "\n".join(server.output)


def test_invalid_settings_exit_with_a_message(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cerulean",
            "serve",
            "--data-dir",
            str(tmp_path),
            "--listen",
            "nowhere",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "listen" in result.stderr
    assert "Traceback" not in result.stderr


def test_records_past_the_retention_period_are_purged_at_start(tmp_path: Path) -> None:
    """CERULEAN_LOG_RETENTION_DAYS (`log_retention_days`): the janitor's first round runs at start."""
    first = start_server(tmp_path)
    first.stop()
    now = dt.datetime.now(dt.UTC)

    def event(days_ago: int) -> AuditEvent:
        return AuditEvent(
            AUDIT_VERSION, now - dt.timedelta(days=days_ago), AuditCategory.REPOSITORY, "Pull", "r",
            "retention", "User", "t", "127.0.0.1", "ua", f"{days_ago} days ago", "Succeeded", "200",
        )  # fmt: skip

    async def seed(database: Database) -> None:
        await SqlAuditLog(database).record_audit_events([event(45), event(10)])

    async def kept(database: Database) -> list[str]:
        events = await SqlAuditLog(database).audit_events(AuditQuery(identity="retention"))
        return sorted(e.correlation_id for e in events)

    with_database(first.database_url, seed)
    again = start_server(tmp_path, env={"CERULEAN_LOG_RETENTION_DAYS": "30"})
    try:
        deadline = time.monotonic() + 20
        while (left := with_database(again.database_url, kept)) != ["10 days ago"]:
            assert time.monotonic() < deadline, left
            time.sleep(0.2)
    finally:
        again.stop()
    forever = start_server(tmp_path, env={"CERULEAN_LOG_RETENTION_DAYS": "0"})
    try:
        with_database(forever.database_url, seed)
        time.sleep(1)
        assert with_database(forever.database_url, kept) == ["10 days ago", "10 days ago", "45 days ago"]
    finally:
        forever.stop()


@pytest.mark.parametrize(
    ("args", "registry", "suffix"),
    [
        (("--registry", "localhost", "--hostname", "localhost"), "localhost", ":{port}"),
        (
            (),
            "cerulean",
            ".localhost:{port}",
        ),  # served at 127.0.0.1: az's fallback names an ARM-made registry
    ],
)
def test_the_cloud_metadata_suffix_makes_login_servers_of_registry_names(
    tmp_path: Path, args: tuple[str, ...], registry: str, suffix: str
) -> None:
    server = start_server(tmp_path, extra_args=args, admin=False)
    try:
        port = server.url.rsplit(":", 1)[1]
        with httpx.Client(base_url=server.url) as client:
            metadata = client.get("/metadata/endpoints", params={"api-version": "2022-09-01"}).json()
        assert metadata["suffixes"]["acrLoginServer"] == suffix.format(port=port)
        if args:
            assert f"{registry}{metadata['suffixes']['acrLoginServer']}" == server.host
    finally:
        assert server.stop() == 0
