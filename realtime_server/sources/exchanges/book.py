"""Each product's latest top of book and day statistics, and the ticks they make of trades.

A trade becomes a `Tick` with the exchange's latest best bid/ask and its own day statistics
(`DayStats`). A trade that arrives before the product's first ticker (the exchange sends
them on separate streams) waits, a bounded few per product, and is handed on with that first
ticker: nothing is ever filled in that the exchange did not say.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass

from realtime_server.sources.base import DayStats, Tick
from realtime_server.sources.exchanges.events import BookUpdate, DayUpdate, Ticker, Trade

PENDING_TRADES = 200
"""Trades kept per product while its first ticker has not arrived (older ones are dropped)."""


@dataclass(slots=True)
class _Top:
    bid: float = 0.0
    ask: float = 0.0
    bid_size: float = 0.0
    ask_size: float = 0.0
    day: DayStats | None = None

    @property
    def known(self) -> bool:
        return self.day is not None and self.bid > 0 and self.ask > 0


class ProductBooks:
    """Top of book and day figures per product (by protocol symbol)."""

    def __init__(self) -> None:
        self._tops: dict[str, _Top] = {}
        self._pending: dict[str, deque[Trade]] = {}
        self.dropped_waiting = 0
        """Trades dropped because their product had no ticker yet and too many waited."""

    def ticker(self, symbol: str, ticker: Ticker) -> list[Tick]:
        """A new ticker; returns the trades that were waiting for it, as ticks."""
        top = self._tops.setdefault(symbol, _Top())
        top.bid, top.ask = ticker.bid, ticker.ask
        top.bid_size, top.ask_size = ticker.bid_size, ticker.ask_size
        top.day = ticker.day
        return self._release(symbol, top)

    def quote(self, symbol: str, update: BookUpdate) -> list[Tick]:
        top = self._tops.setdefault(symbol, _Top())
        top.bid, top.ask = update.bid, update.ask
        top.bid_size, top.ask_size = update.bid_size, update.ask_size
        return self._release(symbol, top)

    def day(self, symbol: str, update: DayUpdate) -> None:
        """New day figures; the previous close stays the one known (ignored until one is)."""
        top = self._tops.get(symbol)
        if top is None or top.day is None:
            return
        top.day = dataclasses.replace(
            top.day,
            open=update.open,
            high=update.high,
            low=update.low,
            volume=update.volume,
            vwap=update.vwap,
        )

    def trade(self, symbol: str, trade: Trade) -> Tick | None:
        """The trade as a tick, or None while it waits for the product's first ticker."""
        top = self._tops.get(symbol)
        if top is None or not top.known:
            waiting = self._pending.setdefault(symbol, deque(maxlen=PENDING_TRADES))
            if len(waiting) == PENDING_TRADES:
                self.dropped_waiting += 1
            waiting.append(trade)
            return None
        return _tick(symbol, trade, top)

    def _release(self, symbol: str, top: _Top) -> list[Tick]:
        if not top.known:
            return []
        waiting = self._pending.pop(symbol, None)
        return [_tick(symbol, trade, top) for trade in waiting] if waiting else []


def _tick(symbol: str, trade: Trade, top: _Top) -> Tick:
    assert top.day is not None
    return Tick(
        symbol=symbol,
        price=trade.price,
        size=trade.size,
        bid=top.bid,
        ask=top.ask,
        bid_size=top.bid_size,
        ask_size=top.ask_size,
        volume=top.day.volume,
        ts=trade.ts,
        day=top.day,
    )
