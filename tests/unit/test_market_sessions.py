"""US equity sessions from the NYSE calendar: pre-market, regular, after-hours, closed."""

from __future__ import annotations

import datetime as dt

import pytest

from realtime_server.market.sessions import NEW_YORK, SessionState, us_equity_session


def ms(year: int, month: int, day: int, hour: int, minute: int = 0) -> int:
    return int(dt.datetime(year, month, day, hour, minute, tzinfo=NEW_YORK).timestamp() * 1000)


@pytest.mark.parametrize(
    ("at", "state", "next_at", "next_state"),
    [
        (ms(2013, 3, 14, 8, 0), "pre", ms(2013, 3, 14, 9, 30), "regular"),
        (ms(2013, 3, 14, 10, 0), "regular", ms(2013, 3, 14, 16, 0), "after"),
        (ms(2013, 3, 14, 17, 0), "after", ms(2013, 3, 14, 20, 0), "closed"),
        (ms(2013, 3, 14, 21, 0), "closed", ms(2013, 3, 15, 4, 0), "pre"),
        # a Saturday: closed until Monday's pre-market
        (ms(2013, 3, 16, 12, 0), "closed", ms(2013, 3, 18, 4, 0), "pre"),
        # Independence Day: a holiday, closed all day
        (ms(2013, 7, 4, 11, 0), "closed", ms(2013, 7, 5, 4, 0), "pre"),
        # the day after Thanksgiving closes early, at 13:00
        (ms(2013, 11, 29, 13, 30), "after", ms(2013, 11, 29, 20, 0), "closed"),
    ],
)
def test_the_session_and_its_next_change(
    at: int, state: str, next_at: int, next_state: str
) -> None:
    session = us_equity_session(at)
    assert session.state is SessionState(state)
    assert session.next_change_ms == next_at
    assert session.next_state is SessionState(next_state)


def test_the_day_opens_at_the_regular_open() -> None:
    assert us_equity_session(ms(2013, 3, 14, 15, 0)).day_open_ms == ms(2013, 3, 14, 9, 30)
    # after the close, the day's change still counts from that open
    assert us_equity_session(ms(2013, 3, 14, 18, 0)).day_open_ms == ms(2013, 3, 14, 9, 30)
