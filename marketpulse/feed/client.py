"""`FeedClient`: one connection to the feed server's `/feed` namespace, as an asyncio object.

It owns the Socket.IO client and nothing else: it connects (retrying until the server answers),
subscribes, pings, keeps its subscriptions across reconnections, validates every incoming message
with the protocol models, and hands its consumer an inbox of `FeedEvent`s (batches and link-state
changes) in arrival order. It never imports Reflex; the app's background task drives it.

Reconnection is Socket.IO's own (exponential backoff with jitter). Two gaps are filled here: the
first connection is retried by `connect()` itself, and a disconnect the server initiated (which
Socket.IO does not retry) starts the same retry loop. After every reconnection the client
subscribes again and queues the ack's snapshot as a batch, so the consumer sees fresh values.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import random
from collections.abc import Mapping
from typing import Any

import socketio
from pydantic import BaseModel, ValidationError
from socketio import exceptions as sio_exceptions

from marketpulse.feed.errors import (
    FeedConnectError,
    FeedNotConnectedError,
    FeedProtocolError,
    FeedRequestError,
    FeedTimeoutError,
    FeedUnauthorizedError,
)
from marketpulse.feed.events import FeedEvent, LinkState, LinkStateChanged
from marketpulse.feed.messages import (
    AUTH_REFUSAL_CODES,
    AckT,
    now_ms,
    parse_ack,
    refusal_code,
    snapshot_batch,
)
from realtime_server.protocol import (
    DEFAULT_THROTTLE_MS,
    EVENT_BATCH,
    EVENT_PING,
    EVENT_SUBSCRIBE,
    EVENT_UNSUBSCRIBE,
    NAMESPACE,
    Batch,
    PingAck,
    PingRequest,
    SubscribeAck,
    SubscribeRequest,
    UnsubscribeAck,
    UnsubscribeRequest,
)

logger = logging.getLogger(__name__)


class FeedClient:
    """A connection to the feed server. Create, `connect()`, `subscribe()`, read `next_events()`.

    Not thread-safe; use it from one asyncio task (its Socket.IO handlers run on the same loop).
    """

    def __init__(
        self,
        *,
        socketio_path: str = "socket.io",
        request_timeout: float = 5.0,
        reconnection_delay: float = 0.5,
        reconnection_delay_max: float = 5.0,
        transports: list[str] | None = None,
    ) -> None:
        self._socketio_path = socketio_path
        self._request_timeout = request_timeout
        self._delay_min = reconnection_delay
        self._delay_max = reconnection_delay_max
        self._transports = transports or ["websocket"]
        self._sio = socketio.AsyncClient(
            reconnection=True,
            reconnection_attempts=0,
            reconnection_delay=reconnection_delay,
            reconnection_delay_max=reconnection_delay_max,
            handle_sigint=False,
            request_timeout=request_timeout,
        )
        self._sio.on("connect", self._on_connect, namespace=NAMESPACE)
        self._sio.on("disconnect", self._on_disconnect, namespace=NAMESPACE)
        self._sio.on("connect_error", self._on_connect_error, namespace=NAMESPACE)
        self._sio.on(EVENT_BATCH, self._on_batch, namespace=NAMESPACE)
        self._inbox: asyncio.Queue[FeedEvent] = asyncio.Queue()
        self._state = LinkState.IDLE
        self._url = ""
        self._auth: dict[str, Any] | None = None
        self._channels: dict[str, None] = {}
        self._throttle_ms = DEFAULT_THROTTLE_MS
        self._ids = itertools.count(1)
        self._closing = False
        self._refusal: tuple[str, str] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.invalid_messages = 0
        """Messages dropped because they did not match the protocol models."""

    # -- public API ---------------------------------------------------------------------------

    @property
    def state(self) -> LinkState:
        """The link's current state."""
        return self._state

    @property
    def channels(self) -> list[str]:
        """The channels this client is subscribed to (and resubscribes to after reconnecting)."""
        return list(self._channels)

    async def connect(
        self, url: str, *, auth: dict[str, Any] | None = None, retry: bool = True
    ) -> None:
        """Connect to the feed server at `url`, retrying with backoff until it answers.

        With `retry=False` a failed attempt raises `FeedConnectError`. A refusal of the
        credentials raises `FeedUnauthorizedError` either way.
        """
        self._url, self._auth = url, auth
        self._set_state(LinkState.CONNECTING)
        await self._connect_loop(retry=retry)

    def start(
        self,
        url: str,
        channels: list[str],
        throttle_ms: int = DEFAULT_THROTTLE_MS,
        *,
        auth: dict[str, Any] | None = None,
    ) -> None:
        """Connect and subscribe in the background; everything arrives through the inbox.

        Returns at once. The link's states (connecting, reconnecting, live, unauthorized, ...)
        and the subscription's snapshot (as a batch) are queued like any other event, so a
        consumer that only reads `next_events()` sees the whole story from the first attempt.
        """
        self._url, self._auth = url, auth
        self._channels = dict.fromkeys(channels)
        self._throttle_ms = throttle_ms
        self._set_state(LinkState.CONNECTING)
        self._spawn(self._connect_in_background())

    async def subscribe(
        self, channels: list[str], throttle_ms: int = DEFAULT_THROTTLE_MS
    ) -> SubscribeAck:
        """Subscribe to `channels`; the ack carries their snapshot. Raises on refusal."""
        request = SubscribeRequest(
            id=self._next_id("sub"), channels=channels, throttle_ms=throttle_ms
        )
        ack = await self._request(EVENT_SUBSCRIBE, request, SubscribeAck)
        self._channels.update(dict.fromkeys(ack.channels))
        self._throttle_ms = ack.throttle_ms
        return ack

    async def unsubscribe(self, channels: list[str]) -> UnsubscribeAck:
        """Stop receiving `channels`."""
        request = UnsubscribeRequest(id=self._next_id("unsub"), channels=channels)
        ack = await self._request(EVENT_UNSUBSCRIBE, request, UnsubscribeAck)
        for channel in channels:
            self._channels.pop(channel, None)
        return ack

    async def ping(self) -> PingAck:
        """Round-trip an app-level ping; `server_ts - client_ts` and now give the latencies."""
        request = PingRequest(id=self._next_id("ping"), client_ts=now_ms())
        return await self._request(EVENT_PING, request, PingAck)

    async def next_events(self) -> list[FeedEvent]:
        """Wait for the next event, then return it with every event already queued behind it."""
        events = [await self._inbox.get()]
        while True:
            try:
                events.append(self._inbox.get_nowait())
            except asyncio.QueueEmpty:
                return events

    async def close(self) -> None:
        """Disconnect and stop reconnecting. Safe to call more than once, and from `finally`."""
        self._closing = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        try:
            await self._sio.shutdown()
            if self._sio.eio.state == "connected":
                await self._sio.eio.disconnect(abort=True)
        finally:
            # Engine.IO keeps its aiohttp session after a failed attempt; do not leak it.
            http = self._sio.eio.http
            if http is not None and not http.closed:
                await http.close()
            self._set_state(LinkState.OFFLINE)

    async def __aenter__(self) -> FeedClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- internals ----------------------------------------------------------------------------

    def _set_state(self, state: LinkState) -> None:
        if state is self._state:
            return
        logger.debug("feed link %s -> %s", self._state, state)
        self._state = state
        self._inbox.put_nowait(LinkStateChanged(state))

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids)}"

    def _backoff(self, attempt: int) -> float:
        delay = min(self._delay_min * 2**attempt, self._delay_max)
        return delay * random.uniform(0.5, 1.5)

    async def _connect_loop(self, *, retry: bool) -> None:
        for attempt in itertools.count():
            if self._closing or self._sio.connected:
                return
            self._refusal = None
            try:
                await self._sio.connect(
                    self._url,
                    auth=self._auth,
                    namespaces=[NAMESPACE],
                    transports=self._transports,
                    socketio_path=self._socketio_path,
                    wait_timeout=self._request_timeout,
                )
                return
            except sio_exceptions.ConnectionError as exc:
                if self._refusal is not None:
                    self._set_state(LinkState.UNAUTHORIZED)
                    raise FeedUnauthorizedError(*self._refusal) from None
                if not retry:
                    self._set_state(LinkState.OFFLINE)
                    raise FeedConnectError(f"cannot reach the feed at {self._url}: {exc}") from None
                self._set_state(LinkState.RECONNECTING)
                logger.info("feed connect to %s failed (%s); retrying", self._url, exc)
            await asyncio.sleep(self._backoff(attempt))

    async def _request(self, event: str, request: BaseModel, model: type[AckT]) -> AckT:
        if NAMESPACE not in self._sio.namespaces:
            raise FeedNotConnectedError(f"cannot send {event!r}: not connected")
        try:
            reply = await self._sio.call(
                event,
                request.model_dump(mode="json"),
                namespace=NAMESPACE,
                timeout=self._request_timeout,
            )
        except sio_exceptions.TimeoutError:
            raise FeedTimeoutError(f"no ack to {event!r} within {self._request_timeout}s") from None
        except sio_exceptions.BadNamespaceError:
            raise FeedNotConnectedError(f"cannot send {event!r}: not connected") from None
        return parse_ack(reply, model)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _connect_in_background(self) -> None:
        with contextlib.suppress(FeedUnauthorizedError):  # the state says so already
            await self._connect_loop(retry=True)

    async def _resubscribe(self) -> None:
        """After a (re)connection: subscribe again, queue the fresh snapshot, then go live."""
        for attempt in itertools.count():
            try:
                ack = await self.subscribe(list(self._channels), self._throttle_ms)
            except FeedNotConnectedError:
                return  # dropped again; the next connect event resubscribes
            except FeedRequestError as exc:
                logger.error("feed refused the subscription to %s: %s", self.channels, exc)
                return
            except (FeedTimeoutError, FeedProtocolError) as exc:
                logger.warning("feed resubscribe failed (%s); retrying", exc)
                await asyncio.sleep(self._backoff(attempt))
                continue
            self._inbox.put_nowait(snapshot_batch(ack))
            self._set_state(LinkState.LIVE)
            return

    # -- Socket.IO handlers (run on the client's loop; keep them free of awaits before queuing
    #    so messages are queued in arrival order) --------------------------------------------

    async def _on_connect(self) -> None:
        if self._channels:
            self._spawn(self._resubscribe())
        else:
            self._set_state(LinkState.LIVE)

    async def _on_disconnect(self, reason: str = "") -> None:
        logger.info("feed disconnected: %s", reason or "unknown reason")
        if self._closing:
            self._set_state(LinkState.OFFLINE)
            return
        self._set_state(LinkState.RECONNECTING)
        if reason == socketio.AsyncClient.reason.SERVER_DISCONNECT:
            # Socket.IO does not retry a disconnect the server asked for (e.g. its shutdown).
            self._spawn(self._reconnect_after_server_disconnect())

    async def _reconnect_after_server_disconnect(self) -> None:
        await asyncio.sleep(self._backoff(0))
        await self._connect_in_background()

    async def _on_connect_error(self, data: object = None) -> None:
        code = refusal_code(data)
        if code in AUTH_REFUSAL_CODES:
            message = str(data.get("message", code)) if isinstance(data, Mapping) else code
            self._refusal = (code, message)
            self._set_state(LinkState.UNAUTHORIZED)
        elif self._state is LinkState.LIVE:
            self._set_state(LinkState.RECONNECTING)

    async def _on_batch(self, payload: object = None) -> None:
        try:
            batch = Batch.model_validate(payload)
        except ValidationError as exc:
            self.invalid_messages += 1
            logger.warning("dropping malformed feed batch: %s", exc.errors()[0]["msg"])
            return
        self._inbox.put_nowait(batch)
