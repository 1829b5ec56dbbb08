"""`TabFeed`: what one tab's feed task decides, as a plain object — the plan, and each round's
delivery to every widget.

The task owns one `TabFeed` for the tab's life and starts from `begin(view)`. Between two
rounds it folds feed events, sync results and alert outcomes in (`desk.fold`, `took_sync`,
`took_outcomes`); in each round it reads a `TabView` from the states and asks
`deliver(view, ...)` for the `Delivery` to write back.
After the lock, `plan(view)` is what the subscription is synced to (`due_for_sync` says when),
and `alert_requests` what to send. Nothing here knows Reflex or sockets.

What a round delivers: when the feed's catalog arrives and a guest's watchlist is of another
market (none of its symbols traded here, or it is still the default list and some are not:
the built-in large caps under a crypto exchange or a replay of a few stocks), it starts from
the catalog's first instruments instead (no notice per symbol of the list it left); a chart on
a symbol not traded here moves to the watchlist's first. Then the link's status when it
changed and its figures once a second; the source badge's words when the source's status
changed (to a paused or hidden tab only when the source went down or came back: the badge must
never vouch for a source that stopped); while updates are shown (tab visible, not paused), to
each open widget what changed since it was last shown — a widget opened again (or the whole
page resumed) catches up at once, the chart with its whole window; the watchlist but the
symbols the feed refused (with a notice; hidden for the tab's life, never taken off a stored
list); fired alerts; the spoken summary at most every `ANNOUNCE_INTERVAL_S`; a notice when the
feed refuses the tab (its credentials, or too many connections and other refusals, with the
retry).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from marketpulse.display.catalog import EMPTY_CATALOG, Catalog
from marketpulse.display.source import source_view
from marketpulse.feed import FeedMetricsSnapshot, LinkState
from marketpulse.streaming.alert_jobs import AlertOutcome, AlertRequest
from marketpulse.streaming.announce import ANNOUNCE_INTERVAL_S, biggest_move
from marketpulse.streaming.desk import Desk
from marketpulse.streaming.plan import FeedPlan, SyncResult
from marketpulse.streaming.refusals import link_refusal_message, refusal_message
from marketpulse.streaming.rounds import (
    Delivery,
    NewsDelivery,
    Notice,
    TabView,
    WatchlistDelivery,
)
from marketpulse.streaming.subscription import UNAUTHORIZED_RETRY_S
from realtime_server.protocol import ChannelKind, bars_channel, parse_channel

SYNC_EVERY_S = 0.5
"""Sync the subscription at least this often (its timed duty: retrying a refused login)."""
METRICS_EVERY_S = 1.0
"""How often the link's round trip and quality gauge are refreshed on the page."""
FRESHNESS_WIDGETS = ("quotes", "chart", "summary", "news")
CATALOG_START = 12
"""How many of the catalog's instruments a guest's watchlist of another market starts with
(as many as the built-in default list)."""
GUEST_REFUSED = "This price feed requires an account: log in to see live prices."
USER_REFUSED = (
    "The price feed did not accept your login; "
    f"it is retried every {UNAUTHORIZED_RETRY_S:.0f} seconds."
)


