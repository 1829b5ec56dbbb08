"""The websocket under Engine.IO: each write bounded in time, each close in time, the kernel's
send buffer in bytes.

uvicorn's websockets-sansio protocol (`uvicorn/protocols/websockets/websockets_sansio_impl.py`)
waits for the socket to drain before each write with no time limit (`send` awaits
`writable`), and closes with `transport.close()`, which first flushes whatever is buffered. So
a client that stops reading held the write — and Engine.IO's writer behind it — forever, and
the TCP socket of a connection that was over stayed open with megabytes queued.
`BoundedWebSocketProtocol`, the protocol `python -m realtime_server` gives uvicorn:

- waits at most `write_timeout` seconds for the socket to drain; then it aborts the TCP
  connection — a reset, so the kernel drops what it still queues — and the write fails as a
  disconnect (so Engine.IO's writer ends too);
- aborts the TCP connection `write_timeout` seconds after the application is done with it, or
  after uvicorn's keepalive ping gave up on it, if it has not closed by then;
- caps the connection's kernel send buffer at `send_buffer` bytes (Linux otherwise grows it up
  to `net.ipv4.tcp_wmem`'s maximum, 4 MiB by default, for a client that does not read).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from typing import ClassVar

from uvicorn._types import ASGISendEvent
from uvicorn.protocols.utils import ClientDisconnected
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

ZERO_LINGER = struct.pack("ii", 1, 0)
"""SO_LINGER on, 0 s: close() sends RST and frees the socket's buffers at once."""


class BoundedWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's websocket protocol with writes and closes bounded in time (module docstring)."""

    write_timeout: ClassVar[float] = 10.0
    send_buffer: ClassVar[int] = 256 * 1024

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.send_buffer)

    async def send(self, message: ASGISendEvent) -> None:
        if not self.writable.is_set():
            try:
                async with asyncio.timeout(self.write_timeout):
                    await self.writable.wait()
            except TimeoutError:
                self._abort()
                raise ClientDisconnected from None
        await super().send(message)

    def keepalive_timeout(self) -> None:
        super().keepalive_timeout()
        self._abort_later()

    def on_task_complete(self, task: asyncio.Task[None]) -> None:
        super().on_task_complete(task)
        self._abort_later()

    def _abort_later(self) -> None:
        self.loop.call_later(self.write_timeout, self._abort_if_open)

    def _abort_if_open(self) -> None:
        if not self.disconnected:
            self._abort()

    def _abort(self) -> None:
        """Drop the connection and what is queued for it: with a zero linger, closing the
        socket resets the connection instead of leaving the kernel to deliver the queue."""
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, ZERO_LINGER)
        self.transport.abort()


def websocket_protocol(
    write_timeout_s: float, send_buffer_bytes: int
) -> type[BoundedWebSocketProtocol]:
    """The protocol class to give uvicorn (`Config(ws=...)`), with these bounds."""

    class FeedWebSocketProtocol(BoundedWebSocketProtocol):
        write_timeout = write_timeout_s
        send_buffer = send_buffer_bytes

    return FeedWebSocketProtocol
