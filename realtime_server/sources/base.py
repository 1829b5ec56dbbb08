"""The contract every market data source fulfils: ticks out, instruments described.

A source knows nothing about sockets or subscribers. It describes the instruments it trades
(`Instrument`) and, once started, hands every trade it sees to a sink as a `Tick`.
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

    def describe(self) -> protocol.Instrument:
        """The catalog entry clients see for this symbol."""
        return protocol.Instrument(symbol=self.symbol, name=self.name, sector=self.sector)


@dataclass(frozen=True, slots=True)
class Tick:
    """One trade plus the top of book right after it.

    `ts` is the source timestamp in milliseconds since the Unix epoch; `volume` is the
    cumulative volume of the trading day so far (monotone within a day).
    """

    symbol: str
    price: float
    size: int
    bid: float
    ask: float
    bid_size: int
    ask_size: int
    volume: int
    ts: int


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

    name: str

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
