"""The quotes book: the latest quote of every symbol, maintained from ticks.

Each symbol's quote holds the last trade, the top of book, the day's open/high/low, the
previous close, cumulative volume and VWAP. A tick of a new trading day starts a new day: the
previous last becomes the previous close (the market's `TradingDays` say which day a tick
counts toward: the UTC date, or the New York date under US equities, so a replayed or live
equity session resets at its first trade and its previous close is the last session's).
`apply` returns the quote in its wire form (`protocol.Quote` as a plain dict), built once and
shared by every subscriber.

A tick that carries its exchange's `DayStats` (a live feed) shows those figures instead: the
exchange's open, high, low, previous close and VWAP (high and low widened to the trade itself).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from realtime_server.market.trading_days import TradingDays, UtcDays
from realtime_server.sources.base import Instrument, Tick


@dataclass(slots=True)
class _DayState:
    day: int
    prev_close: float
    open: float | None = None
    high: float = 0.0
    low: float = 0.0
    last: float | None = None
    notional: float = 0.0
    traded: float = 0.0


class QuoteBook:
    """Latest quote per symbol; knows only the instruments it was given."""

    def __init__(self, instruments: Iterable[Instrument], days: TradingDays | None = None) -> None:
        self._instruments = {inst.symbol: inst for inst in instruments}
        self._trading_days = days or UtcDays()
        self._days: dict[str, _DayState] = {}
        self._quotes: dict[str, dict[str, Any]] = {}

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._instruments

    @property
    def symbols(self) -> list[str]:
        return list(self._instruments)

    @property
    def quoted_count(self) -> int:
        """How many symbols have a quote (have traded at least once)."""
        return len(self._quotes)

    def instrument(self, symbol: str) -> Instrument:
        return self._instruments[symbol]

    def quotes(self) -> dict[str, dict[str, Any]]:
        """Every symbol's latest quote (a live view: do not modify)."""
        return self._quotes

    def quote(self, symbol: str) -> dict[str, Any] | None:
        """The latest quote of `symbol` in wire form, or None before its first tick."""
        return self._quotes.get(symbol)

    def apply(self, tick: Tick) -> dict[str, Any]:
        """Fold one tick into its symbol's quote and return the new quote."""
        day = self._trading_days.day(tick.ts)
        state = self._days.get(tick.symbol)
        if state is None:
            state = _DayState(day=day, prev_close=self._instruments[tick.symbol].prev_close)
            self._days[tick.symbol] = state
        elif day != state.day:
            prev_close = state.last if state.last is not None else state.prev_close
            state = _DayState(day=day, prev_close=prev_close)
            self._days[tick.symbol] = state
        price = tick.price
        if state.open is None:
            state.open = state.high = state.low = price
        else:
            state.high = max(state.high, price)
            state.low = min(state.low, price)
        state.last = price
        state.notional += price * tick.size
        state.traded += tick.size
        open_, high, low, prev_close = state.open, state.high, state.low, state.prev_close
        vwap = round(state.notional / state.traded, 4) if state.traded else price
        if tick.day is not None:  # the exchange's own day figures win over the trades seen
            stats = tick.day
            open_, high, low = stats.open, max(stats.high, price), min(stats.low, price)
            prev_close = stats.prev_close
            vwap = vwap if stats.vwap is None else stats.vwap
        change = price - prev_close
        quote = {
            "symbol": tick.symbol,
            "last": price,
            "bid": tick.bid,
            "ask": tick.ask,
            "bid_size": tick.bid_size,
            "ask_size": tick.ask_size,
            "open": open_,
            "high": high,
            "low": low,
            "prev_close": prev_close,
            "change": round(change, 4),
            "change_pct": round(100.0 * change / prev_close, 4),
            "volume": tick.volume,
            "vwap": vwap,
            "ts": tick.ts,
        }
        self._quotes[tick.symbol] = quote
        return quote
