"""Trades inside one real bar, so that the bar built back from them is exactly the real one.

A file holds bars, not trades. To replay a bar, `synthesize` makes up the trades inside it
under four rules, so that whatever is aggregated from them at the bar's own interval has the
real open, high, low and close (to the cent) and the real volume:

* the first trade prints at the open, at the bar's start; the last at the close, in the
  bar's last millisecond (a daily bar: 09:30:00.000 and 15:59:59.999 New York);
* the high and the low are both touched, in an order drawn from the seeded generator: the
  extreme nearer the open is the likelier first (forced when the open or the close is one);
* between those points the price follows a random walk bridged onto them, in whole cents,
  never outside [low, high]; times are spread evenly over the bar's span, with jitter;
* sizes sum to the volume: whole round lots of 100 when the volume allows (the odd shares
  on one trade), else single shares. A bar whose volume is below the number of prices it
  must print (a 2-share bar that must touch four prices) prints the extra ones with size 0;
  a bar of volume 0 traded nothing and prints nothing.

The same seed, symbol and bar always give the same trades.
"""

from __future__ import annotations

import math
import random
from itertools import pairwise

from realtime_server.sources.replay.records import RealBar

Trade = tuple[int, int, int]
"""(ts in ms, price in cents, size in shares)."""

ROUND_LOT = 100


def synthesize(bar: RealBar, trades: int, seed: int) -> list[Trade]:
    """About `trades` trades (at least the prices the bar must print, at most its volume)."""
    if bar.volume <= 0:
        return []
    rng = random.Random(f"{seed}:{bar.symbol}:{bar.start_ms}")
    anchors = _anchors(bar, rng)
    n = max(len(anchors), min(max(trades, 1), bar.volume))
    prices = _path(anchors, n, bar.low, bar.high, rng)
    times = _times(bar.start_ms, bar.end_ms, n, rng)
    sizes = _sizes(bar.volume, n, rng)
    return list(zip(times, prices, sizes, strict=True))


def _anchors(bar: RealBar, rng: random.Random) -> list[int]:
    """The prices the bar must print, in order: open, the extremes, close (no repeats)."""
    o, h, lo, c = bar.open, bar.high, bar.low, bar.close
    if h == lo:
        return [o]
    if o == h or c == lo:
        high_first = True
    elif o == lo or c == h:
        high_first = False
    else:
        high_first = rng.random() < (o - lo) / (h - lo)
    first, second = (h, lo) if high_first else (lo, h)
    points = [o]
    if first != o:
        points.append(first)
    if second != c:
        points.append(second)
    points.append(c)
    return [p for i, p in enumerate(points) if i == 0 or p != points[i - 1]]


def _path(anchors: list[int], n: int, low: int, high: int, rng: random.Random) -> list[int]:
    """`n` prices through the anchors (first and last at the ends, the others at random
    places between), a bounded random walk bridged onto each."""
    if len(anchors) == 1:
        return [anchors[0]] * n
    inner = sorted(rng.sample(range(1, n - 1), len(anchors) - 2))
    places = [0, *inner, n - 1]
    sigma = max(1.0, (high - low) / (2 * math.sqrt(n)))
    prices = [anchors[0]]
    gauss = rng.gauss
    for (i, a), (j, b) in pairwise(zip(places, anchors, strict=True)):
        steps = j - i
        walk, total = [], 0.0
        for _ in range(steps):
            total += gauss(0.0, sigma)
            walk.append(total)
        for k in range(1, steps):
            share = k / steps
            value = round(a + (b - a) * share + walk[k - 1] - share * total)
            prices.append(min(high, max(low, value)))
        prices.append(b)
    return prices


def _times(start: int, end: int, n: int, rng: random.Random) -> list[int]:
    """`n` non-decreasing times in [start, end): the first at `start`, the last at end - 1."""
    if n == 1:
        return [start]
    span = end - start
    inner = [start + math.floor((j + rng.random()) * span / n) for j in range(1, n - 1)]
    return [start, *inner, end - 1]


def _sizes(volume: int, n: int, rng: random.Random) -> list[int]:
    """`n` sizes summing to `volume`: round lots when it allows, each trade at least one
    share while the volume lasts."""
    if volume < n:
        return [1] * volume + [0] * (n - volume)
    if volume >= ROUND_LOT * n:
        lots = _split(volume // ROUND_LOT, n, rng)
        sizes = [lot * ROUND_LOT for lot in lots]
        sizes[rng.randrange(n)] += volume % ROUND_LOT
        return sizes
    return _split(volume, n, rng)


def _split(total: int, n: int, rng: random.Random) -> list[int]:
    """`total` cut into `n` random parts of at least 1 (`total` >= `n`)."""
    cuts = sorted(rng.sample(range(1, total), n - 1))
    bounds = [0, *cuts, total]
    return [b - a for a, b in pairwise(bounds)]
