"""The data carried on channels, and the envelopes that carry it (`Update`, `Batch`)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from realtime_server.protocol.errors import DisconnectCode


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True)


class Quote(_Data):
    """The latest state of one symbol (`price:<SYM>`)."""

    symbol: str
    last: float
    bid: float
    ask: float
    bid_size: float
    """Sizes and volumes are in the instrument's units: whole shares, or fractions of a coin."""
    ask_size: float
    open: float
    high: float
    low: float
    prev_close: float
    change: float
    change_pct: float
    volume: float
    """The day's volume so far (a crypto exchange's: its rolling 24 h)."""
    vwap: float
    """Volume-weighted average price of the day's trades."""
    ts: int
    """Source timestamp of the trade behind this quote, ms since the epoch."""


class Instrument(_Data):
    """One symbol the feed trades, as its catalog describes it (the `catalog` request)."""

    symbol: str
    name: str
    """The company or product name, as a user reads it ("Apple Inc.")."""
    sector: str
    asset_class: str = "equity"
    currency: str = "USD"
    """ISO 4217 code of the prices."""
    price_decimals: int = 2
    """Decimal places prices are quoted with (2: cents)."""


class Bar(_Data):
    """One OHLCV bar (`bars:<interval>:<SYM>`). Updates of a forming bar share `start`."""

    symbol: str
    interval: str
    start: int
    """Bar open time, ms since the epoch, a multiple of the interval's length."""
    open: float
    high: float
    low: float
    close: float
    volume: float
    trades: int
    closed: bool
    """True once the bar's interval has ended: its values are final."""


class Sentiment(StrEnum):
    POSITIVE = "positive"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"


class NewsItem(_Data):
    """A headline (`news`, `news:<SYM>`)."""

    id: str
    ts: int
    headline: str
    body: str
    symbols: list[str]
    sectors: list[str]
    sentiment: Sentiment
    source: str


class IndexLevel(_Data):
    name: str
    value: float
    change: float
    change_pct: float


class Mover(_Data):
    symbol: str
    last: float
    change_pct: float
    volume: float


class Summary(_Data):
    """The market at a glance (`summary`)."""

    ts: int
    indices: list[IndexLevel]
    advancers: int
    decliners: int
    unchanged: int
    gainers: list[Mover]
    losers: list[Mover]
    most_active: list[Mover]


class SourceKind(StrEnum):
    SIMULATED = "simulated"
    """A simulated market: real tickers, made-up prices."""
    REPLAY = "replay"
    """Real historical data, replayed (its clock is the replayed date)."""
    LIVE = "live"
    """A live feed from an exchange or a market data vendor."""


class SourceState(StrEnum):
    STARTING = "starting"
    OK = "ok"
    RETRYING = "retrying"
    """The source lost its upstream (an exchange, a vendor) and is reconnecting."""
    DOWN = "down"
    """The source stopped (its key was refused, its file ended without looping...)."""


class MarketSessionState(StrEnum):
    PRE = "pre"
    REGULAR = "regular"
    AFTER = "after"
    CLOSED = "closed"
    ALWAYS = "always"
    """A market that never closes (crypto)."""


class SourceStatus(_Data):
    """Where the feed's prices come from, and how that source is doing (`source`)."""

    name: str
    """The source: `simulator`, `replay`, `coinbase`, ..."""
    kind: SourceKind
    label: str
    """How to name it to a user: "Simulated market", "Replay", "Live · Coinbase"."""
    state: SourceState
    reason: str = ""
    """Why the source is not `ok` (for the user: no addresses, no secrets)."""
    retry_at: int | None = None
    """When the source tries its upstream again (ms since the epoch), while `retrying`."""
    clock: int
    """The source's market clock, ms since the epoch: the replayed moment under a replay,
    the wall clock otherwise. Quote and bar times are on this clock."""
    speed: float = 1.0
    """Market time per wall time (60: a replayed minute a second)."""
    delay_ms: int = 0
    """How late the source's prices are behind the market (a delayed feed), 0 if real-time."""
    news: str = "generated"
    """`generated` (headlines made up from the prices), `none` (this source has no news)."""
    session: MarketSessionState
    """The market's session at `clock`."""
    next_session_change: int | None = None
    """When the session changes next on the source's clock (ms since the epoch)."""
    next_session: MarketSessionState | None = None


class AlertCondition(StrEnum):
    ABOVE = "above"
    """Fires when the last price rises to or above `threshold`."""
    BELOW = "below"
    """Fires when the last price falls to or below `threshold`."""
    MOVE_PCT = "move_pct"
    """Fires when the last price is `threshold` percent or more away (up or down) from the
    price when the rule was created."""


class AlertRule(_Data):
    id: str
    symbol: str
    condition: AlertCondition
    threshold: float
    reference_price: float | None
    """The price the rule was created at (the base of `move_pct`)."""
    created_at: int
    note: str = ""


class FiredAlert(_Data):
    """A triggered rule (`alerts:<user>`), delivered until acknowledged."""

    id: str
    rule_id: str
    symbol: str
    condition: AlertCondition
    threshold: float
    price: float
    """The trade price that fired the rule."""
    ts: int
    message: str


ChannelData = Quote | Bar | Summary | NewsItem | FiredAlert | SourceStatus


class Position(BaseModel):
    """Where a channel's stream stands: `seq` only grows within one `epoch`."""

    epoch: str = Field(min_length=1, max_length=64)
    seq: int = Field(ge=0)


class Update(BaseModel):
    """One channel message inside a batch."""

    channel: str
    seq: int
    data: ChannelData


class Batch(BaseModel):
    """Everything owed to one connection at a flush (event `batch`)."""

    server_ts: int
    """The server's clock when the batch was flushed, ms since the epoch."""
    updates: list[Update]


class Goodbye(BaseModel):
    """Sent (event `goodbye`) just before the server closes the connection itself."""

    code: DisconnectCode
    message: str
    reconnect: bool
    """Whether reconnecting (with the same or a refreshed token) makes sense."""
