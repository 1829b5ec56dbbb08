"""What a replay plays: its symbols, its start, the past before it, and the days it replays.

* Start: the day given (`FEED_REPLAY_START`, moved on to the first day with data), else the
  later of one year before the data's last day and the first day on which every symbol has
  a bar (the shipped sample: 18 May 2012, the day FB listed), so every symbol trades from
  the first replayed day on. A symbol not listed by the start, or gone by then, is left out
  (and logged).
* The past: the last `history_days` trading days before the start (fewer when their bars
  would need more than `MAX_HISTORY_TRADES` trades), handed to the charts before the replay.
* Previous close: each symbol's close before that past, or, when the file starts there, the
  open of its first bar (a listing day has no previous close: its change counts from the open).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from realtime_server.market.sessions import AFTER_HOURS_CLOSE, NEW_YORK
from realtime_server.sources.base import Instrument
from realtime_server.sources.replay.records import RealBar, ReplayDataError
from realtime_server.sources.replay.sampledata import company

DEFAULT_SPAN = dt.timedelta(days=365)
HISTORY_TRADE_EVERY_MS = 15 * 60_000
"""A past bar prints a trade per 15 minutes of its span (26 a regular session), at least 4."""
MAX_HISTORY_TRADES = 300_000
"""The past handed over at start, in trades: what the start may cost (about a second)."""


@dataclass(frozen=True, slots=True)
class ReplayPlan:
    instruments: tuple[Instrument, ...]
    history: tuple[RealBar, ...]
    """Bars before the start, in order of their start."""
    replay: tuple[RealBar, ...]
    """Bars from the start on, in order of their start."""
    spans: tuple[tuple[int, int], ...]
    """Each replayed day's active span: its first bar's start to its last bar's end (ms)."""
    first_day: dt.date
    last_day: dt.date
    tail_ms: int
    """20:00 New York on the last day: where the replayed clock stops."""
    left_out: tuple[str, ...]
    """Symbols with no bar by the start."""


def history_trades(bar: RealBar) -> int:
    """How many trades a bar of the past prints (its rebuilt bar is exact all the same)."""
    return max(4, (bar.end_ms - bar.start_ms) // HISTORY_TRADE_EVERY_MS)


def plan_replay(
    bars: Mapping[str, Sequence[RealBar]], start: dt.date | None, history_days: int
) -> ReplayPlan:
    """The replay of `bars` (each symbol's oldest first) from `start` (None: the default)."""
    series = {symbol: list(rows) for symbol, rows in bars.items() if rows}
    if not series:
        raise ReplayDataError("the replay files hold no bars")
    last = max(rows[-1].day for rows in series.values())
    if start is None:
        start = max(last - DEFAULT_SPAN, max(rows[0].day for rows in series.values()))
    elif start > last:
        raise ReplayDataError(f"FEED_REPLAY_START {start} is after the data's last day, {last}")
    kept = _trading_on(series, start)
    if not kept:  # `start` precedes every symbol: begin with the earliest one
        start = min(rows[0].day for rows in series.values())
        kept = _trading_on(series, start)
    first_day = min(b.day for rows in kept.values() for b in rows if b.day >= start)
    past_days = sorted({b.day for rows in kept.values() for b in rows if b.day < first_day})
    history = _history([b for rows in kept.values() for b in rows], past_days, history_days)
    replay = sorted(
        (b for rows in kept.values() for b in rows if b.day >= first_day),
        key=lambda b: (b.start_ms, b.symbol),
    )
    spans: dict[dt.date, tuple[int, int]] = {}
    for b in replay:
        lo, hi = spans.get(b.day, (b.start_ms, b.end_ms))
        spans[b.day] = (min(lo, b.start_ms), max(hi, b.end_ms))
    last_day = max(spans)
    history_start = history[0].day if history else first_day
    return ReplayPlan(
        instruments=tuple(_instrument(s, rows, history_start) for s, rows in kept.items()),
        history=tuple(history),
        replay=tuple(replay),
        spans=tuple(spans[day] for day in sorted(spans)),
        first_day=first_day,
        last_day=last_day,
        tail_ms=int(dt.datetime.combine(last_day, AFTER_HOURS_CLOSE, NEW_YORK).timestamp() * 1000),
        left_out=tuple(sorted(set(series) - set(kept))),
    )


def _trading_on(series: dict[str, list[RealBar]], start: dt.date) -> dict[str, list[RealBar]]:
    """The symbols with bars on both sides of `start` (listed by then, not yet gone)."""
    return {s: rows for s, rows in sorted(series.items()) if rows[0].day <= start <= rows[-1].day}


def _history(bars: list[RealBar], past_days: list[dt.date], days: int) -> list[RealBar]:
    """The bars of the last `days` past days, as many as `MAX_HISTORY_TRADES` allows."""
    wanted = set(past_days[-days:]) if days > 0 else set()
    by_day: dict[dt.date, list[RealBar]] = {}
    for b in bars:
        if b.day in wanted:
            by_day.setdefault(b.day, []).append(b)
    taken: list[RealBar] = []
    budget = MAX_HISTORY_TRADES
    for day in sorted(by_day, reverse=True):
        cost = sum(history_trades(b) for b in by_day[day])
        if cost > budget:
            break
        budget -= cost
        taken += by_day[day]
    return sorted(taken, key=lambda b: (b.start_ms, b.symbol))


def _instrument(symbol: str, rows: list[RealBar], history_start: dt.date) -> Instrument:
    before = [b for b in rows if b.day < history_start]
    first = next(b for b in rows if b.day >= history_start)
    prev_close = before[-1].close if before else first.open
    name, sector = company(symbol)
    return Instrument(symbol, name, sector, prev_close / 100)
