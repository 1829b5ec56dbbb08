"""`RealBar`: one bar of real history, as the replay holds it (prices in integer cents)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from realtime_server.sources.base import SourceSetupError


class ReplayDataError(SourceSetupError):
    """A replay file cannot be used; the message names the file, the line and what is wrong."""


@dataclass(frozen=True, slots=True)
class RealBar:
    """A real OHLCV bar of one symbol over `[start_ms, end_ms)` of the trading day `day`.

    A daily bar spans that day's regular session (09:30-16:00 New York, or the early close);
    an intraday bar its own period. Prices are in cents, `volume` in shares.
    """

    symbol: str
    day: dt.date
    start_ms: int
    end_ms: int
    open: int
    high: int
    low: int
    close: int
    volume: int
    line: int
    """The line of the file it came from."""
