"""`LiveDuties`: everything the client does while one socket is connected.

    resubscribe every held channel with `since` (recovered news is replayed, the rest reset)
    → live → until the socket closes, side by side:
        drain the outbound queue in order     ping (RTT, reported to the server)
        refresh the token before expiry       recover gaps (resubscribe with `since`)

A failure that leaves the connection in doubt (a resubscribe or recovery that times out,
unanswered pings) closes the socket: the link then reconnects and `since` recovers the rest.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence

from pydantic import BaseModel

from marketpulse.feed.context import FeedContext
from marketpulse.feed.errors import FeedError, FeedNotConnectedError, FeedRequestError
from marketpulse.feed.events import SubscriptionRefused
from marketpulse.feed.messages import now_ms
from marketpulse.feed.outbox import OutboundRequest
from marketpulse.feed.transport import FeedSocket
from realtime_server.protocol import (
    EVENT_PING,
    EVENT_REFRESH,
    EVENT_SUBSCRIBE,
    MAX_CHANNELS_PER_REQUEST,
    MAX_THROTTLE_MS,
    PingAck,
    PingRequest,
    Position,
    RefreshAck,
    RefreshRequest,
    SubscribeAck,
    SubscribeRequest,
)

logger = logging.getLogger(__name__)

MIN_REFRESH_GAP_S = 0.5
"""Never refresh the token more often than this (a provider returning stale tokens)."""
MAX_RTT_MS = 600_000.0


class LiveDuties:
    """One connected socket's duties; `run` returns when the socket is gone."""

    def __init__(self, ctx: FeedContext, socket: FeedSocket, go_live: Callable[[], None]) -> None:
        self.ctx = ctx
        self.socket = socket
        self._go_live = go_live
        self.went_live = False

    async def run(self) -> None:
        if not await self._resubscribe():
            return
        self.went_live = True
        self._go_live()
        tasks = [
            asyncio.create_task(self._drain(), name="feed-outbox"),
            asyncio.create_task(self._ping(), name="feed-ping"),
            asyncio.create_task(self._refresh(), name="feed-refresh"),
            asyncio.create_task(self._recover(), name="feed-recover"),
        ]
        try:
            await self.socket.closed.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def ping(self) -> PingAck:
        """One app-level ping; records the round trip and reports the last one to the server."""
        last = self.ctx.metrics.rtt.last
        request = PingRequest(
            id=self.ctx.next_id("ping"),
            client_ts=now_ms(),
            rtt_ms=min(last, MAX_RTT_MS) if last is not None else None,
        )
        started = time.monotonic()
        ack = await self.socket.request(EVENT_PING, request.model_dump(mode="json"), PingAck)
        self.ctx.metrics.rtt.add((time.monotonic() - started) * 1000)
        return ack

    async def send(self, request: OutboundRequest) -> BaseModel:
        """The outbox's sender: one queued request on this socket."""
        if not self.socket.connected:
            raise FeedNotConnectedError(f"cannot send {request.event!r}: not connected")
        payload = request.build(self.ctx.next_id(request.event)).model_dump(mode="json")
        request.sent = True
        return await self.socket.request(
            request.event, payload, request.ack_model, on_ack=request.on_ack
        )

    # -- after connecting ------------------------------------------------------------------------

    async def _resubscribe(self) -> bool:
        """Subscribe to every held channel with `since`; False if the socket is unusable."""
        sequencer = self.ctx.sequencer
        channels, since = sequencer.channels(), sequencer.positions()
        reason = "resubscribe" if since else "subscribe"
        try:
            for start in range(0, len(channels), MAX_CHANNELS_PER_REQUEST):
                chunk = channels[start : start + MAX_CHANNELS_PER_REQUEST]
                try:
                    await self._subscribe(chunk, since, reason)
                except FeedRequestError as exc:
                    if exc.code == "rate_limited":
                        raise
                    await self._subscribe_each(chunk, since, exc)
        except FeedError as exc:
            logger.warning("feed resubscribe failed (%s); reconnecting", exc)
            await self.socket.close()
            return False
        return True

    async def _subscribe(
        self, channels: Sequence[str], since: dict[str, Position], reason: str
    ) -> SubscribeAck:
        request = SubscribeRequest(
            id=self.ctx.next_id("resub"),
            channels=list(channels),
            throttle_ms=min(self.ctx.throttle_ms, MAX_THROTTLE_MS),
            since={name: since[name] for name in channels if name in since},
        )
        return await self.socket.request(
            EVENT_SUBSCRIBE,
            request.model_dump(mode="json"),
            SubscribeAck,
            on_ack=lambda ack: self.ctx.apply_subscribe_ack(ack, requested=channels, reason=reason),
        )

    async def _subscribe_each(
        self, channels: Sequence[str], since: dict[str, Position], refusal: FeedRequestError
    ) -> None:
        """A chunk was refused: find and drop the channels the server no longer accepts."""
        logger.warning("feed refused resubscribing %d channels (%s)", len(channels), refusal)
        for name in channels:
            try:
                await self._subscribe([name], since, "resubscribe")
            except FeedRequestError as exc:
                if exc.code == "rate_limited":
                    raise
                self.ctx.sequencer.drop([name])
                self.ctx.emit([SubscriptionRefused((name,), exc.code, exc.message)])

    # -- while live --------------------------------------------------------------------------------

    async def _drain(self) -> None:
        while True:
            await self.ctx.outbox.wait()
            try:
                await self.ctx.outbox.drain(self.send)
            except FeedNotConnectedError:
                return

    async def _ping(self) -> None:
        interval = self.ctx.config.ping_interval_s
        if interval <= 0:
            return
        failures = 0
        while True:
            try:
                await self.ping()
                failures = 0
            except FeedNotConnectedError:
                return
            except FeedError as exc:
                failures += 1
                self.ctx.metrics.counters.ping_failures += 1
                if failures >= self.ctx.config.ping_failures_before_reconnect:
                    logger.warning("feed pings unanswered (%s); reconnecting", exc)
                    await self.socket.close()
                    return
            await asyncio.sleep(interval)

    async def _refresh(self) -> None:
        keeper = self.ctx.keeper
        gap = 0.0
        while (wait := keeper.seconds_until_refresh()) is not None:
            await asyncio.sleep(max(wait, gap))
            gap = MIN_REFRESH_GAP_S
            try:
                token = await keeper.mint()
            except Exception:
                logger.exception("feed token provider failed; retrying")
                continue
            if token is None:
                return
            request = RefreshRequest(id=self.ctx.next_id("refresh"), token=token)
            try:
                await self.socket.request(
                    EVENT_REFRESH, request.model_dump(mode="json"), RefreshAck
                )
            except FeedNotConnectedError:
                return
            except FeedError as exc:
                logger.warning("feed token refresh failed: %s", exc)
                continue
            self.ctx.metrics.counters.token_refreshes += 1

    async def _recover(self) -> None:
        while True:
            await self.ctx.gap_found.wait()
            channels = self.ctx.take_gaps()
            if not channels:
                continue
            logger.info("feed gap on %s; recovering with since", channels)
            try:
                await self._subscribe(channels, self.ctx.sequencer.positions(), "gap")
            except FeedError as exc:
                logger.warning("feed gap recovery failed (%s); reconnecting", exc)
                with contextlib.suppress(Exception):
                    await self.socket.close()
                return
