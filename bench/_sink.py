"""A registry-shaped HTTP sink: `python -m bench._sink PORT` answers uploads and throws the bytes away.

It exists to measure the push client's own ceiling on this machine (client, loopback and a reader that does
nothing with the data), so the push figures can be shown not to be limited by the client. It understands just
what `bench._transfer` sends: POST and PATCH (202 + Location), PUT (201), GET /v2/ (200), with Content-Length.
"""

from __future__ import annotations

import contextlib
import socket
import sys

BUFFER = 8 << 20


def _read_head(conn: socket.socket, pending: bytearray) -> bytes | None:
    """Bytes up to the blank line ending the request head; None when the client closed the connection."""
    while b"\r\n\r\n" not in pending:
        data = conn.recv(65536)
        if not data:
            return None
        pending += data
    head, _, rest = bytes(pending).partition(b"\r\n\r\n")
    pending[:] = rest
    return head


def _drain(conn: socket.socket, pending: bytearray, length: int, view: memoryview) -> None:
    """Consume `length` body bytes: first what is already buffered, then straight from the socket."""
    taken = min(length, len(pending))
    del pending[:taken]
    length -= taken
    while length > 0:
        count = conn.recv_into(view[: min(BUFFER, length)])
        if count == 0:
            raise ConnectionError("client closed mid-body")
        length -= count


def _answer(method: str) -> bytes:
    if method == "GET":  # the readiness probe, GET /v2/
        return b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    if method == "PUT":
        return b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
    return b"HTTP/1.1 202 Accepted\r\nLocation: /v2/sink/blobs/uploads/sink\r\nContent-Length: 0\r\n\r\n"


def _serve_connection(conn: socket.socket, view: memoryview) -> None:
    pending = bytearray()
    while (head := _read_head(conn, pending)) is not None:
        lines = head.decode("latin-1").split("\r\n")
        method = lines[0].split(" ", 1)[0]
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        _drain(conn, pending, length, view)
        conn.sendall(_answer(method))


def main() -> None:
    listener = socket.create_server(("127.0.0.1", int(sys.argv[1])))
    view = memoryview(bytearray(BUFFER))
    while True:
        conn, _ = listener.accept()
        with conn, contextlib.suppress(ConnectionError):
            _serve_connection(conn, view)


if __name__ == "__main__":
    main()
