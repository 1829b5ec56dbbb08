"""Chart data shaping: OHLCV bars from the feed into the points the live chart draws.

Pure Python, no Reflex import. A chart *window* is a list of `ChartPoint`s sorted by bar start
`t`, at most `max_points` long, newest last. Points are values: nothing here mutates a point or
a window it was given, so a window kept in a backend-only var can be compared with the next one.

How a state feeds the chart component (`marketpulse.components.live_chart`):

* On a reset (symbol or interval changed, resume from pause, feed task (re)started) it builds
  the window from the channel's snapshot, `merge_points([], bars, max_points)`, keeps it in a
  backend-only var, assigns it to the `window` var and bumps `revision`.
* On each flush it merges the new bars, `after = merge_points(before, bars, max_points)`, and
  sends only `tail_points(before, after, carry)`: the points that changed, plus the current
  values of the points the previous flush changed (`carry`, their `t`s). Two Reflex deltas can
  reach React in one render, and then the browser only sees the second tail; carrying the
  previous flush's points makes one such lost tail heal on the next, for a few extra bytes only
  when a bar closes (the rest of the time both flushes changed the same forming bar).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Collection, Iterable
from typing import TypedDict

from realtime_server.protocol import Bar


class ChartPoint(TypedDict):
    """One bar as the chart draws it; short keys because a tail goes over the wire each flush."""

    t: int
    """Bar start, ms since the epoch (the bar's identity within one window)."""
    o: float
    h: float
    l: float  # noqa: E741 - the wire name; the other keys are one letter too
    c: float
    v: float


INTERVALS: tuple[str, ...] = ("1s", "1m", "5m")
"""The bar intervals the chart offers (the feed's `bars:<interval>:<SYM>` channels)."""
DEFAULT_INTERVAL = "1m"
"""One-minute bars: the server's 300-bar history then spans five hours, a real session's
worth, and the forming candle still moves on every trade. ("1s" is livelier for a demo but
shows only five minutes and closes a candle every second.)"""
DEFAULT_MAX_POINTS = 300
"""Bars in a window; the feed server keeps the same number of bars of history per channel."""
CHART_MODES: tuple[str, ...] = ("candles", "line")
"""How the price is drawn: OHLC candlesticks, or a line through the closes."""


def point_of(bar: Bar) -> ChartPoint:
    """The chart point of one feed bar (its symbol, interval and trade count are not drawn)."""
    return ChartPoint(t=bar.start, o=bar.open, h=bar.high, l=bar.low, c=bar.close, v=bar.volume)


def plain_point(point: ChartPoint) -> dict[str, float]:
    """A copy of `point` as the plain dict the chart's state vars and props hold (Reflex cannot
    check a value against a TypedDict)."""
    return {
        "t": point["t"],
        "o": point["o"],
        "h": point["h"],
        "l": point["l"],
        "c": point["c"],
        "v": point["v"],
    }


def merge_points(
    window: list[ChartPoint], bars: Iterable[Bar], max_points: int
) -> list[ChartPoint]:
    """A new window: `window` with `bars` folded in by start time, trimmed to the newest
    `max_points`.

    A bar whose start equals a point's `t` replaces that point (a forming bar updated, or a
    bar closed); a later one is appended; an earlier one is inserted in order, and is then
    trimmed away again if the window is full of newer points. Among bars with the same start,
    the last one in `bars` wins. The given window is not modified.
    """
    if max_points < 1:
        raise ValueError("max_points must be >= 1")
    points = list(window)
    starts = [point["t"] for point in points]
    for bar in bars:
        point = point_of(bar)
        t = point["t"]
        # The common cases, checked first: the forming bar again, or the next one.
        if starts and t == starts[-1]:
            points[-1] = point
        elif not starts or t > starts[-1]:
            points.append(point)
            starts.append(t)
        else:
            at = bisect_left(starts, t)
            if starts[at] == t:
                points[at] = point
            else:
                points.insert(at, point)
                starts.insert(at, t)
    return points[-max_points:]


def changed_points(before: list[ChartPoint], after: list[ChartPoint]) -> list[ChartPoint]:
    """The points of `after` that `before` lacks or holds with other values, oldest first.

    Points trimmed off the front are not reported: the chart trims by `maxPoints` itself.
    """
    old = {point["t"]: point for point in before}
    return [point for point in after if old.get(point["t"]) != point]


def tail_points(
    before: list[ChartPoint], after: list[ChartPoint], carry: Collection[int] = ()
) -> list[ChartPoint]:
    """What to send the chart after a flush that turned `before` into `after`.

    The changed points (`changed_points`) plus the points of `after` whose `t` is in `carry`,
    with their current values, oldest first. Pass as `carry` the `t`s the previous flush changed
    (`[p["t"] for p in changed_points(...)]`, not the previous tail, or the tail would never
    shrink). Empty when nothing changed and nothing is carried: then leave the tail var alone,
    so Reflex sends no delta at all.
    """
    wanted = {point["t"] for point in changed_points(before, after)}
    wanted.update(carry)
    return [point for point in after if point["t"] in wanted]
