"""The outbound queue: subscription changes and alert operations, sent in order, each acked.

Every such request goes through here, live or not, so their order is the caller's order. While
the socket is up the queue drains at once; while it is down requests wait (up to `max_size`,
then `FeedQueueFullError`) and drain after the reconnect, one at a time, each confirmed by its
ack before the next is sent. The caller awaits a future that resolves with the ack or raises a
typed error (`FeedRequestError` for a refusal, `FeedTimeoutError`, `FeedClosedError`, ...).

A request sent just before the socket dropped may or may not have been applied. If sending it
again is harmless (`resend_safe`: subscribe, unsubscribe, modify, alert_list, alert_ack) it is
sent again after the reconnect; otherwise (alert_create, alert_delete) its caller gets
`FeedConnectionLostError` and decides.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel

from marketpulse.feed.errors import (
    FeedConnectionLostError,
    FeedError,
    FeedNotConnectedError,
    FeedQueueFullError,
)
from realtime_server.protocol import Request


@dataclasses.dataclass(eq=False, slots=True)
class OutboundRequest:
    """One queued request and the future its caller awaits."""

    event: str
    build: Callable[[str], Request]
    """Makes the request model for a given request id (a fresh id per send)."""
    ack_model: type[BaseModel]
    future: asyncio.Future[Any]
    resend_safe: bool = True
    on_ack: Callable[[Any], None] | None = None
    """Runs on the ack, in message order, before the future resolves."""
    sent: bool = False
    """Set by the sender once the request is on the wire."""


Send = Callable[[OutboundRequest], Awaitable[BaseModel]]
"""Sends one request and returns its ack. Raises `FeedNotConnectedError` if it could not be
sent, `FeedConnectionLostError` if the socket dropped before the ack."""


class Outbox:
    """A bounded FIFO of `OutboundRequest`s; see the module docstring."""

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._queue: deque[OutboundRequest] = deque()
        self._waiting = asyncio.Event()

    def __len__(self) -> int:
        return len(self._queue)

    def put(self, request: OutboundRequest) -> None:
        """Queue a request behind every earlier one; `FeedQueueFullError` when full."""
        if len(self._queue) >= self.max_size:
            raise FeedQueueFullError(
                f"{len(self._queue)} requests already wait for the connection "
                f"(outbox_size={self.max_size}); {request.event!r} refused"
            )
        self._queue.append(request)
        self._waiting.set()

    async def wait(self) -> None:
        """Return once a request is waiting."""
        while not self._queue:
            self._waiting.clear()
            await self._waiting.wait()

    async def drain(self, send: Send) -> None:
        """Send every queued request in order, each after the previous one's ack.

        Returns when the queue is empty; raises `FeedNotConnectedError` (leaving the unsent
        rest queued) when the socket is gone.
        """
        while self._queue:
            request = self._queue[0]
            if request.future.done():  # its caller gave up waiting
                self._queue.popleft()
                continue
            if request.sent and not request.resend_safe:
                self._queue.popleft()
                _fail(request, FeedConnectionLostError(_lost(request)))
                continue
            try:
                ack = await send(request)
            except FeedConnectionLostError as exc:
                if not request.resend_safe:
                    self._queue.popleft()
                    _fail(request, FeedConnectionLostError(_lost(request)))
                raise FeedNotConnectedError(str(exc)) from None
            except FeedNotConnectedError:
                raise
            except FeedError as exc:
                self._queue.popleft()
                _fail(request, exc)
                continue
            self._queue.popleft()
            if not request.future.done():
                request.future.set_result(ack)

    def fail_all(self, exc: FeedError) -> None:
        """Fail every queued request (the client is closing)."""
        while self._queue:
            _fail(self._queue.popleft(), exc)


def _fail(request: OutboundRequest, exc: FeedError) -> None:
    if not request.future.done():
        request.future.set_exception(exc)


def _lost(request: OutboundRequest) -> str:
    return f"the connection dropped before {request.event!r} was acknowledged; outcome unknown"
