"""The test blob, a lean OCI push client (http.client, large socket writes) and pull through curl.

The client must not be the bottleneck: it sends 8 MiB memoryviews straight to the socket, read from the file
with `preadv`, so it costs little CPU next to the registry it measures. `bench.registry` measures its ceiling
against a sink server in the same run (`push_client_ceiling_gbps`).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

CHUNK = 8 << 20
SUFFIX = 16  # the last bytes of the blob, rewritten per run so every push is content no registry has seen


@dataclass
class TestBlob:
    """A file of random bytes on disk; `vary` gives it a new tail and digest without rehashing it all."""

    path: Path
    size: int
    digest: str = ""
    _prefix_hash: Any = field(default=None, repr=False)  # sha256 state after the first size - SUFFIX bytes

    def vary(self, run: int) -> TestBlob:
        """Rewrite the last 16 bytes with `run`: the digest is the cached prefix hash plus the new tail."""
        tail = run.to_bytes(SUFFIX, "little")
        fd = os.open(self.path, os.O_WRONLY)
        try:
            os.pwrite(fd, tail, self.size - SUFFIX)
        finally:
            os.close(fd)
        hasher = self._prefix_hash.copy()
        hasher.update(tail)
        self.digest = f"sha256:{hasher.hexdigest()}"
        return self


def make_blob(path: Path, size: int) -> TestBlob:
    """Random bytes from the kernel, written once; the hash of all but the tail is kept for `vary`."""
    hasher = hashlib.sha256()
    with path.open("wb") as handle:
        written = 0
        while written < size - SUFFIX:
            piece = os.urandom(min(CHUNK, size - SUFFIX - written))
            handle.write(piece)
            hasher.update(piece)
            written += len(piece)
        handle.write(bytes(SUFFIX))
        handle.flush()
        os.fsync(handle.fileno())  # its writeback must not compete with the registries' disk writes
    return TestBlob(path, size, _prefix_hash=hasher).vary(0)


class _BasicConnection(http.client.HTTPConnection):
    """A connection that sends Basic credentials with every request."""

    def __init__(self, host: str, port: int | None, authorization: str) -> None:
        super().__init__(host, port, timeout=600)
        self._authorization = authorization

    def putrequest(
        self, method: str, url: str, skip_host: bool = False, skip_accept_encoding: bool = False
    ) -> None:
        """Start a request and add the Authorization header."""
        super().putrequest(method, url, skip_host=skip_host, skip_accept_encoding=skip_accept_encoding)
        self.putheader("Authorization", self._authorization)


def _connection(url: str) -> http.client.HTTPConnection:
    """A connection to `url`; credentials in the URL (user:password@) are sent as Basic."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    if parts.username is None:
        return http.client.HTTPConnection(host, parts.port, timeout=600)
    token = base64.b64encode(f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()).decode()
    return _BasicConnection(host, parts.port, f"Basic {token}")


def _expect(response: http.client.HTTPResponse, status: int, what: str) -> None:
    body = response.read()
    if response.status != status:
        raise RuntimeError(f"{what}: expected {status}, got {response.status}: {body[:300]!r}")


def _relative(location: str) -> str:
    """Path and query of a Location header (absolute or not); distribution keeps its `_state` there."""
    split = urlsplit(location)
    return split.path + (f"?{split.query}" if split.query else "")


def _start_upload(conn: http.client.HTTPConnection, repository: str) -> str:
    conn.request("POST", f"/v2/{repository}/blobs/uploads/", headers={"Content-Length": "0"})
    response = conn.getresponse()
    location = response.getheader("Location") or ""
    _expect(response, 202, "POST upload")
    return _relative(location)


def _with_query(location: str, query: str) -> str:
    return f"{location}{'&' if '?' in location else '?'}{query}"


def _file_chunks(path: Path, start: int, end: int) -> Iterator[memoryview]:
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    fd = os.open(path, os.O_RDONLY)
    try:
        position = start
        while position < end:
            count = os.preadv(fd, [view[: min(CHUNK, end - position)]], position)
            yield view[:count]
            position += count
    finally:
        os.close(fd)


def _send_body(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    headers: dict[str, str],
    chunks: Iterator[memoryview],
) -> http.client.HTTPResponse:
    conn.putrequest(method, path, skip_accept_encoding=True)
    for name, value in headers.items():
        conn.putheader(name, value)
    conn.endheaders()
    for chunk in chunks:
        conn.send(chunk)
    return conn.getresponse()


def _put_whole(url: str, repository: str, digest: str, size: int, chunks: Iterator[memoryview]) -> float:
    """POST, then one PUT ?digest= carrying every byte; seconds from the POST to the 201."""
    conn = _connection(url)
    try:
        started = time.perf_counter()
        location = _start_upload(conn, repository)
        response = _send_body(
            conn,
            "PUT",
            _with_query(location, f"digest={digest}"),
            {"Content-Length": str(size), "Content-Type": "application/octet-stream"},
            chunks,
        )
        _expect(response, 201, "PUT blob")
        return time.perf_counter() - started
    finally:
        conn.close()


def push_monolithic(url: str, repository: str, blob: TestBlob) -> float:
    """The monolithic push of the file: POST, then one PUT with the whole body."""
    return _put_whole(url, repository, blob.digest, blob.size, _file_chunks(blob.path, 0, blob.size))


def push_chunked(url: str, repository: str, blob: TestBlob, chunk: int = CHUNK) -> float:
    """POST, PATCH every `chunk` bytes with Content-Range, then PUT ?digest=; seconds overall."""
    conn = _connection(url)
    try:
        started = time.perf_counter()
        location = _start_upload(conn, repository)
        for start in range(0, blob.size, chunk):
            end = min(blob.size, start + chunk)
            response = _send_body(
                conn,
                "PATCH",
                location,
                {
                    "Content-Length": str(end - start),
                    "Content-Range": f"{start}-{end - 1}",
                    "Content-Type": "application/octet-stream",
                },
                _file_chunks(blob.path, start, end),
            )
            next_location = response.getheader("Location") or location
            _expect(response, 202, "PATCH chunk")
            location = _relative(next_location)
        conn.request("PUT", _with_query(location, f"digest={blob.digest}"), headers={"Content-Length": "0"})
        _expect(conn.getresponse(), 201, "PUT close")
        return time.perf_counter() - started
    finally:
        conn.close()


def pull(url: str, repository: str, blob: TestBlob) -> float:
    """curl the blob to /dev/null; seconds (curl's own total time). Checks status and byte count."""
    result = subprocess.run(
        [
            "curl",
            "-sS",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code} %{size_download} %{time_total}",
            f"{url}/v2/{repository}/blobs/{blob.digest}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    status, size, seconds = result.stdout.split()
    if status != "200" or int(size) != blob.size:
        raise RuntimeError(f"pull: status {status}, {size} of {blob.size} bytes")
    return float(seconds)


def push_streamed(url: str, repository: str, size: int) -> float:
    """A monolithic upload of `size` bytes generated on the fly: nothing on disk on the client side.

    One random 8 MiB block is sent over and over, its first 8 bytes numbering it; the digest is computed
    in a first pass over the same generator, before the clock starts.
    """
    block = bytearray(os.urandom(CHUNK))

    def chunks() -> Iterator[memoryview]:
        for index in range(0, size, CHUNK):
            block[:8] = index.to_bytes(8, "little")
            yield memoryview(block)[: min(CHUNK, size - index)]

    hasher = hashlib.sha256()
    for piece in chunks():
        hasher.update(piece)
    return _put_whole(url, repository, f"sha256:{hasher.hexdigest()}", size, chunks())
