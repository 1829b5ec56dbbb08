"""The feed's Socket.IO server: every packet read without trusting it, no binary, and a bound
in bytes on what waits to be written to each connection.

`FeedSocketServer` is python-socketio's `AsyncServer` on `engine.FeedEngineServer`, with its
packet dispatch (`_handle_eio_message`) replaced and its packet sending (`_send_packet`)
watched:

- A packet is read by `frames.read_packet`. Until its session has joined `/feed`, a client
  has nothing to send but CONNECT: any other packet ends the session. On the feed, a packet
  that cannot be read, an EVENT that is not `[name, ...]`, a client ACK (the server never asks
  for one), a CONNECT_ERROR, or a packet for a namespace the session has not joined is
  refused: the feed namespace (a `FrameListener`) charges it to the connection's request
  budget like a request, and an EVENT on `/feed` with an ack id is answered with the coded
  error ack. The library raised out of its dispatch for most of these, unanswered.
- Every EVENT is charged before it is dispatched: one refused for rate is answered here, at
  once, without the task python-socketio makes per event.
- The feed uses no binary: a BINARY_EVENT or BINARY_ACK is refused the same way, and binary
  Engine.IO messages are dropped (and charged). The library kept a binary packet's
  attachments until all had arrived; a header claiming billions of them grew the server by
  every frame sent after it.
- Before any packet is queued for a connection (replies, goodbyes, batches through
  `send_text`), the bytes already waiting in its Engine.IO queue are checked: at
  `max_pending_bytes` or more the listener is told (`backlogged`) and cuts the connection
  as a slow consumer. The packet is still queued, so that replies keep their order.

Frames are bounded before any of this: `frame_limit` is Engine.IO's `max_http_buffer_size`
and uvicorn's `ws_max_size`, so a larger frame closes the connection before it is decoded.
"""

from __future__ import annotations

import json
from typing import Any, Protocol, runtime_checkable

import orjson
import socketio

from realtime_server.config import Settings
from realtime_server.protocol import NAMESPACE, ErrorCode, request_id_of
from realtime_server.security.limits import PenaltyBox
from realtime_server.transport import frames
from realtime_server.transport.engine import FeedEngineServer


def frame_limit(settings: Settings) -> int:
    """The largest frame a client may send: twice the largest request, room for its envelope
    and JSON escaping (a request is measured as compact UTF-8 JSON)."""
    return 2 * settings.max_message_bytes


@runtime_checkable
class FrameListener(Protocol):
    """What the feed namespace hears from the server about one of its connections."""

    namespace: str

    def charge(self, sid: str, request_id: str | None) -> dict[str, Any] | None:
        """Charge a request to the connection's budget: None, or the refusal to answer."""
        ...

    def refuse(self, sid: str, code: ErrorCode, message: str) -> dict[str, Any]:
        """Charge a packet that is no request; the error ack to answer it with."""
        ...

    def backlogged(self, sid: str) -> None:
        """The connection's client lets replies and batches pile up unread."""
        ...


class _OrjsonCodec:
    """The `json` python-socketio encodes its packets with: orjson out, the standard in.

    Decoding stays with the standard library, which reads whatever a client may send (orjson
    refuses integers past 64 bits); requests are small, replies (snapshots) are not.
    """

    @staticmethod
    def dumps(obj: Any, **_options: Any) -> str:
        return orjson.dumps(obj).decode()

    loads = staticmethod(json.loads)


