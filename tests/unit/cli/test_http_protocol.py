"""The transport that sends a response's headers and small body in one write."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Awaitable, Callable

import pytest
import uvicorn

from cerulean.cli.http_protocol import CoalescingHttpToolsProtocol, _CoalescingTransport

pytestmark = pytest.mark.anyio


class _Recorder(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_write_buffer_size(self) -> int:
        return 7

    def get_extra_info(self, name: str, default: object = None) -> object:
        return ("127.0.0.1", 5000) if name == "peername" else default


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_writes_of_one_iteration_leave_together() -> None:
    real = _Recorder()
    transport = _CoalescingTransport(real, asyncio.get_running_loop())
    transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
    transport.write(memoryview(b"body"))
    assert real.writes == []
    assert transport.get_write_buffer_size() == 7 + 19 + 4  # what waits counts for flow control
    await asyncio.sleep(0)
    assert real.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody"]
    transport.write(b"next")
    await asyncio.sleep(0)
    assert real.writes[1:] == [b"next"]


async def test_large_writes_go_at_once_after_what_waits() -> None:
    real = _Recorder()
    transport = _CoalescingTransport(real, asyncio.get_running_loop())
    chunk = b"x" * (64 * 1024)
    transport.write(b"headers")
    transport.write(chunk)
    assert real.writes == [b"headers", chunk]
    for _ in range(17):  # small writes never pile up past 64 KiB
        transport.write(b"y" * 8192)
    assert real.writes[2:] == [b"y" * 65536, b"y" * 65536]
    await asyncio.sleep(0)
    assert real.writes[4:] == [b"y" * 8192]


async def test_close_sends_what_waits_and_nothing_is_written_after() -> None:
    real = _Recorder()
    transport = _CoalescingTransport(real, asyncio.get_running_loop())
    transport.write(b"last words")
    transport.close()
    assert real.writes == [b"last words"]
    assert real.closed
    transport.write(b"too late")
    await asyncio.sleep(0)
    assert real.writes == [b"last words"]  # a closing transport gets nothing more
    assert transport.get_extra_info("peername") == ("127.0.0.1", 5000)  # everything else is delegated


Send = Callable[[dict[str, object]], Awaitable[None]]


async def _hello(scope: dict[str, object], receive: object, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"hi"})


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bytes:
    writer.write(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
    body = await asyncio.wait_for(reader.readexactly(2), 5)
    return head.split(b"\r\n", 1)[0] + b" " + body


async def _closed_by_server(reader: asyncio.StreamReader, within: float) -> bool:
    try:
        return await asyncio.wait_for(reader.read(1), within) == b""
    except TimeoutError:
        return False


async def test_keep_alive_closes_an_idle_connection_and_spares_a_busy_one() -> None:
    config = uvicorn.Config(
        _hello, http=CoalescingHttpToolsProtocol, lifespan="off", log_config=None, timeout_keep_alive=1
    )
    server = uvicorn.Server(config)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.01)
        busy_reader, busy_writer = await asyncio.open_connection("127.0.0.1", port)
        idle_reader, idle_writer = await asyncio.open_connection("127.0.0.1", port)
        assert await _exchange(idle_reader, idle_writer) == b"HTTP/1.1 200 OK hi"
        started = time.monotonic()
        # Requests every 0.4 s for 2.4 s: never idle for the whole second, so never closed.
        for _ in range(6):
            assert await _exchange(busy_reader, busy_writer) == b"HTTP/1.1 200 OK hi"
            await asyncio.sleep(0.4)
        # The idle one was closed about a second after its only response, not before.
        assert await _closed_by_server(idle_reader, 0.1)
        assert await _exchange(busy_reader, busy_writer) == b"HTTP/1.1 200 OK hi"
        assert not await _closed_by_server(busy_reader, 0.5)
        assert await _closed_by_server(busy_reader, 1.5)
        assert time.monotonic() - started > 2
        busy_writer.close()
        idle_writer.close()
    finally:
        server.should_exit = True
        await serving
        sock.close()
