"""Trading days: which day a trade counts toward, and that day's regular session.

A quote's open, high, low, VWAP and change belong to a trading day, and so does a `1D` bar:

* a market that never closes (`always`: crypto) keeps UTC days, as its exchanges publish
  them: the day is the UTC date, and a `1D` bar holds the whole of it;
* US equities keep New York days: a trade counts toward the NYSE day of its New York date
  (pre-market, regular hours and after-hours alike, so a quote's figures reset when the
  day's first trade prints), and a `1D` bar holds that day's regular session only
  (09:30-16:00, or the early close, from the exchange calendar), as daily bars are
  published; trades outside it are in no daily bar.

Either way a day is keyed by 00:00 UTC of its date (`key`, ms): that is a `1D` bar's `start`.
Lookups are cached by span, so the per-tick cost is two comparisons.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from realtime_server.market.sessions import NEW_YORK, regular_hours

DAY_MS = 86_400_000
US_EQUITIES = "us-equities"


class TradingDays(Protocol):
    """The trading-day calendar of one market."""

    def day(self, ts: int) -> int:
        """The key (00:00 UTC of its date, ms) of the trading day a trade at `ts` counts toward."""
        ...

    def regular_session(self, ts: int) -> tuple[int, int] | None:
        """The key and the end (ms) of the regular session holding `ts`, or None outside one."""
        ...


class UtcDays:
    """Days of a market that never closes: UTC dates, each one whole session."""

    def day(self, ts: int) -> int:
        return ts - ts % DAY_MS

    def regular_session(self, ts: int) -> tuple[int, int] | None:
        key = ts - ts % DAY_MS
        return key, key + DAY_MS


class NewYorkSessions:
    """Days of US equities: New York dates, regular hours from the NYSE calendar."""

    def __init__(self) -> None:
        self._day_span = (0, 0, 0)
        """(from, until, key) of the New York date last looked up."""
        self._session = (0, 0, 0)
        """(from, until, key) of the regular session last looked up; key 0: none."""
        self._hours: dict[dt.date, tuple[int, int] | None] = {}

    def day(self, ts: int) -> int:
        lo, hi, key = self._day_span
        if lo <= ts < hi:
            return key
        date = dt.datetime.fromtimestamp(ts / 1000, NEW_YORK).date()
        midnight = dt.datetime.combine(date, dt.time(), NEW_YORK)
        lo = _ms(midnight)
        hi = _ms(dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), NEW_YORK))
        key = _utc_key(date)
        self._day_span = (lo, hi, key)
        return key

    def regular_session(self, ts: int) -> tuple[int, int] | None:
        lo, hi, key = self._session
        if lo <= ts < hi:
            return (key, hi) if key else None
        date = dt.datetime.fromtimestamp(ts / 1000, NEW_YORK).date()
        if date not in self._hours:
            self._hours[date] = regular_hours(date)
        hours = self._hours[date]
        if hours is not None and hours[0] <= ts < hours[1]:
            self._session = (hours[0], hours[1], _utc_key(date))
            return _utc_key(date), hours[1]
        # outside the session: remember the closed span around `ts` on this date
        day_lo = _ms(dt.datetime.combine(date, dt.time(), NEW_YORK))
        day_hi = _ms(dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), NEW_YORK))
        if hours is not None:
            day_lo, day_hi = (day_lo, hours[0]) if ts < hours[0] else (hours[1], day_hi)
        self._session = (day_lo, day_hi, 0)
        return None


def trading_days(market: str) -> TradingDays:
    """The calendar of a source's market (`us-equities` or `always`)."""
    return NewYorkSessions() if market == US_EQUITIES else UtcDays()


def _utc_key(date: dt.date) -> int:
    return (date.toordinal() - dt.date(1970, 1, 1).toordinal()) * DAY_MS


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)
