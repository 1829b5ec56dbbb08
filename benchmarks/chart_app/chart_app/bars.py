"""`BarStream`: a deterministic synthetic OHLCV stream, one update per flush.

Like the feed's bars: the forming bar is sent again on every update with its new close, high,
low and volume; after `updates_per_bar` updates it is sent once more as closed, together with
the next bar, which opens at the last close. Pure Python (no Reflex); both pages of the app
draw the same stream from the same seed.
"""

from __future__ import annotations

import math
import random

from realtime_server.protocol import Bar

T0_MS = 1_767_268_800_000
"""Start of the first history bar (2026-01-01 12:00 UTC)."""
SYMBOL = "ACME"
HISTORY_UPDATES_PER_BAR = 4
"""Updates per bar while building the history (the shape of a bar does not depend on it)."""


class BarStream:
    """Bars of `interval_ms` for one symbol, each updated `updates_per_bar` times."""

    def __init__(self, interval: str, interval_ms: int, updates_per_bar: int, seed: int) -> None:
        self.interval = interval
        self.interval_ms = interval_ms
        self.updates_per_bar = updates_per_bar
        self.rng = random.Random(seed)
        self.index = 0
        self.price = 100.0
        self.bar: Bar | None = None
        self.updates = 0

    def history(self, n: int) -> list[Bar]:
        """The channel's snapshot: `n - 1` closed bars and the forming one, oldest first."""
        live, self.updates_per_bar = self.updates_per_bar, HISTORY_UPDATES_PER_BAR
        bars: dict[int, Bar] = {}
        while self.index < n - 1 or self.bar is None:
            for bar in self.next():
                bars[bar.start] = bar
        self.updates_per_bar = live
        return list(bars.values())

    def next(self) -> list[Bar]:
        """One flush's bars: the forming bar updated, or the closed one and the next."""
        out: list[Bar] = []
        if self.bar is None or self.updates >= self.updates_per_bar:
            if self.bar is not None:
                out.append(self.bar.model_copy(update={"closed": True}))
                self.index += 1
            p = self.price
            self.bar = Bar(
                symbol=SYMBOL,
                interval=self.interval,
                start=T0_MS + self.index * self.interval_ms,
                open=p,
                high=p,
                low=p,
                close=p,
                volume=0,
                trades=0,
                closed=False,
            )
            self.updates = 0
        # Scaled so that a bar spans about the same range however many updates it gets.
        step = self.rng.gauss(0, 0.004 / math.sqrt(self.updates_per_bar))
        self.price = round(self.price * (1 + step), 2)
        bar = self.bar
        self.bar = bar.model_copy(
            update={
                "close": self.price,
                "high": max(bar.high, self.price),
                "low": min(bar.low, self.price),
                "volume": bar.volume + max(1, self.rng.randint(200, 2000) // self.updates_per_bar),
                "trades": bar.trades + 1,
            }
        )
        self.updates += 1
        out.append(self.bar)
        return out
