"""`QuotesState`: the watchlist's rows, and the one background feed task per browser tab.

The page's `on_load` calls `start_feed`, which takes a fresh lease and starts `stream_feed`.
Reflex 0.10 runs that task as part of the page's on_load chain and cancels the chain when the
tab's websocket disconnects (tab closed, refreshed, network lost), when the page loads again
after a reconnect, or when the tab navigates: so a tab never keeps a stale task. The lease makes
"exactly one per tab" hold even if two tasks ever overlap (e.g. two workers behind Redis while a
disconnect is still being noticed): only the task holding the current lease writes, and a task
that finds its lease taken stops.

The task's loop: wait for feed events outside the state lock, take everything queued meanwhile,
fold it (latest quote per channel, latest link state) and apply it in one short `async with
self` block. No network I/O ever happens inside that block, and there is no second timer on this
side: the feed server already conflates per throttle window.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid

import reflex as rx

from marketpulse.feed import FeedClient, LinkState, coalesce
from marketpulse.rows import QuoteRow, apply_quotes, initial_rows
from marketpulse.settings import get_settings
from marketpulse.state.connection import ConnectionState
from marketpulse.watchlist_defaults import DEFAULT_WATCHLIST
from realtime_server.protocol import price_channel

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT_S = 2.0
"""How long a stopping task waits for its feed connection to close."""


class QuotesState(rx.State):
    """Hot state: the watchlist's rows. Nothing else lives here, so deltas stay small."""

    rows: list[QuoteRow] = rx.field(default_factory=lambda: initial_rows(DEFAULT_WATCHLIST))

    _lease: str = ""
    """Which feed task may write to this tab's state; a new page load takes a new lease."""

    @rx.event
    def start_feed(self) -> rx.event.EventSpec:
        """The page's on_load: take a new lease and start the feed task holding it."""
        self._lease = uuid.uuid4().hex
        return QuotesState.stream_feed(self._lease)

    @rx.event(background=True)
    async def stream_feed(self, lease: str) -> None:
        """Stream the watchlist's quotes from the feed server into this tab until cancelled."""
        settings = get_settings()
        client = FeedClient(
            socketio_path=settings.feed_socketio_path,
            request_timeout=settings.feed_request_timeout_s,
        )
        channels = [price_channel(symbol) for symbol in DEFAULT_WATCHLIST]
        logger.debug("feed task %s starting", lease[:8])
        try:
            client.start(settings.feed_url, channels, settings.feed_throttle_ms)
            while True:
                update = coalesce(await client.next_events())
                async with self:
                    if self._lease != lease:
                        logger.debug("feed task %s superseded", lease[:8])
                        return
                    if update.quotes:
                        now_ms = int(time.time() * 1000)
                        self.rows = apply_quotes(self.rows, update.quotes, now_ms)
                    if update.state is not None:
                        connection = await self.get_state(ConnectionState)
                        connection.status = update.state.value
        except asyncio.CancelledError:
            logger.debug("feed task %s cancelled", lease[:8])
            raise
        except Exception:
            logger.exception("feed task %s failed", lease[:8])
            async with self:
                connection = await self.get_state(ConnectionState)
                connection.status = LinkState.OFFLINE.value
        finally:
            with contextlib.suppress(Exception, asyncio.TimeoutError):
                await asyncio.wait_for(client.close(), CLOSE_TIMEOUT_S)
