"""The transport that sends a response's headers and small body in one write."""

from __future__ import annotations

import asyncio

import pytest

from cerulean.cli.http_protocol import _CoalescingTransport

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
