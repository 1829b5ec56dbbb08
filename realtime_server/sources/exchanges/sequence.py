"""Gap detection on an exchange's numbered trades, per product.

Coinbase, Kraken and Binance number each product's trades one by one (`trade_id`, `t`): a
number more than one past the last seen means trades were missed, and the feed resubscribes
that product to resync. A number at or below the last seen is a repeat (a snapshot after a
resubscribe replays recent trades) and is dropped. After a resync the next trade starts a new
count. Coinbase also numbers every message of a product (`sequence`): one that is not past
the last seen arrived out of order and is dropped.
"""

from __future__ import annotations

from enum import Enum


class Order(Enum):
    NEXT = "next"
    REPEAT = "repeat"
    GAP = "gap"


class TradeNumbers:
    """The last trade number seen per product, and which products are resyncing."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}
        self._resyncing: set[str] = set()
        self._sequence: dict[str, int] = {}

    def trade(self, product: str, trade_id: int) -> Order:
        """Where `trade_id` falls against the product's last trade."""
        last = self._last.get(product)
        if last is not None and trade_id <= last:
            return Order.REPEAT
        self._last[product] = trade_id
        if last is None or product in self._resyncing:
            self._resyncing.discard(product)
            return Order.NEXT
        return Order.NEXT if trade_id == last + 1 else Order.GAP

    def heartbeat(self, product: str, last_trade_id: int) -> bool:
        """True when the exchange's latest trade is past the last one received (a gap)."""
        last = self._last.get(product)
        if last is None or product in self._resyncing or last_trade_id <= last:
            return False
        self._last[product] = last_trade_id
        return True

    def fresh(self, product: str, sequence: int) -> bool:
        """False for a message whose sequence is not past the product's last one."""
        last = self._sequence.get(product)
        if last is not None and sequence <= last:
            return False
        self._sequence[product] = sequence
        return True

    def resync(self, product: str) -> None:
        """The product was resubscribed: its next trade starts a new count."""
        self._resyncing.add(product)

    def forget(self) -> None:
        """A new connection: message sequences start again (trade numbers do not)."""
        self._sequence.clear()
        self._resyncing.update(self._last)
