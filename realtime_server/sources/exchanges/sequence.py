"""Gap detection on an exchange's numbered trades, per product.

Coinbase, Kraken and Binance number each product's trades one by one (`trade_id`, `t`): a
number more than one past the last seen means trades were missed; their numbers are kept
(a few ranges per product) and the feed resubscribes the product to resync. A number at or
below the last seen is a repeat (a snapshot after a resubscribe replays recent trades) and
is dropped, unless it is one of the missed ones: that trade is recovered (Kraken's snapshot
brings it back). After a reconnect the next trade starts a new count. Coinbase also numbers
every message of a product (`sequence`): one not past the last seen arrived out of order.
"""

from __future__ import annotations

from enum import Enum

MISSED_RANGES = 16
"""Ranges of missed trade numbers kept per product (the oldest are forgotten)."""


class Order(Enum):
    NEXT = "next"
    REPEAT = "repeat"
    GAP = "gap"
    RECOVERED = "recovered"
    """One of the trades a gap missed, received late (older than the last one seen)."""


class TradeNumbers:
    """The last trade number seen per product, what gaps missed, and who is resyncing."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}
        self._missed: dict[str, list[tuple[int, int]]] = {}
        self._resyncing: set[str] = set()
        self._sequence: dict[str, int] = {}

    def trade(self, product: str, trade_id: int) -> Order:
        """Where `trade_id` falls against the product's last trade."""
        last = self._last.get(product)
        if last is not None and trade_id <= last:
            return Order.RECOVERED if self._take_missed(product, trade_id) else Order.REPEAT
        self._last[product] = trade_id
        if last is None or product in self._resyncing:
            self._resyncing.discard(product)
            return Order.NEXT
        if trade_id == last + 1:
            return Order.NEXT
        self._miss(product, last + 1, trade_id - 1)
        return Order.GAP

    def heartbeat(self, product: str, last_trade_id: int) -> bool:
        """True when the exchange's latest trade is past the last one received (a gap)."""
        last = self._last.get(product)
        if last is None or product in self._resyncing or last_trade_id <= last:
            return False
        self._last[product] = last_trade_id
        self._miss(product, last + 1, last_trade_id)
        return True

    def fresh(self, key: str, sequence: int) -> bool:
        """False for a message whose sequence is not past the last one under `key`."""
        last = self._sequence.get(key)
        if last is not None and sequence <= last:
            return False
        self._sequence[key] = sequence
        return True

    def resync(self, product: str) -> None:
        """The product was resubscribed: numbers past the last seen start a new count."""
        self._resyncing.add(product)

    def forget(self) -> None:
        """A new connection: message sequences start again, and so do trade counts (what was
        missed while disconnected is not recovered: no exchange here replays it)."""
        self._sequence.clear()
        self._missed.clear()
        self._resyncing.update(self._last)

    def _miss(self, product: str, first: int, last: int) -> None:
        ranges = self._missed.setdefault(product, [])
        ranges.append((first, last))
        del ranges[:-MISSED_RANGES]

    def _take_missed(self, product: str, trade_id: int) -> bool:
        ranges = self._missed.get(product, [])
        for i, (first, last) in enumerate(ranges):
            if first <= trade_id <= last:
                rest = [(a, b) for a, b in ((first, trade_id - 1), (trade_id + 1, last)) if a <= b]
                ranges[i : i + 1] = rest
                return True
        return False
