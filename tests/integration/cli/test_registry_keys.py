"""`cerulean registry-keys rotate|list` against a running server's database."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from cerulean.access import AccessEntry
from support.client import push_image
from support.oci import make_image
from support.registry_tokens import mint
from support.server import shared_key_file, start_server


def _keys(data_dir: Path, *args: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "cerulean", "registry-keys", *args, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "CERULEAN_KEY_ENCRYPTION_KEY_FILE": str(shared_key_file())},
    )
    assert result.returncode == 0, result.stderr
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def _kid(token: str) -> str:
    header = token.split(".", 1)[0]
    return str(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"])


def _token(url: str, auth: tuple[str, str]) -> str:
    response = httpx.get(
        f"{url}/oauth2/token",
        params={"service": url.split("//", 1)[1], "scope": "repository:keys/app:pull"},
        auth=auth,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_rotation_keeps_old_tokens_and_accepts_the_new_key_at_once(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        assert server.admin is not None
        with httpx.Client(base_url=server.url, auth=server.admin) as admin:
            push_image(admin, "keys/app", make_image(), "v1")
        before = _keys(tmp_path, "list")["published"]
        assert [k["signing"] for k in before] == [True]
        old_token = _token(server.url, server.admin)
        assert _kid(old_token) == before[0]["kid"]

        rotated = _keys(tmp_path, "rotate")
        assert rotated["kid"] != before[0]["kid"]
        published = {k["kid"]: k for k in rotated["published"]}
        assert published[rotated["kid"]]["signing"] is True
        assert published[before[0]["kid"]]["signing"] is False  # retiring, still published
        assert published[before[0]["kid"]]["retireAt"] is not None
        assert "PRIVATE" not in json.dumps(rotated)

        url = f"{server.url}/v2/keys/app/manifests/v1"
        with httpx.Client(headers={"Accept": "application/vnd.oci.image.manifest.v1+json"}) as client:
            # A token signed with the old key still works; one signed with the new key works at once,
            # although the server has not reloaded its keys yet (it looks the new kid up on first sight).
            assert client.get(url, headers={"Authorization": f"Bearer {old_token}"}).status_code == 200
            login = server.url.split("//", 1)[1]
            new_token = mint(
                server.database_url, login, access=(AccessEntry("repository", "keys/app", ("pull",)),)
            )
            assert _kid(new_token) == rotated["kid"]
            assert client.get(url, headers={"Authorization": f"Bearer {new_token}"}).status_code == 200
    finally:
        server.stop()
