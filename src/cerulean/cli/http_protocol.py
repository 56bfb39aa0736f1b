"""uvicorn's httptools protocol with one send per response instead of two, and one timer per idle spell.

uvicorn writes a response's status line and headers as soon as the app sends ``http.response.start``,
then the body in a second write: two ``send`` system calls for every small response (a manifest, a
token, an error). Here the transport joins what is written within one event-loop iteration and sends
it at the end of that iteration, so headers and a small body leave together. Large writes (blob
chunks) go straight through, after anything already waiting, and what waits never exceeds 64 KiB.

uvicorn also arms a keep-alive timer after every response and cancels it when the next request
arrives. Here a connection keeps at most one timer: it notes when it went idle, and the timer, when
it fires, closes the connection only if it has been idle for the whole timeout (else it waits again).
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

    def is_closing(self) -> bool:
        return self._transport.is_closing()  # asked after every response: not through __getattr__

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + self._pending_bytes

    def close(self) -> None:
        self._flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:  # noqa: ANN401 - whatever the transport has
        return getattr(self._transport, name)


class CoalescingHttpToolsProtocol(HttpToolsProtocol):
    """`HttpToolsProtocol` on a `_CoalescingTransport`, with a lazy keep-alive timeout."""

    _idle_since: float | None = None  # loop time of the last response, while no request is under way
    _idle_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Serve the connection through the coalescing transport."""
        super().connection_made(_CoalescingTransport(transport, self.loop))  # type: ignore[arg-type]

    def connection_lost(self, exc: Exception | None) -> None:
        """Drop the idle timer with the connection."""
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        super().connection_lost(exc)

    def _unset_keepalive_if_required(self) -> None:
        self._idle_since = None  # busy: called when data arrives and when a response completes
        super()._unset_keepalive_if_required()

    def on_response_complete(self) -> None:
        """Count the response; start a pipelined request if one waits, else go idle."""
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        self._idle_since = None
        self.flow.resume_reading()
        if self.pipeline:
            cycle, app = self.pipeline.pop()
            self._start_asgi_task(cycle, app)
            return
        self._idle_since = self.loop.time()
        if self._idle_timer is None:
            self._idle_timer = self.loop.call_later(self.timeout_keep_alive, self._idle_timeout)

    def _idle_timeout(self) -> None:
        self._idle_timer = None
        if self._idle_since is None:
            return  # a request is under way: its response arms the timer again
        remaining = self._idle_since + self.timeout_keep_alive - self.loop.time()
        if remaining > 0:
            self._idle_timer = self.loop.call_later(remaining, self._idle_timeout)
        elif not self.transport.is_closing():
            self.transport.close()