class FeedSocketServer(socketio.AsyncServer):  # type: ignore[misc]  # python-socketio is untyped
    """python-socketio's server with the changes of the module docstring."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(
            async_mode="asgi",
            cors_allowed_origins="*",  # origins are checked by the guard, with a code
            max_http_buffer_size=frame_limit(settings),
            json=_OrjsonCodec,
            logger=False,
            engineio_logger=False,
            penalties=PenaltyBox(),  # for FeedEngineServer
        )
        self.penalties: PenaltyBox = self.eio.penalties
        """Addresses refused for a while after abuse (at the door: `engine`)."""
        self.max_pending_bytes = settings.max_pending_bytes
        self._feed: FrameListener | None = None

    def register_namespace(self, namespace_handler: Any) -> None:
        super().register_namespace(namespace_handler)
        if namespace_handler.namespace == NAMESPACE and isinstance(
            namespace_handler, FrameListener
        ):
            self._feed = namespace_handler

    def _engineio_server_class(self) -> type[FeedEngineServer]:
        return FeedEngineServer

    async def send_text(self, eio_sid: str, text: str) -> None:
        """Queue an already encoded packet (a batch) for one connection."""
        self._check_backlog(eio_sid)
        await self.eio.send(eio_sid, text)

    async def end_session(self, eio_sid: str) -> None:
        """Close a connection's Engine.IO session now (after its queued packets)."""
        await self.eio.end_session(eio_sid)

    async def _send_packet(self, eio_sid: str, pkt: Any) -> None:
        self._check_backlog(eio_sid)
        await super()._send_packet(eio_sid, pkt)

    async def _handle_eio_message(self, eio_sid: str, data: Any) -> None:
        packet = frames.read_packet(data) if isinstance(data, str) else frames.BINARY_MESSAGE
        if packet.kind == frames.CONNECT and packet.error is None:
            if eio_sid in self.environ:  # else the session ended earlier in the same payload
                await self._handle_connect(eio_sid, packet.namespace, packet.data)
            return
        feed = self._on_feed(eio_sid)
        if feed is None:  # before it joins the feed, a session has nothing else to say
            await self.end_session(eio_sid)
        elif packet.kind == frames.DISCONNECT and packet.error is None:
            await self._handle_disconnect(eio_sid, packet.namespace, self.reason.CLIENT_DISCONNECT)
        elif packet.namespace == NAMESPACE and frames.is_event(packet):
            await self._request(eio_sid, feed, packet.ack_id, packet.data)
        else:
            sid, listener = feed
            reply = listener.refuse(sid, ErrorCode.BAD_REQUEST, frames.why_refused(packet))
            if packet.namespace == NAMESPACE and packet.kind in (frames.EVENT, frames.BINARY_EVENT):
                await self._answer(eio_sid, packet.ack_id, reply)

    async def _request(
        self, eio_sid: str, feed: tuple[str, FrameListener], ack_id: int | None, data: list[Any]
    ) -> None:
        """An event: charged here, answered here when refused for rate (cheaply: no task, no
        dispatch), otherwise handed to python-socketio, which runs its handler in a task."""
        sid, listener = feed
        refused = listener.charge(sid, request_id_of(data[1] if len(data) > 1 else None))
        if refused is not None:
            await self._answer(eio_sid, ack_id, refused)
        else:
            await self._handle_event(eio_sid, NAMESPACE, ack_id, data)

    async def _answer(self, eio_sid: str, ack_id: int | None, reply: dict[str, Any]) -> None:
        if ack_id is not None:
            ack = self.packet_class(frames.ACK, namespace=NAMESPACE, id=ack_id, data=[reply])
            await self._send_packet(eio_sid, ack)

    def _check_backlog(self, eio_sid: str) -> None:
        if self.eio.waiting_bytes(eio_sid) < self.max_pending_bytes:
            return
        feed = self._on_feed(eio_sid)
        if feed is not None:
            feed[1].backlogged(feed[0])

    def _on_feed(self, eio_sid: str) -> tuple[str, FrameListener] | None:
        """The session's connection to the feed namespace, and its listener, if it has one."""
        sid = self.manager.sid_from_eio_sid(eio_sid, NAMESPACE)
        if self._feed is None or sid is None or not self.manager.is_connected(sid, NAMESPACE):
            return None
        return sid, self._feed


def create_socket_server(settings: Settings) -> FeedSocketServer:
    """The Socket.IO server. Origins are checked by the guard (with a code), not here."""
    return FeedSocketServer(settings)
