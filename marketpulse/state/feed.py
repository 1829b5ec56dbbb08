"""`FeedState`: the one background feed task per browser tab, and how it feeds the other states.

The page's `on_load` calls `start_feed`, which takes a fresh lease and starts `stream_feed`.
Reflex 0.10 runs that task as part of the page's on_load chain and cancels the chain when the
tab's websocket disconnects (tab closed, refreshed, network lost), when the page loads again
after a reconnect, or when the tab navigates: so a tab never keeps a stale task. The lease makes
"exactly one per tab" hold even if two tasks ever overlap (e.g. two workers behind Redis while a
disconnect is still being noticed): only the task holding the current lease writes, and a task
that finds its lease taken stops.

The loop, with every network wait outside the state lock:
1. wait for feed events (at most `IDLE_WAKE_S`) and fold them into the tab's `Desk`;
2. in one short `async with self` block: read what the tab wants (`FeedPlan`: credentials,
   watchlist, chart, update rate, which widgets are open, paused, visible) and, when updates
   may be shown, hand each open widget's state what changed since it was last shown (quotes,
   chart tail, headlines, summary, fired alerts, freshness stamps, link quality);
3. after the block: `FeedSession.reconcile` makes the subscription match the plan, in a task of
   its own, and alert requests are sent by `AlertJobs`; their outcomes are applied next time.
There is no second timer on this side: the feed server already conflates per throttle window.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
import uuid
from collections.abc import AsyncIterator

import reflex as rx

from marketpulse.config import get_config
from marketpulse.feed import Coalesced, FeedClient, LinkState, coalesce
from marketpulse.state.alerts import AlertsState
from marketpulse.state.announcer import AnnouncerState
from marketpulse.state.auth import AuthState
from marketpulse.state.chart import ChartState
from marketpulse.state.connection import ConnectionState
from marketpulse.state.freshness import FreshnessState
from marketpulse.state.layout import LayoutState
from marketpulse.state.market import MarketState
from marketpulse.state.news import NewsState
from marketpulse.state.preferences import PreferencesState
from marketpulse.state.quotes import QuotesState
from marketpulse.state.watchlist import WatchlistState, drop_stored_symbols
from marketpulse.streaming import FeedPlan, FeedSession
from marketpulse.streaming.alert_jobs import AlertJobs, AlertOutcome, AlertRequest
from marketpulse.streaming.announce import ANNOUNCE_INTERVAL_S, biggest_move
from marketpulse.streaming.desk import Desk
from marketpulse.streaming.plan import SyncResult
from realtime_server.protocol import bars_channel

logger = logging.getLogger(__name__)

IDLE_WAKE_S = 0.5
"""Longest wait for feed events before the task looks at the plan again (watchlist, token)."""
METRICS_EVERY_S = 1.0
"""How often the link's round trip and quality gauge are refreshed on the page."""
GUEST_REFUSED_TOAST = "This price feed requires an account: log in to see live prices."
USER_REFUSED_TOAST = "The price feed did not accept your login; it is retried every 30 seconds."

Toasts = list[rx.event.EventSpec]


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclasses.dataclass(slots=True)
class TabView:
    """What the tab shows right now, read inside the lock with the plan."""

    showing: bool
    open_widgets: set[str]
    announce: bool
    watchlist_version: int
    reconnect: bool
    requests: list[AlertRequest]


@dataclasses.dataclass(slots=True)
class TaskMemory:
    """What the task remembers between two blocks (locals of one tab's task)."""

    seen_version: int = -1
    announced_at: float = 0.0
    metrics_at: float = 0.0
    listed_for: str = ""
    """The user whose alert rules were last asked for ("": none yet)."""
    alerts_user: str = ""
    """The user whose alerts the alerts state shows."""
    was_open: set[str] = dataclasses.field(default_factory=set)
    unacked: list[str] = dataclasses.field(default_factory=list)
    """Ids of fired alerts shown since the last acknowledgement was sent."""
    synced_plan: FeedPlan | None = None
    synced_at: float = 0.0

    def due_for_sync(self, plan: FeedPlan, update: Coalesced) -> bool:
        """Sync the subscription when the plan or the link changed, else every `IDLE_WAKE_S`
        (for the session's timed duties: token hand-over, failover, retrying a refusal)."""
        now = time.monotonic()
        if plan == self.synced_plan and update.state is None and now - self.synced_at < IDLE_WAKE_S:
            return False
        self.synced_plan, self.synced_at = plan, now
        return True


