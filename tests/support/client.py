"""Small, explicit OCI client steps over httpx (the tests' own reference client)."""

from __future__ import annotations

import base64
import http.client
import uuid
from urllib.parse import urlsplit

import httpx

from support.oci import Image, digest_of


def unique_repository(prefix: str = "test") -> str:
    """A repository name no other test uses."""
    return f"{prefix}/{uuid.uuid4().hex[:12]}"


def push_blob(client: httpx.Client, repository: str, data: bytes, algorithm: str = "sha256") -> str:
    """Monolithic single-POST upload; returns the digest."""
    digest = digest_of(data, algorithm)
    response = client.post(
        f"/v2/{repository}/blobs/uploads/",
        params={"digest": digest},
        content=data,
        headers={"Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 201, response.text
    assert response.headers["Docker-Content-Digest"] == digest
    return digest


def push_image(client: httpx.Client, repository: str, image: Image, tag: str | None = "latest") -> str:
    """Push every blob, then the manifest (by tag, or by digest when `tag` is None)."""
    for data in image.blobs.values():
        push_blob(client, repository, data, image.algorithm)
    reference = tag or image.digest
    response = client.put(
        f"/v2/{repository}/manifests/{reference}",
        content=image.manifest,
        headers={"Content-Type": image.media_type},
    )
    assert response.status_code == 201, response.text
    assert response.headers["Docker-Content-Digest"] == image.digest
    return image.digest


def error_code(response: httpx.Response) -> str:
    """The first OCI error code of a response."""
    return str(response.json()["errors"][0]["code"])


def raw_request(
    base_url: str, method: str, path: str, auth: tuple[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """Send `path` byte for byte (no client-side normalisation of ``..`` or escapes)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        connection.putheader("Content-Length", "0")
        if auth is not None:
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            connection.putheader("Authorization", f"Basic {token}")
        connection.endheaders()
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()
