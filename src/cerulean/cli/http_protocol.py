"""uvicorn's httptools protocol with one send per response instead of two.

uvicorn writes a response's status line and headers as soon as the app sends ``http.response.start``,
then the body in a second write: two ``send`` system calls for every small response (a manifest, a
token, an error). Here the transport joins what is written within one event-loop iteration and sends
it at the end of that iteration, so headers and a small body leave together. Large writes (blob
chunks) go straight through, after anything already waiting, and what waits never exceeds 64 KiB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

if TYPE_CHECKING:
    import asyncio

__all__ = ["CoalescingHttpToolsProtocol"]

_DIRECT_WRITE: Final = 64 * 1024  # a write this large is sent at once: joining it would only copy it


class _CoalescingTransport:
    """Delegates to the real transport, joining the small writes of one loop iteration."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._scheduled = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if len(data) >= _DIRECT_WRITE:
            self._flush()
            self._transport.write(data)
            return
        self._pending.append(bytes(data))
        self._pending_bytes += len(data)
        if self._pending_bytes >= _DIRECT_WRITE:
            self._flush()
        elif not self._scheduled:
            self._scheduled = True
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        self._scheduled = False
        if self._pending:
            pending, self._pending, self._pending_bytes = self._pending, [], 0
            if not self._transport.is_closing():
                self._transport.write(pending[0] if len(pending) == 1 else b"".join(pending))

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + self._pending_bytes

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - whatever the transport has
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` on a `_CoalescingTransport`."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Serve the connection through the coalescing transport."""
        super().connection_made(_CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]
