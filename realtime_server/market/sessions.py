"""Market sessions: whether a market is in pre-market, regular hours, after-hours or closed.

US equities follow the New York Stock Exchange's calendar (`exchange-calendars`' "XNYS": its
holidays, early closes and regular hours), with the extended sessions US brokers and the
consolidated tape use: pre-market from 04:00 and after-hours until 20:00, New York time, on
trading days only. Crypto markets never close. The calendar is loaded lazily (pandas takes
a couple of seconds to import), and only by sources that trade equities.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import warnings
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from realtime_server.protocol import MarketSessionState as SessionState

if TYPE_CHECKING:
    from exchange_calendars import ExchangeCalendar

NEW_YORK = ZoneInfo("America/New_York")
PRE_MARKET_OPENS = dt.time(4, 0)
AFTER_HOURS_CLOSE = dt.time(20, 0)
CALENDAR_START = "1990-01-01"
"""The earliest day the calendar knows (history files go back to the 1990s)."""
LOOKAHEAD_DAYS = 14
"""How far ahead the next session is looked for (holidays never close the market longer)."""


@dataclasses.dataclass(frozen=True, slots=True)
class MarketSession:
    """The session a market is in at a moment, and when it next changes."""

    state: SessionState
    next_change_ms: int | None
    """When the state changes next (ms since the epoch); None for a market that never closes."""
    next_state: SessionState | None
    day_open_ms: int | None = None
    """When the current (or last) regular session opened: where the day's change starts."""


ALWAYS_OPEN = MarketSession(SessionState.ALWAYS, None, None)


@lru_cache(maxsize=1)
def _xnys() -> ExchangeCalendar:
    import exchange_calendars

    with warnings.catch_warnings():
        # exchange-calendars builds its tables with a pandas idiom pandas 3 deprecates
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return exchange_calendars.get_calendar("XNYS", start=CALENDAR_START)


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


@lru_cache(maxsize=128)
def _day_marks(day: dt.date) -> list[tuple[int, SessionState]] | None:
    """The moments a trading day's states begin, in order, or None on a non-trading day."""
    calendar = _xnys()
    label = day.isoformat()
    if not calendar.is_session(label):
        return None
    opens = calendar.session_open(label).to_pydatetime()
    closes = calendar.session_close(label).to_pydatetime()
    pre = dt.datetime.combine(day, PRE_MARKET_OPENS, NEW_YORK)
    after_end = dt.datetime.combine(day, AFTER_HOURS_CLOSE, NEW_YORK)
    return [
        (_ms(pre), SessionState.PRE),
        (_ms(opens), SessionState.REGULAR),
        (_ms(closes), SessionState.AFTER),
        (_ms(after_end), SessionState.CLOSED),
    ]


@lru_cache(maxsize=1)
def _regular_hours_table() -> dict[dt.date, tuple[int, int]]:
    schedule = _xnys().schedule
    return {
        label.date(): (_ms(opens.to_pydatetime()), _ms(closes.to_pydatetime()))
        for label, opens, closes in zip(
            schedule.index, schedule["open"], schedule["close"], strict=True
        )
    }


def regular_hours(day: dt.date) -> tuple[int, int] | None:
    """When a day's regular session opens and closes (ms), or None on a non-trading day
    (`ValueError` past the calendar's ends: 1990 to about a year from today)."""
    calendar = _xnys()
    if not calendar.first_session.date() <= day <= calendar.last_session.date():
        raise ValueError(f"{day} is outside the NYSE calendar")
    return _regular_hours_table().get(day)


def us_equity_session(at_ms: int) -> MarketSession:
    """The US equity session at `at_ms` (ms since the epoch), from the NYSE calendar."""
    today = dt.datetime.fromtimestamp(at_ms / 1000, NEW_YORK).date()
    state, day_open = SessionState.CLOSED, None
    for offset in range(-LOOKAHEAD_DAYS, LOOKAHEAD_DAYS + 1):
        day = today + dt.timedelta(days=offset)
        marks = _day_marks(day)
        if marks is None:
            continue
        for begins, begun in marks:
            if begins > at_ms:
                return MarketSession(state, begins, begun, day_open)
            state = begun
            if begun is SessionState.REGULAR:
                day_open = begins
    return MarketSession(state, None, None, day_open)
