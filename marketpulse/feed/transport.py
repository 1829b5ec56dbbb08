"""One Socket.IO connection to `/feed`: open it, send requests with acks, see it close.

A fresh `FeedSocket` (with its own python-socketio `AsyncClient`, reconnection off) serves one
attempt and, if it succeeds, one connection: the link decides about retries, failover and
backoff, so no library state leaks from one attempt into the next.

Ordering: python-socketio runs each incoming packet in its own task, in arrival order, and
calls plain (non-async) handlers and ack callbacks without yielding first. So the batch
callback and the ack callbacks given to `request` run strictly in arrival order — a subscribe
ack is applied before any batch the server sent after it. Keep those callbacks synchronous.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
import socketio
from socketio import exceptions as sio_exceptions

from marketpulse.feed.config import FeedClientConfig
from marketpulse.feed.errors import (
    ConnectFailureKind,
    FeedConnectError,
    FeedConnectionLostError,
    FeedError,
    FeedNotConnectedError,
    FeedProtocolError,
    FeedTimeoutError,
)
from marketpulse.feed.messages import (
    AckT,
    parse_ack,
    parse_goodbye,
    refusal_code,
    refusal_message,
)
from realtime_server.protocol import EVENT_BATCH, EVENT_GOODBYE, NAMESPACE, Goodbye

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT_S = 2.0


class FeedSocket:
    """A single connection; see the module docstring."""

    def __init__(
        self,
        config: FeedClientConfig,
        on_batch: Callable[[object], None],
        on_invalid: Callable[[str], None],
    ) -> None:
        self._config = config
        self._on_batch = on_batch
        self._on_invalid = on_invalid
        self._sio = socketio.AsyncClient(
            reconnection=False, handle_sigint=False, request_timeout=config.request_timeout_s
        )
        self._sio.on("connect_error", self._handle_connect_error, namespace=NAMESPACE)
        self._sio.on("disconnect", self._handle_disconnect, namespace=NAMESPACE)
        self._sio.on(EVENT_BATCH, self._handle_batch, namespace=NAMESPACE)
        self._sio.on(EVENT_GOODBYE, self._handle_goodbye, namespace=NAMESPACE)
        self._refusal: tuple[str, str] | None = None
        self._pending: set[asyncio.Future[Any]] = set()
        self.closed = asyncio.Event()
        """Set once the connection is gone (or the attempt failed)."""
        self.goodbye: Goodbye | None = None
        """The server's `goodbye`, if it sent one before closing."""
        self.disconnect_reason = ""
        self.url = ""

    @property
    def connected(self) -> bool:
        return not self.closed.is_set() and NAMESPACE in self._sio.namespaces

    async def open(self, url: str, token: str | None) -> None:
        """Connect and join `/feed`; `FeedConnectError` (with its `kind`) when it fails."""
        self.url = url
        timeout = self._config.connect_timeout_s
        try:
            async with asyncio.timeout(timeout):
                await self._sio.connect(
                    url,
                    auth={"token": token} if token else None,
                    namespaces=[NAMESPACE],
                    transports=list(self._config.transports),
                    socketio_path=self._config.socketio_path,
                    wait_timeout=timeout,
                )
        except TimeoutError:
            await self.close()
            raise FeedConnectError(f"no answer from {url} within {timeout}s", "timeout") from None
        except asyncio.CancelledError:
            # Cancelled mid-handshake (the client is closing, e.g. its tab went away): the
            # Engine.IO socket may already be up and would otherwise join the namespace, and
            # answer pings, on its own for good. The close survives a second cancellation.
            await asyncio.shield(self.close())
            raise
        except (sio_exceptions.ConnectionError, ValueError) as exc:
            await self.close()
            if self._refusal is not None:
                code, message = self._refusal
                raise FeedConnectError(f"{code}: {message}", "refused", code) from None
            raise FeedConnectError(f"cannot reach {url}: {exc}", _classify(exc)) from None

    async def request(
        self,
        event: str,
        payload: dict[str, Any],
        model: type[AckT],
        on_ack: Callable[[AckT], None] | None = None,
    ) -> AckT:
        """Send one request and return its ack; `on_ack` runs in message order first.

        Raises `FeedRequestError` (refused), `FeedTimeoutError`, `FeedNotConnectedError` (not
        sent) or `FeedConnectionLostError` (sent, then the connection dropped).
        """
        if not self.connected:
            raise FeedNotConnectedError(f"cannot send {event!r}: not connected")
        future: asyncio.Future[AckT] = asyncio.get_running_loop().create_future()

        def acknowledged(*args: object) -> None:
            if future.done():
                return  # timed out meanwhile
            try:
                ack = parse_ack(args[0] if len(args) == 1 else list(args), model)
                if on_ack is not None:
                    on_ack(ack)
            except FeedError as exc:
                future.set_exception(exc)
            except Exception as exc:  # a bug in on_ack: surface it to the caller
                logger.exception("applying the %s ack failed", event)
                future.set_exception(FeedProtocolError(f"applying the {event} ack failed: {exc}"))
            else:
                future.set_result(ack)

        self._pending.add(future)
        try:
            try:
                await self._sio.emit(event, payload, namespace=NAMESPACE, callback=acknowledged)
            except sio_exceptions.BadNamespaceError:
                raise FeedNotConnectedError(f"cannot send {event!r}: not connected") from None
            return await await_ack(future, self._config.request_timeout_s, event)
        finally:
            self._pending.discard(future)

    async def close(self) -> None:
        """Disconnect (if connected) and release everything the attempt held. Idempotent."""
        self._fail_pending()
        sio = self._sio
        try:
            async with asyncio.timeout(CLOSE_TIMEOUT_S):
                await sio.shutdown()
        except Exception as exc:  # a half-dead transport: abort it below
            logger.debug("feed socket shutdown: %r", exc)
        finally:
            with contextlib.suppress(Exception):
                if sio.eio.state == "connected":
                    await sio.eio.disconnect(abort=True)
            http = sio.eio.http
            if http is not None and not http.closed:
                await http.close()
            self.closed.set()

    # -- Socket.IO handlers: synchronous on purpose (see the module docstring) -----------------

    def _handle_connect_error(self, data: object = None) -> None:
        code = refusal_code(data)
        if code is not None and code != "Connection error":
            self._refusal = (code, refusal_message(data, code))

    def _handle_disconnect(self, reason: object = None) -> None:
        self.disconnect_reason = str(reason or "")
        self._fail_pending()
        self.closed.set()

    def _handle_batch(self, payload: object = None) -> None:
        self._on_batch(payload)

    def _handle_goodbye(self, payload: object = None) -> None:
        try:
            self.goodbye = parse_goodbye(payload)
        except FeedProtocolError as exc:
            self._on_invalid(str(exc))

    def _fail_pending(self) -> None:
        for future in list(self._pending):
            if not future.done():
                future.set_exception(FeedConnectionLostError("the connection dropped"))
        self._pending.clear()


async def await_ack(future: asyncio.Future[AckT], timeout_s: float, event: str) -> AckT:
    """The ack `future` resolves to, or `FeedTimeoutError` after `timeout_s`.

    Not `asyncio.wait_for`: on Python 3.11 it returns the result instead of raising when a
    cancellation arrives in the same turn as the ack, and a task that is being cancelled then
    goes on running (a tab's feed client that never finished closing, seen on a loaded
    machine). `asyncio.timeout` always lets the cancellation through.
    """
    try:
        async with asyncio.timeout(timeout_s):
            return await future
    except TimeoutError:
        raise FeedTimeoutError(f"no ack to {event!r} within {timeout_s}s") from None


def _classify(exc: BaseException) -> ConnectFailureKind:
    """Tell a blocked WebSocket (HTTP answered, upgrade refused) from an unreachable server."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, aiohttp.WSServerHandshakeError):
            return "blocked"
        if isinstance(cause, asyncio.TimeoutError):
            return "timeout"
        cause = cause.__cause__ or cause.__context__
    return "unreachable"
