"""`RawFeed`: a hand-spoken Engine.IO v4 / Socket.IO v5 websocket on `/feed`, for tests and
benchmarks that send what no Socket.IO library would (malformed, binary, floods) or stop
reading on purpose.

`RawFeed.open` connects and joins `/feed` (as a guest unless given a token). `stalled=True`
gives the socket a tiny receive buffer and lets the websocket library stop reading once one
frame is buffered: a client that never reads. `close()` aborts the TCP connection (a closing
handshake would wait behind every unread frame).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection

from realtime_server.protocol import NAMESPACE

ACK_PREFIX = f"43{NAMESPACE},"
EVENT_PREFIX = f"42{NAMESPACE},"


class RawFeed:
    """One raw websocket on the feed; every frame it reads is kept in `frames`."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.frames: list[str | bytes] = []

    @classmethod
    async def open(
        cls,
        port: int,
        *,
        token: str | None = None,
        stalled: bool = False,
        join: bool = True,
        source: str | None = None,
    ) -> RawFeed:
        """`source`: the loopback address to connect from (127.0.0.2, …: another client
        address as far as the server's per-address limits go)."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if source is not None:
            sock.bind((source, 0))
        if stalled:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        try:
            await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket",
                sock=sock,
                max_queue=1 if stalled else 16,
                max_size=None,
                compression=None,
                ping_interval=None,
                open_timeout=5,
            )
        except BaseException:
            sock.close()
            raise
        feed = cls(ws)
        try:
            async with asyncio.timeout(5):
                assert str(await ws.recv()).startswith("0{")  # Engine.IO OPEN
                if join:
                    auth = json.dumps({"token": token}) if token else ""
                    await ws.send(f"40{NAMESPACE},{auth}")
                    reply = str(await ws.recv())
                    assert reply.startswith(f"40{NAMESPACE},{{"), reply
        except BaseException:
            feed.close()
            raise
        return feed

    async def send(self, frame: str | bytes) -> None:
        await self.ws.send(frame)

    async def emit(self, event: str, payload: Any, ack_id: int | None = None) -> None:
        """An EVENT on `/feed`, with an ack id when given."""
        ack = "" if ack_id is None else str(ack_id)
        await self.ws.send(f"{EVENT_PREFIX}{ack}{json.dumps([event, payload])}")

    async def next_frame(self, timeout: float = 5.0) -> str | bytes:
        """The next frame, answering Engine.IO pings on the way."""
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.ws.recv()
                self.frames.append(frame)
                if frame == "2":
                    await self.ws.send("3")
                    continue
                return frame

    async def until(self, found: Callable[[str | bytes], bool], timeout: float = 5.0) -> str:
        """Read until a frame for which `found` holds; that frame."""
        async with asyncio.timeout(timeout):
            while True:
                frame = await self.next_frame(timeout)
                if found(frame):
                    return str(frame)

    async def ack(self, ack_id: int, timeout: float = 5.0) -> Any:
        """The reply to the request sent with `ack_id` (the first argument of its ACK)."""
        prefix = f"{ACK_PREFIX}{ack_id}["
        frame = await self.until(lambda f: isinstance(f, str) and f.startswith(prefix), timeout)
        return json.loads(frame[len(prefix) - 1 :])[0]

    async def request(self, event: str, payload: Any, ack_id: int, timeout: float = 5.0) -> Any:
        await self.emit(event, payload, ack_id)
        return await self.ack(ack_id, timeout)

    async def drain(self, timeout: float = 10.0) -> AsyncIterator[str | bytes]:
        """Every frame still to come, until the connection ends (or `timeout`)."""
        with contextlib.suppress(websockets.ConnectionClosed, TimeoutError):
            async with asyncio.timeout(timeout):
                while True:
                    yield await self.next_frame(timeout)

    def close(self) -> None:
        self.ws.transport.abort()


def goodbye_of(frame: str | bytes) -> dict[str, Any] | None:
    """The payload of a `goodbye` event frame, or None for any other frame."""
    if isinstance(frame, str) and frame.startswith(f'{EVENT_PREFIX}["goodbye",'):
        payload: dict[str, Any] = json.loads(frame[len(EVENT_PREFIX) :])[1]
        return payload
    return None
