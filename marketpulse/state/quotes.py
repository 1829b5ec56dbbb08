"""`QuotesState`: the watchlist's rows, and the one background feed task per browser tab.

The page's `on_load` calls `start_feed`, which takes a fresh lease and starts `stream_feed`.
Reflex 0.10 runs that task as part of the page's on_load chain and cancels the chain when the
tab's websocket disconnects (tab closed, refreshed, network lost), when the page loads again
after a reconnect, or when the tab navigates: so a tab never keeps a stale task. The lease makes
"exactly one per tab" hold even if two tasks ever overlap (e.g. two workers behind Redis while a
disconnect is still being noticed): only the task holding the current lease writes, and a task
that finds its lease taken stops.

The task's loop: wait for feed events outside the state lock (at most `IDLE_WAKE_S`), then in one
short `async with self` block apply them (latest quote per channel, latest link state) and read
what the tab wants (`FeedPlan`: credentials, watchlist, update rate; a changed watchlist
`_version` reshapes the rows there and then). After the block, `FeedSession.reconcile` makes the
feed subscription match the plan in a task of its own: every network call happens outside the
lock, and a slow acknowledgement never holds up the events. Its outcome (snapshot quotes,
symbols the feed refused) is applied in the next block. There is no second timer on this side:
the feed server already conflates per throttle window.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator

import reflex as rx

from marketpulse.feed import FeedClient, LinkState, coalesce
from marketpulse.rows import QuoteRow, apply_quotes, initial_rows, reshape_rows
from marketpulse.settings import get_settings
from marketpulse.state.announcer import AnnouncerState
from marketpulse.state.auth import AuthState
from marketpulse.state.connection import ConnectionState
from marketpulse.state.settings import SettingsState
from marketpulse.state.watchlist import WatchlistState, drop_stored_symbols
from marketpulse.streaming import FeedPlan, FeedSession
from marketpulse.streaming.announce import ANNOUNCE_INTERVAL_S, biggest_move
from marketpulse.symbols import company_name
from marketpulse.watchlist_defaults import DEFAULT_WATCHLIST
from realtime_server.protocol import Quote

logger = logging.getLogger(__name__)

IDLE_WAKE_S = 0.5
"""Longest wait for feed events before the task looks at the plan again (watchlist, token)."""
GUEST_REFUSED_TOAST = "This price feed requires an account: log in to see live prices."
USER_REFUSED_TOAST = "The price feed did not accept your login; it is retried every 30 seconds."


def _now_ms() -> int:
    return int(time.time() * 1000)


class QuotesState(rx.State):
    """Hot state: the watchlist's rows. Nothing else lives here, so deltas stay small."""

    rows: list[QuoteRow] = rx.field(default_factory=lambda: initial_rows(DEFAULT_WATCHLIST))

    _lease: str = ""
    """Which feed task may write to this tab's state; a new page load takes a new lease."""

    @rx.event
    async def start_feed(self) -> rx.event.EventSpec:
        """The page's on_load: show the watchlist's rows, take a new lease, start the task."""
        watchlist = await self.get_state(WatchlistState)
        self.rows = reshape_rows(self.rows, watchlist.symbols, company_name)
        connection = await self.get_state(ConnectionState)
        connection.status = LinkState.CONNECTING.value
        self._lease = uuid.uuid4().hex
        return QuotesState.stream_feed(self._lease)

    @rx.event(background=True)
    async def stream_feed(self, lease: str) -> AsyncIterator[rx.event.EventSpec]:
        """Stream the watchlist's quotes from the feed server into this tab until cancelled."""
        settings = get_settings()
        session = FeedSession(
            lambda: FeedClient(
                socketio_path=settings.feed_socketio_path,
                request_timeout=settings.feed_request_timeout_s,
            ),
            settings.feed_url_list(),
            failover_after_s=settings.feed_failover_after_s,
        )
        latest: dict[str, Quote] = {}
        seen_version = -1
        announced_at = 0.0
        logger.debug("feed task %s starting", lease[:8])
        try:
            async with self:
                if self._lease != lease:
                    return
                plan, _, _ = await self._read_plan()
            session.start(plan)
            while True:
                update = coalesce(await session.next_events(IDLE_WAKE_S))
                synced = session.completed()
                quotes = {**synced.quotes, **update.quotes} if synced else update.quotes
                refused = list(synced.rejected) if synced else []
                latest.update((quote.symbol, quote) for quote in quotes.values())
                if refused and synced and synced.plan.user_id:
                    await asyncio.to_thread(drop_stored_symbols, synced.plan.user_id, refused)
                async with self:
                    if self._lease != lease:
                        logger.debug("feed task %s superseded", lease[:8])
                        return
                    if refused:
                        watchlist = await self.get_state(WatchlistState)
                        watchlist._drop(refused)
                    plan, version, announce = await self._read_plan()
                    if version != seen_version:
                        self.rows = reshape_rows(self.rows, plan.symbols, company_name)
                        seen_version = version
                    if quotes:
                        self.rows = apply_quotes(self.rows, quotes, _now_ms())
                    if update.state is not None:
                        connection = await self.get_state(ConnectionState)
                        connection.status = update.state.value
                    if announce and time.monotonic() - announced_at >= ANNOUNCE_INTERVAL_S:
                        sentence = biggest_move(latest, plan.symbols)
                        if sentence:
                            announced_at = time.monotonic()
                            announcer = await self.get_state(AnnouncerState)
                            announcer.text = sentence
                session.reconcile(plan)
                if synced:
                    for message in synced.rejected.values():
                        yield rx.toast.warning(message)
                if update.state is LinkState.UNAUTHORIZED and session.refused(plan):
                    message = USER_REFUSED_TOAST if plan.token else GUEST_REFUSED_TOAST
                    yield rx.toast.error(message, id="feed-unauthorized")
        except asyncio.CancelledError:
            logger.debug("feed task %s cancelled", lease[:8])
            raise
        except Exception:
            logger.exception("feed task %s failed", lease[:8])
            async with self:
                connection = await self.get_state(ConnectionState)
                connection.status = LinkState.OFFLINE.value
            yield rx.toast.error("Live prices stopped after an error. Reload the page to resume.")
        finally:
            await session.close()

    async def _read_plan(self) -> tuple[FeedPlan, int, bool]:
        """(what the tab wants from the feed, the watchlist's version, announcements on?)."""
        auth = await self.get_state(AuthState)
        watchlist = await self.get_state(WatchlistState)
        preferences = await self.get_state(SettingsState)
        plan = FeedPlan(
            credentials_epoch=auth._epoch,
            token=auth._feed_credentials(),
            symbols=tuple(watchlist.symbols),
            throttle_ms=preferences.update_rate_ms,
            user_id=auth._user_id,
        )
        return plan, watchlist._version, preferences.announcements
