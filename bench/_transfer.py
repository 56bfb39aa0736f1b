"""A lean OCI push client (http.client, large socket writes) and pull through curl.

The client must not be the bottleneck: it sends 8 MiB memoryviews straight to the socket and reads the
file with pread, so on this machine it ingests several GB/s, well above what either registry stores.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

CHUNK = 8 << 20


@dataclass
class TestBlob:
    """A file on disk and its digest."""

    path: Path
    size: int
    digest: str


def make_blob(path: Path, size: int) -> TestBlob:
    """A file of random bytes (a random 8 MiB block repeated with a varying prefix, so it is fast)."""
    block = bytearray(os.urandom(CHUNK))
    hasher = hashlib.sha256()
    with path.open("wb") as handle:
        written = 0
        while written < size:
            block[:8] = written.to_bytes(8, "little")
            piece = memoryview(block)[: min(CHUNK, size - written)]
            handle.write(piece)
            hasher.update(piece)
            written += len(piece)
        handle.flush()
        os.fsync(handle.fileno())  # its writeback must not compete with the registries' disk writes
    return TestBlob(path, size, f"sha256:{hasher.hexdigest()}")


def vary(blob: TestBlob, run: int) -> TestBlob:
    """Change the first bytes, so each run pushes new content (no registry may skip it as known)."""
    with blob.path.open("r+b") as handle:
        handle.write(run.to_bytes(16, "little"))
    hasher = hashlib.sha256()
    with blob.path.open("rb") as handle:
        while data := handle.read(CHUNK):
            hasher.update(data)
    blob.digest = f"sha256:{hasher.hexdigest()}"
    return blob


def _connection(url: str) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)


def _expect(response: http.client.HTTPResponse, status: int, what: str) -> None:
    body = response.read()
    if response.status != status:
        raise RuntimeError(f"{what}: expected {status}, got {response.status}: {body[:300]!r}")


def _start_upload(conn: http.client.HTTPConnection, repository: str) -> str:
    conn.request("POST", f"/v2/{repository}/blobs/uploads/", headers={"Content-Length": "0"})
    response = conn.getresponse()
    location = response.getheader("Location") or ""
    _expect(response, 202, "POST upload")
    return urlsplit(location).path + (f"?{urlsplit(location).query}" if urlsplit(location).query else "")


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


def push_monolithic(url: str, repository: str, blob: TestBlob) -> float:
    """POST then one PUT with the whole body; seconds from the POST to the 201."""
    conn = _connection(url)
    try:
        started = time.perf_counter()
        location = _start_upload(conn, repository)
        response = _send_body(
            conn,
            "PUT",
            _with_query(location, f"digest={blob.digest}"),
            {"Content-Length": str(blob.size), "Content-Type": "application/octet-stream"},
            _file_chunks(blob.path, 0, blob.size),
        )
        _expect(response, 201, "PUT blob")
        return time.perf_counter() - started
    finally:
        conn.close()


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
            split = urlsplit(next_location)
            location = split.path + (f"?{split.query}" if split.query else "")
        conn.request("PUT", _with_query(location, f"digest={blob.digest}"), headers={"Content-Length": "0"})
        _expect(conn.getresponse(), 201, "PUT close")
        return time.perf_counter() - started
    finally:
        conn.close()


def pull(url: str, repository: str, blob: TestBlob) -> float:
    """curl the blob to /dev/null; seconds (curl's own total time)."""
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
    """A monolithic upload of `size` bytes generated on the fly (nothing on disk on the client side)."""
    block = bytearray(os.urandom(CHUNK))
    hasher = hashlib.sha256()
    for index in range(0, size, CHUNK):
        block[:8] = index.to_bytes(8, "little")
        hasher.update(memoryview(block)[: min(CHUNK, size - index)])
    digest = f"sha256:{hasher.hexdigest()}"

    def chunks() -> Iterator[memoryview]:
        for index in range(0, size, CHUNK):
            block[:8] = index.to_bytes(8, "little")
            yield memoryview(block)[: min(CHUNK, size - index)]

    conn = _connection(url)
    try:
        started = time.perf_counter()
        location = _start_upload(conn, repository)
        response = _send_body(
            conn,
            "PUT",
            _with_query(location, f"digest={digest}"),
            {"Content-Length": str(size), "Content-Type": "application/octet-stream"},
            chunks(),
        )
        _expect(response, 201, "PUT streamed")
        return time.perf_counter() - started
    finally:
        conn.close()
