"""The market engine: turns source events into channel messages, and answers snapshots.

    history ─► QuoteBook, BarAggregator           (the recent past; nothing published)
    tick ──► QuoteBook ──► price:<SYM>            (conflated)
         ├─► BarAggregator ──► bars:<i>:<SYM>     (conflated per bar start)
         └─► quote listeners (price alerts)
    jump ──► NewsGenerator ──► news, news:<SYM>   (lossless)
    timer ─► closes quiet bars, rebuilds `summary`, ambient news

It publishes through a `Publisher` and knows nothing of connections or sockets.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from realtime_server.market.bars import BarAggregator
from realtime_server.market.news import NewsGenerator
from realtime_server.market.quotes import QuoteBook
from realtime_server.market.summary import SummaryBuilder
from realtime_server.market.trading_days import trading_days
from realtime_server.protocol import (
    SUMMARY_CHANNEL,
    Channel,
    ChannelKind,
    news_channel,
    price_channel,
)
from realtime_server.sources.base import Instrument, Jump, Tick

BAR_CLOSE_GRACE_MS = 100
"""Ticks reach the engine a few ms after their timestamp; bars close this long after their
end so that late ticks still land in them."""


class Publisher(Protocol):
    def publish(self, channel: str, data: Any, key: Any = None) -> int: ...

    def publish_lossless(self, channel: str, data: Any) -> int: ...


QuoteListener = Callable[[Mapping[str, Any]], None]


class MarketEngine:
    """Quotes, bars, summary and news of one market, published as they change."""

    def __init__(
        self,
        instruments: Sequence[Instrument],
        publisher: Publisher,
        *,
        seed: int = 0,
        bars_history: int = 300,
        bars_snapshot: int = 120,
        ambient_news_per_minute: float = 3.0,
        generated_news: bool = True,
        market: str = "always",
    ) -> None:
        """`generated_news`: whether headlines are made up from the prices (the simulator,
        a replay); a live source without a news feed gets none, never filler. `market`: the
        calendar its trading days follow (`us-equities` or `always`: `trading_days.py`)."""
        days = trading_days(market)
        self.book = QuoteBook(instruments, days)
        self.bars = BarAggregator(history=bars_history, days=days)
        self.summary = SummaryBuilder(instruments)
        self.news = NewsGenerator(
            instruments, seed=seed, ambient_per_minute=ambient_news_per_minute
        )
        self.generated_news = generated_news
        self.publisher = publisher
        self.bars_snapshot = bars_snapshot
        self.ticks_seen = 0
        self.last_tick_ts = 0
        self._listeners: list[QuoteListener] = []
        self._price_channels = {i.symbol: price_channel(i.symbol) for i in instruments}
        self._latest_summary: dict[str, Any] | None = None

    def add_quote_listener(self, listener: QuoteListener) -> None:
        """Call `listener` with every new quote (after it is published)."""
        self._listeners.append(listener)

    def on_ticks(self, ticks: Sequence[Tick]) -> None:
        """The source's sink: every tick updates its quote and bars."""
        publish = self.publisher.publish
        for tick in ticks:
            quote = self.book.apply(tick)
            publish(self._price_channels[tick.symbol], quote)
            for channel, bar in self.bars.apply(tick):
                publish(channel, bar, bar["start"])
            for listener in self._listeners:
                listener(quote)
        if ticks:
            self.ticks_seen += len(ticks)
            self.last_tick_ts = ticks[-1].ts

    def on_history(self, ticks: Sequence[Tick]) -> None:
        """The recent past, before going live: it builds the quotes and the bars' history,
        and nothing is published or evaluated (no alert fires on a trade from before). A
        trade older than its symbol's quote (a live feed's trade recovered after a gap) goes
        to the bars only: the quote keeps the latest trade."""
        for tick in ticks:
            quote = self.book.quote(tick.symbol)
            if quote is None or tick.ts >= quote["ts"]:
                self.book.apply(tick)
            self.bars.apply(tick)
        if ticks:
            self.last_tick_ts = ticks[-1].ts

    def on_jump(self, jump: Jump) -> None:
        """A price shock: publish the headline that explains it."""
        if self.generated_news:
            self._publish_news(self.news.on_jump(jump))

    def on_timer(self, now_ms: int, summary_due: bool, wall_ms: int | None = None) -> None:
        """Periodic work: close bars that ended without a tick, summary, ambient news.

        `now_ms` is the source's market clock; ambient news is paced on `wall_ms` (the wall
        clock) when given, so a fast replay does not multiply it."""
        for channel, bar in self.bars.close_due(now_ms - BAR_CLOSE_GRACE_MS):
            self.publisher.publish(channel, bar, bar["start"])
        if summary_due and self.book.quoted_count:
            self._latest_summary = self.summary.build(self.book.quotes(), now_ms)
            self.publisher.publish(SUMMARY_CHANNEL, self._latest_summary)
        item = self.news.ambient(now_ms, wall_ms) if self.generated_news else None
        if item is not None:
            self._publish_news(item)

    def snapshot(self, channel: Channel) -> Any | None:
        """The current state of a market channel (news snapshots come from history)."""
        if channel.kind is ChannelKind.PRICE and channel.symbol is not None:
            return self.book.quote(channel.symbol)
        if channel.kind is ChannelKind.BARS and channel.symbol and channel.interval:
            return self.bars.recent(channel.interval, channel.symbol, self.bars_snapshot)
        if channel.kind is ChannelKind.SUMMARY:
            return self._latest_summary
        return None

    def _publish_news(self, item: dict[str, Any]) -> None:
        self.publisher.publish_lossless(news_channel(), item)
        for symbol in item["symbols"]:
            self.publisher.publish_lossless(news_channel(symbol), item)
