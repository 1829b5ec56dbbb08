"""`FeedPlan` (what a tab wants from the feed) and `SyncResult` (what making it so produced)."""

from __future__ import annotations

import dataclasses

from realtime_server.protocol import Quote, price_channel


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

    @property
    def channels(self) -> list[str]:
        return [price_channel(symbol) for symbol in self.symbols]


@dataclasses.dataclass(slots=True)
class SyncResult:
    """What one round of `FeedSession.sync` produced for the tab's state."""

    plan: FeedPlan
    """The plan this round made real."""
    quotes: dict[str, Quote] = dataclasses.field(default_factory=dict)
    """Snapshot quotes from subscribe acknowledgements, by channel."""
    rejected: dict[str, str] = dataclasses.field(default_factory=dict)
    """Symbols the feed refused, with the message for the user."""
    restarted: bool = False
    """The connection was made again (new credentials, a refusal retried, or failover)."""
