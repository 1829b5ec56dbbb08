"""`FeedState`: the one background feed task per browser tab — a thin shell that reads the
tab's states, asks `TabFeed` what to do, and writes the answer back.

The page's `on_load` calls `start_feed`, which takes a fresh lease and starts `stream_feed`.
Reflex 0.10 runs that task as part of the page's on_load chain and cancels the chain when the
tab's websocket disconnects (tab closed, refreshed, network lost), when the page loads again
after a reconnect, or when the tab navigates: so a tab never keeps a stale task. The lease makes
"exactly one per tab" hold even if two tasks ever overlap (e.g. two workers behind Redis while a
disconnect is still being noticed): only the task holding the current lease writes, and a task
that finds its lease taken stops.

The loop, with every network wait outside the state lock:
1. wait for feed events (at most `IDLE_WAKE_S`) and fold them into the tab's `TabFeed`, with
   what the last subscription sync and alert requests brought back;
2. in one short `async with self` block: read a `TabView` from the states, ask the `TabFeed`
   for this round's `Delivery`, and write it into the states;
3. after the block: sync the subscription to the plan (`TabSubscription.reconcile`, a task of
   its own), send alert requests (`AlertJobs`), reconnect if the user asked, and send the round's
   notices as toasts.
There is no second timer on this side: the feed server already conflates per throttle window.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator

import reflex as rx
from reflex.event import EventSpec, EventType

from marketpulse.auth.feed_tokens import mint_feed_token, signing_ready
from marketpulse.config import get_config
from marketpulse.feed import ConnectionStatus, FeedClientConfig, LinkState
from marketpulse.state.alerts import AlertsState
from marketpulse.state.announcer import AnnouncerState
from marketpulse.state.auth import AuthState
from marketpulse.state.catalog import CatalogState
from marketpulse.state.chart import ChartState
from marketpulse.state.connection import ConnectionState
from marketpulse.state.event import event
from marketpulse.state.freshness import FreshnessState
from marketpulse.state.layout import LayoutState
from marketpulse.state.market import MarketState
from marketpulse.state.news import NewsState
from marketpulse.state.preferences import PreferencesState
from marketpulse.state.quotes import QuotesState
from marketpulse.state.source import SourceState
from marketpulse.state.watchlist import WatchlistState
from marketpulse.streaming.alert_jobs import AlertJobs
from marketpulse.streaming.rounds import WIDGETS, Delivery, Notice, TabView
from marketpulse.streaming.subscription import TabSubscription
from marketpulse.streaming.tab_feed import TabFeed
from marketpulse.watchlist.defaults import default_symbols

logger = logging.getLogger(__name__)

IDLE_WAKE_S = 0.5
"""Longest wait for feed events before the task looks at the tab again (watchlist, login)."""
FAILURE_NOTICE = Notice("error", "Live prices stopped after an error. Reload the page to resume.")

Toasts = list[EventSpec]


def _now_ms() -> int:
    return int(time.time() * 1000)


def _toast(notice: Notice) -> EventSpec:
    show = getattr(rx.toast, notice.level)
    return show(notice.text, id=notice.key) if notice.key else show(notice.text)


def _subscription() -> TabSubscription:
    config = get_config()
    client = FeedClientConfig(
        socketio_path=config.feed_socketio_path, request_timeout_s=config.feed_request_timeout_s
    )
    return TabSubscription(client, config.feed_url_list(), mint_feed_token)


class FeedState(rx.State):
    """Owns the tab's feed task; holds nothing the page renders."""

    _lease: str = ""
    """Which feed task may write to this tab's state; a new page load takes a new lease."""

    @event
    async def start_feed(self) -> EventType[()]:
        """The page's on_load: show the watchlist's rows, take a new lease, start the task."""
        watchlist = await self.get_state(WatchlistState)
        quotes = await self.get_state(QuotesState)
        quotes._follow(list(watchlist.symbols))
        connection = await self.get_state(ConnectionState)
        connection._apply_status(ConnectionStatus(LinkState.CONNECTING))
        self._lease = uuid.uuid4().hex
        return FeedState.stream_feed(self._lease)

    @event(background=True)
    async def stream_feed(self, lease: str) -> AsyncIterator[EventSpec]:
        """Stream the tab's channels from the feed server into its states until cancelled."""
        subscription = _subscription()
        tab = TabFeed()
        jobs = AlertJobs()
        logger.debug("feed task %s starting", lease[:8])
        try:
            async with self:
                if self._lease != lease:
                    return
                view, _ = await self._read()
            subscription.start(tab.begin(view))
            while True:
                tab.desk.fold(await subscription.next_events(IDLE_WAKE_S), _now_ms())
                tab.took_sync(subscription.completed())
                tab.took_outcomes(jobs.completed())
                async with self:
                    if self._lease != lease:
                        logger.debug("feed task %s superseded", lease[:8])
                        return
                    view, reconnect = await self._read()
                    delivery = tab.deliver(view, _now_ms(), subscription.metrics)
                    toasts = await self._write(delivery)
                plan = tab.plan(view)
                if tab.due_for_sync(plan, link_changed=delivery.link is not None):
                    subscription.reconcile(plan)
                requests = tab.alert_requests(view, subscription.state is LinkState.LIVE)
                if requests and subscription.client is not None:
                    jobs.submit(subscription.client, requests)
                if reconnect:
                    await subscription.reconnect_now(plan)
                for toast in toasts:
                    yield toast
        except asyncio.CancelledError:
            logger.debug("feed task %s cancelled", lease[:8])
            raise
        except Exception:
            logger.exception("feed task %s failed", lease[:8])
            async with self:
                connection = await self.get_state(ConnectionState)
                connection._apply_status(ConnectionStatus(LinkState.OFFLINE, reason="failed"))
            yield _toast(FAILURE_NOTICE)
        finally:
            await jobs.close()
            await subscription.close()

    # -- inside the lock --------------------------------------------------------------------------

    async def _read(self) -> tuple[TabView, bool]:
        """What the tab's states say, and whether the user asked to reconnect."""
        auth = await self.get_state(AuthState)
        watchlist = await self.get_state(WatchlistState)
        preferences = await self.get_state(PreferencesState)
        chart = await self.get_state(ChartState)
        layout = await self.get_state(LayoutState)
        connection = await self.get_state(ConnectionState)
        alerts = await self.get_state(AlertsState)
        view = TabView(
            subject=auth._subject if auth._subject and signing_ready() else "",
            user_id=auth._user_id,
            symbols=tuple(watchlist.symbols),
            throttle_ms=preferences.update_rate_ms,
            chart=chart._follows(),
            showing=connection._showing(),
            open_widgets=WIDGETS.difference(layout.collapsed),
            announce=preferences.announcements,
            watchlist_version=watchlist._version,
            default_watchlist=list(watchlist.symbols) == default_symbols(),
            alert_requests=tuple(alerts._take_requests()),
        )
        return view, connection._take_reconnect()

    async def _write(self, delivery: Delivery) -> Toasts:
        """Give each state what the round delivers; return the toasts to send."""
        if delivery.link is not None:
            connection = await self.get_state(ConnectionState)
            connection._apply_status(delivery.link)
        if delivery.metrics is not None:
            connection = await self.get_state(ConnectionState)
            connection._apply_metrics(delivery.metrics)
        if delivery.catalog is not None:
            catalog = await self.get_state(CatalogState)
            catalog._apply(delivery.catalog)
        if delivery.source is not None:
            source = await self.get_state(SourceState)
            source._apply(delivery.source, _now_ms())
        if delivery.watchlist_start:
            watchlist = await self.get_state(WatchlistState)
            watchlist._set(list(delivery.watchlist_start))
        if delivery.chart_symbol:
            chart = await self.get_state(ChartState)
            chart._follow_symbol(delivery.chart_symbol)
        if delivery.watchlist is not None:
            quotes = await self.get_state(QuotesState)
            quotes._show(delivery.watchlist, _now_ms())
        if delivery.chart is not None or delivery.chart_instrument is not None:
            chart = await self.get_state(ChartState)
            if delivery.chart_instrument is not None:
                chart._describe(*delivery.chart_instrument)
            if delivery.chart is not None:
                chart._apply(delivery.chart)
        if delivery.summary is not None:
            market = await self.get_state(MarketState)
            market._apply(delivery.summary, delivery.movers, delivery.named_by)
        if delivery.news is not None:
            news = await self.get_state(NewsState)
            news._apply(delivery.news.rows, delivery.news.fresh, list(delivery.news.symbols))
        if delivery.freshness:
            freshness = await self.get_state(FreshnessState)
            freshness._apply(delivery.freshness)
        if delivery.announcement:
            announcer = await self.get_state(AnnouncerState)
            announcer._say(delivery.announcement)
        toasts = [_toast(notice) for notice in delivery.notices]
        if delivery.alerts_reset or delivery.fired or delivery.alert_outcomes:
            alerts = await self.get_state(AlertsState)
            if delivery.alerts_reset:
                alerts._reset()
            for outcome in delivery.alert_outcomes:
                toast = alerts._apply_outcome(outcome)
                if toast is not None:
                    toasts.append(toast)
            toasts += alerts._apply_fired(delivery.fired)
        return toasts
