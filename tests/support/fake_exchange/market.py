"""The fake exchanges' market: a deterministic walk per product, numbered trades, and the
exchange's own day figures (deliberately unlike anything rebuilt from the trades a feed sees:
a 24 h open below the first trade, a volume far above the trades sent)."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

HISTORY = 50
"""Recent trades kept per product (Kraken's subscription snapshot replays them)."""
SKIPPED_SIZE = 100.0
"""The size of a trade skipped by `skip`: far above the others, so it shows where it lands."""


@dataclass(frozen=True, slots=True)
class FakeTrade:
    product: str
    price: float
    size: float
    ts: int
    trade_id: int
    sequence: int


@dataclass(slots=True)
class ProductState:
    product: str
    price: float
    decimals: int
    trade_id: int = 1000
    sequence: int = 50_000
    open_24h: float = 0.0
    high_24h: float = 0.0
    low_24h: float = 0.0
    volume_24h: float = 12_345.678
    prev_close: float = 0.0
    steps: int = 0
    history: deque[FakeTrade] = field(default_factory=lambda: deque(maxlen=HISTORY))

    def __post_init__(self) -> None:
        self.open_24h = self.prev_close = round(self.price * 0.98, self.decimals)
        self.high_24h = round(self.price * 1.01, self.decimals)
        self.low_24h = round(self.price * 0.97, self.decimals)

    @property
    def bid(self) -> float:
        return round(self.price - 0.1**self.decimals, self.decimals)

    @property
    def ask(self) -> float:
        return round(self.price + 0.1**self.decimals, self.decimals)


class FakeMarket:
    """Products in their exchange's names, each trading once per `step`."""

    def __init__(self, prices: dict[str, float], places: dict[str, int] | None = None) -> None:
        """`places`: a product's decimal places (its tick size), 2 for those not named."""
        places = places or {}
        self.products = {p: ProductState(p, price, places.get(p, 2)) for p, price in prices.items()}
        self._skip: set[str] = set()

    def step(self, product: str) -> FakeTrade:
        """The product's next trade (a small up-and-down walk) and its new day figures."""
        state = self.products[product]
        state.steps += 1
        move = (1, 2, -1, -2, 1)[state.steps % 5] * 0.1**state.decimals * 3
        state.price = round(state.price + move, state.decimals)
        state.high_24h = max(state.high_24h, state.price)
        state.low_24h = min(state.low_24h, state.price)
        size = round(0.01 * (1 + state.steps % 7), 8)
        state.volume_24h = round(state.volume_24h + size, 8)
        if product in self._skip:  # this trade happens, but no one is sent it
            self._skip.discard(product)
            state.trade_id += 1
            state.sequence += 1
            state.volume_24h += SKIPPED_SIZE
            state.history.append(self._trade(state, SKIPPED_SIZE))
        state.trade_id += 1
        state.sequence += 1
        trade = self._trade(state, size)
        state.history.append(trade)
        return trade

    def skip(self, product: str) -> None:
        """The product's next trade number is never sent (a gap)."""
        self._skip.add(product)

    def _trade(self, state: ProductState, size: float) -> FakeTrade:
        return FakeTrade(
            state.product, state.price, size, int(time.time() * 1000), state.trade_id,
            state.sequence,
        )  # fmt: skip
