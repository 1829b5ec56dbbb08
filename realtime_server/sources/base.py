"""The contract every market data source fulfils: ticks out, instruments described, and an
honest account of itself.

A source knows nothing about sockets or subscribers. It describes the instruments it trades
(`Instrument`) and, once started, hands every trade it sees to a sink as a `Tick`. It also says
what it is (`SourceInfo`: simulated, replayed or live, and how to name it to a user), how it is
doing (`SourceHealth`: ok, or retrying its exchange and why) and what time it is on its market
(`clock_ms`: the replayed moment under a replay). The feed publishes all three on the `source`
channel, so every screen can say where its prices come from.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from realtime_server import protocol


@dataclass(frozen=True, slots=True)
class Instrument:
    """A tradable symbol and the static facts the dashboard shows beside it."""

    symbol: str
    name: str
    sector: str
    prev_close: float
    asset_class: str = "equity"
    currency: str = "USD"
    price_decimals: int = 2

    def describe(self) -> protocol.Instrument:
        """The catalog entry clients see for this symbol."""
        return protocol.Instrument(
            symbol=self.symbol,
            name=self.name,
            sector=self.sector,
            asset_class=self.asset_class,
            currency=self.currency,
            price_decimals=self.price_decimals,
        )


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What a source is, as a user is told it."""

    name: str
    """`simulator`, `synthetic`, `replay`, `coinbase`, ..."""
    kind: protocol.SourceKind
    label: str
    """"Simulated market", "Replay", "Live · Coinbase"."""
    market: str = "always"
    """The session calendar its instruments follow: `us-equities` (NYSE hours) or `always`."""
    news: str = "generated"
    """`generated` (headlines made up from the prices) or `none`."""
    delay_ms: int = 0
    speed: float = 1.0
    """Market time per wall time (a replay at one trading day per 6.5 minutes: 60)."""


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """How a source is doing right now."""

    state: protocol.SourceState
    reason: str = ""
    """Why it is not `ok`, fit for a user: no addresses, no keys."""
    retry_at_ms: int | None = None
    """When it tries its upstream again, while `retrying`."""


RUNNING = SourceHealth(protocol.SourceState.OK)


@dataclass(frozen=True, slots=True)
class DayStats:
    """The day's figures as an exchange states them, handed over with a trade.

    A live source gives what its exchange reports (a crypto exchange's rolling 24 h: `open`
    and `prev_close` are then both the price 24 h ago), so a quote shows the market's own day
    rather than one rebuilt from the trades seen since the feed connected.
    """

    open: float
    high: float
    low: float
    volume: float
    prev_close: float
    vwap: float | None = None
    """None when the exchange does not report it (the quote's VWAP is then the trades')."""


@dataclass(frozen=True, slots=True)
class Tick:
    """One trade plus the top of book right after it.

    `ts` is the source timestamp in milliseconds since the Unix epoch; `volume` is the
    cumulative volume of the trading day so far (monotone within a day). Sizes and volumes
    are in the instrument's units: whole shares, or fractions of a coin. `day`, when given,
    holds the exchange's own day statistics, which the quote then shows.
    """

    symbol: str
    price: float
    size: float
    bid: float
    ask: float
    bid_size: float
    ask_size: float
    volume: float
    ts: int
    day: DayStats | None = None


@dataclass(frozen=True, slots=True)
class Jump:
    """A news-like price shock: `symbol` moved by `change` (0.02 = +2%) at `ts` (ms).

    `price` is the trade price of the tick that carried the jump.
    """

    symbol: str
    ts: int
    change: float
    price: float


TickSink = Callable[[Sequence[Tick]], None]
"""Receives ticks in source order, synchronously; several may arrive together when they share
a moment. A sink must not block: it runs on the event loop between source steps."""


JumpSink = Callable[[Jump], None]
"""Receives each price shock right after the ticks that carried it."""


class Source(Protocol):
    """A running producer of ticks."""

    info: SourceInfo

    def instruments(self) -> Sequence[Instrument]:
        """Every instrument this source can produce ticks for, in a stable order."""
        ...

    async def run(
        self,
        sink: TickSink,
        on_jump: JumpSink | None = None,
        on_history: TickSink | None = None,
    ) -> None:
        """Produce ticks into `sink` (and shocks into `on_jump`, if the source knows them)
        until cancelled. A source that knows the recent past first hands it to `on_history`
        (oldest first), before any live tick."""
        ...

    def health(self) -> SourceHealth:
        """How the source is doing now (checked about once a second)."""
        ...

    def clock_ms(self) -> int:
        """The source's market clock, ms since the epoch (ticks are timestamped on it)."""
        ...


class SourceSetupError(Exception):
    """A source cannot start as configured (a replay file that does not read, ...). The
    message tells the person starting the server what is wrong and where; the command line
    prints it and exits, with no traceback."""