class TabFeed:
    """One tab's feed decisions; see the module docstring."""

    def __init__(
        self, desk: Desk | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.desk = desk or Desk()
        self.catalog = EMPTY_CATALOG
        self._clock = clock
        self._catalog_new = False
        self._refused: dict[str, str] = {}
        self._outcomes: list[AlertOutcome] = []
        self._was_open: frozenset[str] = frozenset()
        self._seen_version = -1
        self._alerts_for: str | None = None
        self._listed_for = ""
        self._unacked: list[str] = []
        self._company_for: tuple[str, Catalog] | None = None
        self._metrics_at = float("-inf")
        self._announced_at = float("-inf")
        self._synced: FeedPlan | None = None
        self._synced_at = float("-inf")
        self._source_state = ""
        """The source's state as last delivered ("" before the first status)."""
        self._replaced: frozenset[str] = frozenset()
        """Symbols of another market's watchlist this tab left: their refusals are no news."""
        self._hidden: set[str] = set()
        """Watchlist symbols the feed refused: not shown nor asked for again, but never taken
        off a stored list (a list of stocks outlives an hour on a crypto feed)."""

    # -- between rounds -------------------------------------------------------------------------

    def took_sync(self, result: SyncResult | None) -> None:
        """What the last subscription sync brought back: refusals, the catalog."""
        if result is None:
            return
        self._refused.update(result.refused)
        if result.catalog is not None:
            self.catalog = Catalog.of(result.catalog)
            self._catalog_new = True
            self._hidden = {s for s in self._hidden if not self.catalog.offers(s)}

    def took_outcomes(self, outcomes: list[AlertOutcome]) -> None:
        self._outcomes.extend(outcomes)

    # -- in the lock ----------------------------------------------------------------------------

    def begin(self, view: TabView) -> FeedPlan:
        """The first plan, before any feed event: the desk follows the chart from the start,
        so the chart's snapshot (the first events) lands in its window."""
        self.desk.follow_chart(bars_channel(*view.chart) if view.chart else None)
        return self.plan(view)

    def plan(self, view: TabView) -> FeedPlan:
        """The subscription the tab wants: its watchlist but the symbols the feed refused."""
        return FeedPlan(view.subject, self._shown(view), view.throttle_ms, view.chart)

    def deliver(
        self, view: TabView, now_ms: int, metrics: Callable[[], FeedMetricsSnapshot | None]
    ) -> Delivery:
        """This round's delivery to each state (see the module docstring)."""
        desk = self.desk
        out = Delivery(link=desk.take_link(), named_by=self.catalog)
        self._notice_refusal(view, out)
        if self._catalog_new:
            self._start_market(view, out)
        now = self._clock()
        if now - self._metrics_at >= METRICS_EVERY_S:
            self._metrics_at = now
            out.metrics = metrics()
        desk.follow_chart(bars_channel(*view.chart) if view.chart else None)
        if view.subject != self._alerts_for:
            out.alerts_reset = self._alerts_for is not None
            self._alerts_for = view.subject
            self._unacked = []
        self._deliver_refused(view, out)
        out.alert_outcomes, self._outcomes = self._outcomes, []
        if self._catalog_new:
            self._catalog_new = False
            out.catalog = self.catalog
        self._deliver_source(view.showing, out)
        if not view.showing:
            self._was_open = frozenset()  # everything is redrawn when the page shows again
            return out
        self._deliver_widgets(view, now_ms, now, out)
        return out

    # -- after the lock -------------------------------------------------------------------------

    def due_for_sync(self, plan: FeedPlan, link_changed: bool) -> bool:
        """Sync when the plan or the link changed, else every `SYNC_EVERY_S`."""
        now = self._clock()
        if plan == self._synced and not link_changed and now - self._synced_at < SYNC_EVERY_S:
            return False
        self._synced, self._synced_at = plan, now
        return True

    def alert_requests(self, view: TabView, live: bool) -> list[AlertRequest]:
        """The user's alert requests, the rules of a new user, and acks of shown alerts."""
        if not view.subject:
            self._listed_for = ""
            return []
        requests = list(view.alert_requests)
        if self._listed_for != view.subject and live:
            self._listed_for = view.subject
            requests.insert(0, AlertRequest("list"))
        if self._unacked:
            requests.append(AlertRequest("ack", alert_ids=tuple(self._unacked)))
            self._unacked = []
        return requests

    # -- internals ------------------------------------------------------------------------------

    def _notice_refusal(self, view: TabView, out: Delivery) -> None:
        if out.link is None:
            return
        if out.link.state is LinkState.UNAUTHORIZED:
            text = USER_REFUSED if view.subject else GUEST_REFUSED
            out.notices.append(Notice("error", text, key="feed-unauthorized"))
        elif refused := link_refusal_message(out.link):
            out.notices.append(Notice("warning", refused, key="feed-refused"))

    def _deliver_refused(self, view: TabView, out: Delivery) -> None:
        refused = {**self._refused, **self.desk.take_refused()}
        self._refused = {}
        for channel, code in refused.items():
            parsed = parse_channel(channel)
            if parsed.kind is ChannelKind.PRICE and parsed.symbol in view.symbols:
                if parsed.symbol in self._hidden:
                    continue  # told already
                self._hidden.add(parsed.symbol)
            if parsed.symbol not in self._replaced:
                out.notices.append(
                    Notice("warning", refusal_message(parsed.symbol or channel, code))
                )

    def _shown(self, view: TabView) -> tuple[str, ...]:
        return tuple(s for s in view.symbols if s not in self._hidden)

    def _start_market(self, view: TabView, out: Delivery) -> None:
        catalog = self.catalog
        if not catalog.known:
            return
        traded = [symbol for symbol in view.symbols if catalog.offers(symbol)]
        foreign = not traded or (view.default_watchlist and len(traded) < len(view.symbols))
        if foreign and not view.user_id:  # a user's stored list is theirs to change
            start = tuple(i.symbol for i in catalog.instruments[:CATALOG_START])
            out.watchlist_start, traded = start, list(start)
            self._replaced = frozenset(view.symbols)
        if view.chart and not catalog.offers(view.chart[1]) and traded:
            out.chart_symbol = traded[0]
            self._replaced |= {view.chart[1]}

    def _deliver_source(self, showing: bool, out: Delivery) -> None:
        desk = self.desk
        if desk.source is None:
            return
        turned = desk.source.state.value != self._source_state
        if not (showing or turned):
            return  # kept on the desk: the tab gets the newest when it shows again
        status = desk.take_source()
        if status is not None:
            self._source_state = status.state.value
            out.source = source_view(status, desk.source_at)

    def _deliver_widgets(self, view: TabView, now_ms: int, now: float, out: Delivery) -> None:
        desk = self.desk
        opened = view.open_widgets - self._was_open
        self._was_open = view.open_widgets
        symbols = self._shown(view)
        out.watchlist = WatchlistDelivery(symbols, desk.take_quotes(), self.catalog)
        if "chart" in view.open_widgets:
            if "chart" in opened:
                desk.redraw_chart()
            out.chart = desk.take_chart()
        chart_symbol = view.chart[1] if view.chart else ""
        if self.catalog.known and self._company_for != (chart_symbol, self.catalog):
            self._company_for = (chart_symbol, self.catalog)
            catalog = self.catalog
            out.chart_instrument = (
                catalog.name(chart_symbol),
                catalog.price_decimals(chart_symbol),
            )
        out.summary = desk.take_summary()
        out.movers = "movers" in view.open_widgets
        if "movers" in opened:
            out.summary = desk.summary  # folded until now: catch the lists up at once
        fresh = desk.take_news()
        news_due = fresh or view.watchlist_version != self._seen_version or "news" in opened
        self._seen_version = view.watchlist_version
        if news_due and "news" in view.open_widgets:
            out.news = NewsDelivery(desk.news, fresh, symbols)
        out.freshness = {w: desk.received_at[w] for w in FRESHNESS_WIDGETS if w in desk.received_at}
        if view.announce and now - self._announced_at >= ANNOUNCE_INTERVAL_S:
            out.announcement = biggest_move(desk.quotes, symbols)
            if out.announcement:
                self._announced_at = now
        out.fired = desk.take_fired()
        self._unacked += [alert.id for alert in out.fired]
