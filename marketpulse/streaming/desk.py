"""`Desk`: one tab's latest view of the market, gathered from feed events between two showings.

The tab's feed task folds every run of feed events into the desk as they arrive (`fold`,
outside the state lock: the one place events become the tab's data), then, inside its short
lock, takes from it what changed since each widget was last shown (`take_*`). A widget that
is not being shown (updates paused, tab hidden, widget collapsed) simply is not taken from:
its changes keep accumulating here, latest value per key, and the next take catches it up at
once. Nothing here knows Reflex.

What is kept, and how much: the link's newest status; the latest quote per symbol; the chart's
window of bars for the one bars channel the chart follows (at most `chart_points`, oldest
dropped); the newest `news_limit` headlines; the newest summary; the newest status of the
source behind the feed, with when it arrived; fired alerts not shown yet; channels the feed
refused on a resubscription.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TypeVar

from marketpulse.display.chart import ChartPoint, changed_points, merge_points, tail_points
from marketpulse.display.news import NewsRow, merge_news
from marketpulse.feed import (
    Batch,
    ChannelReset,
    ConnectionStatus,
    FeedEvent,
    LinkStateChanged,
    SubscriptionRefused,
)
from realtime_server.protocol import (
    SOURCE_CHANNEL,
    SUMMARY_CHANNEL,
    Bar,
    FiredAlert,
    NewsItem,
    Quote,
    SourceStatus,
    Summary,
    news_channel,
)

T = TypeVar("T")
NEWS_CHANNEL = news_channel()
TAIL_LIMIT = 8
"""More changed chart points than this since the last showing: send the whole window."""


@dataclasses.dataclass(frozen=True, slots=True)
class ChartDelta:
    """What the chart must apply: the whole window (`reset`) or the points that changed."""

    reset: bool
    points: list[ChartPoint]


class Desk:
    """Latest market data for one tab, and what each widget has not been shown yet."""

    def __init__(self, *, chart_points: int = 300, news_limit: int = 50) -> None:
        self.chart_points = chart_points
        self.news_limit = news_limit
        self.quotes: dict[str, Quote] = {}
        self.chart_channel: str | None = None
        self.points: list[ChartPoint] = []
        self.news: list[NewsRow] = []
        """The newest headlines, newest first."""
        self.summary: Summary | None = None
        self.source: SourceStatus | None = None
        """Where the feed's prices come from, and how that source is (None until it says)."""
        self.source_at = 0
        """When (app clock, ms) `source` arrived: the moment its market clock was read."""
        self.link: ConnectionStatus | None = None
        """The link's newest status (None before the first change)."""
        self.received_at: dict[str, int] = {}
        """When (app clock, ms) data last arrived for "quotes", "chart", "summary", "news"."""
        self._moved: dict[str, Quote] = {}
        self._shown_points: list[ChartPoint] = []
        """The window as the chart was last given it (the base of the next tail)."""
        self._carry: list[int] = []
        """Bar starts the last tail changed, sent again with the next (see `tail_points`)."""
        self._chart_reset = False
        self._news_new: list[NewsRow] = []
        self._summary_new = False
        self._source_new = False
        self._fired: list[FiredAlert] = []
        self._link_new = False
        self._refused: dict[str, str] = {}

    # -- in -----------------------------------------------------------------------------------

    def follow_chart(self, channel: str | None) -> None:
        """Follow another bars channel (or none): the window starts empty until its snapshot."""
        if channel == self.chart_channel:
            return
        self.chart_channel = channel
        self.points = []
        self._chart_reset = True

    def fold(self, events: Iterable[FeedEvent], now_ms: int) -> None:
        """Fold a run of feed events in, in arrival order (a reset replaces, a batch updates)."""
        delivered = False
        for event in events:
            if isinstance(event, Batch):
                self._fold_batch(event, now_ms)
                delivered = True
            elif isinstance(event, ChannelReset):
                for channel, items in event.items.items():
                    self._fold_reset(channel, items, now_ms)
                delivered = True
            elif isinstance(event, LinkStateChanged):
                self.link = event.status or ConnectionStatus(event.state)
                self._link_new = True
            elif isinstance(event, SubscriptionRefused):
                self._refused.update(dict.fromkeys(event.channels, event.code))
        if delivered:
            # News comes when it happens: a delivering link is what keeps the feed current.
            self.received_at["news"] = now_ms

    # -- out ----------------------------------------------------------------------------------

    def take_link(self) -> ConnectionStatus | None:
        """The link's status when it changed since the last take."""
        if not self._link_new:
            return None
        self._link_new = False
        return self.link

    def take_refused(self) -> dict[str, str]:
        """Channels the feed refused on a resubscription since the last take, with the code."""
        refused, self._refused = self._refused, {}
        return refused

    def take_quotes(self) -> dict[str, Quote]:
        """Quotes that moved since the last take, by symbol."""
        moved, self._moved = self._moved, {}
        return moved

    def take_chart(self) -> ChartDelta | None:
        """The chart's change since the last take, or None when nothing changed."""
        changed = changed_points(self._shown_points, self.points)
        if self._chart_reset or len(changed) > TAIL_LIMIT:
            delta = ChartDelta(reset=True, points=list(self.points))
            self._carry = []
        elif changed or self._carry:
            delta = ChartDelta(False, tail_points(self._shown_points, self.points, self._carry))
            self._carry = [point["t"] for point in changed]
        else:
            return None
        self._chart_reset = False
        self._shown_points = self.points
        return delta

    def redraw_chart(self) -> None:
        """Make the next `take_chart` send the whole window (e.g. the chart was remounted)."""
        self._chart_reset = True

    def take_news(self) -> list[NewsRow]:
        """Headlines that arrived since the last take."""
        fresh, self._news_new = self._news_new, []
        return fresh

    def take_summary(self) -> Summary | None:
        """The newest summary when it changed since the last take."""
        if not self._summary_new:
            return None
        self._summary_new = False
        return self.summary

    def take_source(self) -> SourceStatus | None:
        """The source's newest status when one arrived since the last take."""
        if not self._source_new:
            return None
        self._source_new = False
        return self.source

    def take_fired(self) -> list[FiredAlert]:
        """Fired alerts that arrived since the last take, in order."""
        fired, self._fired = self._fired, []
        return fired

    # -- internals ----------------------------------------------------------------------------

    def _fold_batch(self, batch: Batch, now_ms: int) -> None:
        bars: list[Bar] = []
        news: list[NewsItem] = []
        for update in batch.updates:
            data = update.data
            if isinstance(data, Quote):
                self.quotes[data.symbol] = self._moved[data.symbol] = data
                self.received_at["quotes"] = now_ms
            elif isinstance(data, Bar):
                if update.channel == self.chart_channel:
                    bars.append(data)
            elif isinstance(data, NewsItem):
                if update.channel == NEWS_CHANNEL:
                    news.append(data)
            elif isinstance(data, Summary):
                self._show_summary(data, now_ms)
            elif isinstance(data, SourceStatus):
                self._show_source(data, now_ms)
            elif isinstance(data, FiredAlert):
                self._fired.append(data)
        if bars:
            self.points = merge_points(self.points, bars, self.chart_points)
            self.received_at["chart"] = now_ms
        if news:
            self._add_news(news)

    def _fold_reset(self, channel: str, items: Iterable[object], now_ms: int) -> None:
        if channel == self.chart_channel:
            self.points = merge_points([], _of(items, Bar), self.chart_points)
            self._chart_reset = True
            self.received_at["chart"] = now_ms
        elif channel == NEWS_CHANNEL:
            self._add_news(_of(items, NewsItem))
        elif channel == SUMMARY_CHANNEL:
            for summary in _of(items, Summary):
                self._show_summary(summary, now_ms)
        elif channel == SOURCE_CHANNEL:
            for status in _of(items, SourceStatus):
                self._show_source(status, now_ms)
        else:
            for quote in _of(items, Quote):
                self.quotes[quote.symbol] = self._moved[quote.symbol] = quote
                self.received_at["quotes"] = now_ms

    def _show_summary(self, summary: Summary, now_ms: int) -> None:
        self.summary = summary
        self._summary_new = True
        self.received_at["summary"] = now_ms

    def _show_source(self, status: SourceStatus, now_ms: int) -> None:
        self.source, self.source_at = status, now_ms
        self._source_new = True

    def _add_news(self, items: list[NewsItem]) -> None:
        known = {row.id for row in self.news}
        self.news = merge_news(self.news, items, self.news_limit)
        self._news_new.extend(row for row in self.news if row.id not in known)
        del self._news_new[: max(0, len(self._news_new) - self.news_limit)]


def _of(items: Iterable[object], kind: type[T]) -> list[T]:
    return [item for item in items if isinstance(item, kind)]
