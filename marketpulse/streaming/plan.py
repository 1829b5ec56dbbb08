"""`FeedPlan` (what a tab wants from the feed) and `SyncResult` (what making it so produced)."""

from __future__ import annotations

import dataclasses

from realtime_server.protocol import (
    SUMMARY_CHANNEL,
    Quote,
    alerts_channel,
    bars_channel,
    news_channel,
    price_channel,
)


@dataclasses.dataclass(frozen=True, slots=True)
class FeedPlan:
    """The feed subscription a tab wants, as read from its states."""

    credentials_epoch: int
    """Changes when the tab logs in or out: the connection must be made again."""
    token: str | None
    """The feed JWT to present (None: connect as a guest)."""
    symbols: tuple[str, ...]
    """The watchlist's symbols, in order."""
    throttle_ms: int
    """The interval between two batches the user asked for."""
    user_id: int = 0
    """The logged-in user's id (0: a guest), for storing what the feed refused."""
    chart: tuple[str, str] | None = None
    """The chart's (interval, symbol), or None when no chart is shown."""
    market: bool = False
    """Whether the tab shows the market-wide widgets (summary strip, movers, news)."""
    alerts_user: str = ""
    """The user's feed subject, whose private alerts channel the tab follows ("": none)."""

    @property
    def channels(self) -> list[str]:
        """Every channel the plan needs, watchlist prices first (their order is the rows')."""
        channels = [price_channel(symbol) for symbol in self.symbols]
        if self.chart is not None:
            channels.append(bars_channel(*self.chart))
        if self.market:
            channels += [SUMMARY_CHANNEL, news_channel()]
        if self.alerts_user:
            channels.append(alerts_channel(self.alerts_user))
        return channels


@dataclasses.dataclass(slots=True)
class SyncResult:
    """What one round of `FeedSession.sync` produced for the tab's state."""

    plan: FeedPlan
    """The plan this round made real."""
    quotes: dict[str, Quote] = dataclasses.field(default_factory=dict)
    """Snapshot quotes from subscribe acknowledgements, by channel."""
    rejected: dict[str, str] = dataclasses.field(default_factory=dict)
    """Watchlist symbols the feed refused, with the message for the user."""
    refused_other: dict[str, str] = dataclasses.field(default_factory=dict)
    """Other channels the feed refused (chart, market, alerts), with the message."""
    restarted: bool = False
    """The connection was made again (new credentials, a refusal retried, or failover)."""
