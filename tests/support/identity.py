"""Helpers for identity tests: the `cerulean ad` command, token claims, a test OIDC issuer."""

from __future__ import annotations

import base64
import http.server
import json
import os
import ssl
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from support.server import RunningServer, shared_key_file


def ad(server: RunningServer, *args: str, stdin: str = "") -> Any:
    """Run `cerulean ad ARGS --data-dir <server's>` on the server's database; parse its JSON output."""
    result = subprocess.run(
        [sys.executable, "-m", "cerulean", "ad", *args, "--data-dir", str(server.data_dir)],
        input=stdin,
        env={
            **os.environ,
            "CERULEAN_KEY_ENCRYPTION_KEY_FILE": str(shared_key_file()),
            "CERULEAN_DATABASE_URL": server.database_url,  # the server's, when it is not in its data dir
        },
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def bootstrap(server: RunningServer) -> dict[str, str]:
    """The server's DATA_DIR/bootstrap.json."""
    return json.loads((server.data_dir / "bootstrap.json").read_text())


def unverified_claims(token: str) -> dict[str, Any]:
    """A JWT's payload, not verified (for reading what a client was given)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def verified_claims(
    server: RunningServer, token: str, tenant_id: str, verify: ssl.SSLContext | bool = True
) -> dict[str, Any]:
    """A JWT's payload, verified with the server's published JWKS."""
    keys = httpx.get(f"{server.url}/{tenant_id}/discovery/v2.0/keys", verify=verify).json()
    return jwt.decode(token, KeySet.import_key_set(keys), algorithms=["RS256"]).claims


@dataclass
class FakeIssuer:
    """An external OIDC issuer that mints federated tokens (workload identity)."""

    issuer: str
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, {"kid": uuid.uuid4().hex}))

    def jwks(self) -> dict[str, Any]:
        """The public key set."""
        return {"keys": [self.key.as_dict(private=False) | {"use": "sig", "alg": "RS256"}]}

    def mint(
        self,
        subject: str,
        *,
        audience: str = "api://AzureADTokenExchange",
        lifetime: int = 600,
        issuer: str | None = None,
        key: RSAKey | None = None,
    ) -> str:
        """A signed token for `subject`."""
        now = int(time.time())
        claims = {
            "iss": issuer or self.issuer,
            "sub": subject,
            "aud": audience,
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "jti": uuid.uuid4().hex,
        }
        signer = key or self.key
        return jwt.encode({"alg": "RS256", "kid": signer.kid or "", "typ": "JWT"}, claims, signer)


class HttpsIssuerServer:
    """Serves an issuer's discovery document and JWKS over https on 127.0.0.1 (a thread)."""

    def __init__(self, issuer: FakeIssuer, certificate: Path, key: Path) -> None:
        documents: dict[str, bytes] = {}

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = documents.get(self.path)
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body or b"")))
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *_: object) -> None:
                return

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}"
        issuer.issuer = self.url
        documents["/.well-known/openid-configuration"] = json.dumps(
            {"issuer": self.url, "jwks_uri": f"{self.url}/keys"}
        ).encode()
        documents["/keys"] = json.dumps(issuer.jwks()).encode()
        self.requests = 0
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.httpd.shutdown()
        self.httpd.server_close()
