"""`FeedPlan` (what a tab wants from the feed) and `SyncResult` (what making it so produced)."""

from __future__ import annotations

import dataclasses

from realtime_server.protocol import (
    SOURCE_CHANNEL,
    SUMMARY_CHANNEL,
    CatalogAck,
    alerts_channel,
    bars_channel,
    news_channel,
    price_channel,
)


@dataclasses.dataclass(frozen=True, slots=True)
class FeedPlan:
    """The feed subscription a tab wants, as read from its states."""

    subject: str
    """The signed-in user's feed subject (JWT `sub`); "" for a guest. A change of subject
    makes the connection again, with the new user's tokens."""
    symbols: tuple[str, ...]
    """The watchlist's symbols, in order."""
    throttle_ms: int
    """The interval between two batches the user asked for."""
    chart: tuple[str, str] | None = None
    """The chart's (interval, symbol), or None when no chart is shown."""
    market: bool = True
    """Whether the tab shows the market-wide widgets (summary strip, movers, news) and the
    source badge (where the prices come from, its session and state)."""

    @property
    def channels(self) -> list[str]:
        """Every channel the plan needs, watchlist prices first (their order is the rows')."""
        channels = [price_channel(symbol) for symbol in self.symbols]
        if self.chart is not None:
            channels.append(bars_channel(*self.chart))
        if self.market:
            channels += [SUMMARY_CHANNEL, news_channel(), SOURCE_CHANNEL]
        if self.subject:
            channels.append(alerts_channel(self.subject))
        return channels


@dataclasses.dataclass(slots=True)
class SyncResult:
    """What one round of `TabSubscription.sync` produced for the tab."""

    plan: FeedPlan
    """The plan this round made real."""
    refused: dict[str, str] = dataclasses.field(default_factory=dict)
    """Channels the feed refused, with the code it gave (`unknown_symbol`, `forbidden`, ...)."""
    catalog: CatalogAck | None = None
    """The feed's catalog, when this round asked for it (once per connection)."""
    restarted: bool = False
    """The connection was made again (another user, or a refusal retried)."""