class FeedState(rx.State):
    """Owns the tab's feed task; holds nothing the page renders."""

    _lease: str = ""
    """Which feed task may write to this tab's state; a new page load takes a new lease."""

    @rx.event
    async def start_feed(self) -> rx.event.EventSpec:
        """The page's on_load: show the watchlist's rows, take a new lease, start the task."""
        watchlist = await self.get_state(WatchlistState)
        quotes = await self.get_state(QuotesState)
        quotes._show(list(watchlist.symbols), {}, _now_ms())
        connection = await self.get_state(ConnectionState)
        connection._apply_status(LinkState.CONNECTING, None)
        self._lease = uuid.uuid4().hex
        return FeedState.stream_feed(self._lease)

    @rx.event(background=True)
    async def stream_feed(self, lease: str) -> AsyncIterator[rx.event.EventSpec]:
        """Stream the tab's channels from the feed server into its states until cancelled."""
        config = get_config()
        session = FeedSession(
            lambda: FeedClient(
                socketio_path=config.feed_socketio_path,
                request_timeout=config.feed_request_timeout_s,
            ),
            config.feed_url_list(),
            failover_after_s=config.feed_failover_after_s,
        )
        desk = Desk()
        jobs = AlertJobs()
        memory = TaskMemory()
        logger.debug("feed task %s starting", lease[:8])
        try:
            async with self:
                if self._lease != lease:
                    return
                plan, _ = await self._read()
            desk.follow_chart(bars_channel(*plan.chart) if plan.chart else None)
            session.start(plan)
            while True:
                update = coalesce(await session.next_events(IDLE_WAKE_S))
                synced = session.completed()
                outcomes = jobs.completed()
                desk.absorb(update, _now_ms())
                if synced and synced.rejected and synced.plan.user_id:
                    refused = list(synced.rejected)
                    await asyncio.to_thread(drop_stored_symbols, synced.plan.user_id, refused)
                async with self:
                    if self._lease != lease:
                        logger.debug("feed task %s superseded", lease[:8])
                        return
                    plan, view = await self._read()
                    toasts = await self._apply(plan, view, desk, update, session, memory)
                    toasts += await self._apply_sync(synced, outcomes)
                if memory.due_for_sync(plan, update):
                    session.reconcile(plan)
                self._send_alert_requests(session, jobs, plan, view, memory)
                if view.reconnect:
                    await session.reconnect_now(plan)
                for toast in toasts:
                    yield toast
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
                connection._apply_status(LinkState.OFFLINE, None)
            yield rx.toast.error("Live prices stopped after an error. Reload the page to resume.")
        finally:
            await jobs.close()
            await session.close()

    # -- inside the lock --------------------------------------------------------------------------

    async def _read(self) -> tuple[FeedPlan, TabView]:
        """What the tab wants from the feed, and what it shows."""
        auth = await self.get_state(AuthState)
        watchlist = await self.get_state(WatchlistState)
        preferences = await self.get_state(PreferencesState)
        chart = await self.get_state(ChartState)
        layout = await self.get_state(LayoutState)
        connection = await self.get_state(ConnectionState)
        alerts = await self.get_state(AlertsState)
        token = auth._feed_credentials()
        open_widgets = {"quotes", "summary"} | {
            widget
            for widget in ("chart", "movers", "news", "alerts")
            if widget not in layout.collapsed
        }
        plan = FeedPlan(
            credentials_epoch=auth._epoch,
            token=token,
            symbols=tuple(watchlist.symbols),
            throttle_ms=preferences.update_rate_ms,
            user_id=auth._user_id,
            chart=chart._follows(),
            market=True,
            alerts_user=auth._subject if token else "",
        )
        view = TabView(
            showing=connection._showing(),
            open_widgets=open_widgets,
            announce=preferences.announcements,
            watchlist_version=watchlist._version,
            reconnect=connection._take_reconnect(),
            requests=alerts._take_requests(),
        )
        return plan, view

    async def _apply(
        self,
        plan: FeedPlan,
        view: TabView,
        desk: Desk,
        update: Coalesced,
        session: FeedSession,
        memory: TaskMemory,
    ) -> Toasts:
        """Hand each open widget what changed since it was last shown; return toasts to send."""
        connection = await self.get_state(ConnectionState)
        if update.state is not None:
            connection._apply_status(update.state, update.status)
        if time.monotonic() - memory.metrics_at >= METRICS_EVERY_S:
            memory.metrics_at = time.monotonic()
            metrics = session.metrics()
            if metrics is not None:
                connection._apply_metrics(metrics)
        chart = await self.get_state(ChartState)
        desk.follow_chart(bars_channel(*plan.chart) if plan.chart else None)
        if plan.alerts_user != memory.alerts_user:
            memory.alerts_user = plan.alerts_user
            alerts = await self.get_state(AlertsState)
            alerts._reset()
        if not view.showing:
            memory.was_open = set()  # everything is redrawn when the page shows updates again
            return []
        opened = view.open_widgets - memory.was_open
        memory.was_open = set(view.open_widgets)
        if "chart" in opened:
            desk.redraw_chart()
        quotes = await self.get_state(QuotesState)
        quotes._show(list(plan.symbols), desk.take_quotes(), _now_ms())
        if "chart" in view.open_widgets:
            delta = desk.take_chart()
            if delta is not None:
                chart._apply(delta)
        summary = desk.take_summary()
        if "movers" in opened:
            summary = desk.summary  # folded until now: catch the lists up at once
        if summary is not None:
            market = await self.get_state(MarketState)
            market._apply(summary, movers="movers" in view.open_widgets)
        fresh_news = desk.take_news()
        news_due = fresh_news or view.watchlist_version != memory.seen_version or "news" in opened
        if news_due and "news" in view.open_widgets:
            news = await self.get_state(NewsState)
            news._apply(desk.news, fresh_news, list(plan.symbols))
        memory.seen_version = view.watchlist_version
        freshness = await self.get_state(FreshnessState)
        freshness._apply(desk.received_at, {"quotes", "chart", "summary", "news"})
        if view.announce and time.monotonic() - memory.announced_at >= ANNOUNCE_INTERVAL_S:
            sentence = biggest_move(desk.quotes, plan.symbols)
            if sentence:
                memory.announced_at = time.monotonic()
                announcer = await self.get_state(AnnouncerState)
                announcer.text = sentence
        fired = desk.take_fired()
        if not fired:
            return []
        alerts = await self.get_state(AlertsState)
        memory.unacked += [alert.id for alert in fired]
        return alerts._apply_fired(fired)

    async def _apply_sync(self, synced: SyncResult | None, outcomes: list[AlertOutcome]) -> Toasts:
        """Apply what the last subscription sync and alert requests brought back."""
        toasts: Toasts = []
        if synced is not None:
            if synced.rejected:
                watchlist = await self.get_state(WatchlistState)
                watchlist._drop(list(synced.rejected))
            toasts += [rx.toast.warning(m) for m in synced.rejected.values()]
            toasts += [rx.toast.warning(m) for m in synced.refused_other.values()]
        if outcomes:
            alerts = await self.get_state(AlertsState)
            for outcome in outcomes:
                toast = alerts._apply_outcome(outcome)
                if toast is not None:
                    toasts.append(toast)
        return toasts

    # -- after the lock ---------------------------------------------------------------------------

    @staticmethod
    def _send_alert_requests(
        session: FeedSession, jobs: AlertJobs, plan: FeedPlan, view: TabView, memory: TaskMemory
    ) -> None:
        """Send the user's alert requests, list the rules of a new user, ack shown alerts."""
        client = session.client
        if client is None or not plan.alerts_user:
            memory.listed_for = ""
            return
        requests = list(view.requests)
        if memory.listed_for != plan.alerts_user and session.state is LinkState.LIVE:
            memory.listed_for = plan.alerts_user
            requests.insert(0, AlertRequest("list"))
        if memory.unacked:
            requests.append(AlertRequest("ack", alert_ids=tuple(memory.unacked)))
            memory.unacked = []
        if requests:
            jobs.submit(client, requests)  # type: ignore[arg-type]
