"""Reading replay files: CSV bars in the common Date,Open,High,Low,Close,Volume layout.

Accepted, so that most exports read as they are:

* a header row naming the columns, in any order and case (`Adj Close` and other extra columns
  are ignored): `Date` (or `Datetime` / `Timestamp`), an optional separate `Time`, `Open`,
  `High`, `Low`, `Close`, `Volume`, and `Symbol` (or `Ticker`) when one file holds several
  symbols; without it the symbol is the one given (`FEED_REPLAY_SYMBOL`) or the file's name
  (`aapl.csv` is AAPL);
* daily bars (an ISO date, `2013-03-01`: that day's regular session) or intraday bars (an ISO
  date and time, `2013-03-01 09:30` or `2013-03-01T14:30:00Z`: the bar's start; a time without
  an offset is New York time, and 00:00 means a daily bar). An intraday bar lasts the file's
  usual step between bars of a day (the most common one), and never past the next bar;
* `.csv` or `.csv.gz`, UTF-8 (a byte-order mark is fine), rows in any order.

Every value is checked before use; the first problem stops the start with a `ReplayDataError`
naming the file, the line and what is wrong (a missing column, a value that is not a number,
high below low, a date the NYSE did not trade, a second bar for the same moment, ...). Prices
are kept in cents (rounded half up) and volumes in whole shares.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path
from typing import IO, Any, NoReturn

from realtime_server.market.sessions import (
    AFTER_HOURS_CLOSE,
    CALENDAR_START,
    NEW_YORK,
    PRE_MARKET_OPENS,
    regular_hours,
)
from realtime_server.protocol.channels import SYMBOL_PATTERN
from realtime_server.sources.replay.records import RealBar, ReplayDataError

MAX_ROWS = 5_000_000
"""Rows read from one file at most: the replay holds every bar in memory."""
MAX_PRICE = Decimal(10_000_000)
MAX_VOLUME = Decimal(10**13)
CENT = Decimal("0.01")
FIRST_DAY = dt.date.fromisoformat(CALENDAR_START)
REQUIRED = ("date", "open", "high", "low", "close", "volume")
ALIASES = {
    "date": "date",
    "datetime": "date",
    "timestamp": "date",
    "time": "time",
    "symbol": "symbol",
    "ticker": "symbol",
    "open": "open",
    "high": "high",
    "low": "low",
    "close": "close",
    "volume": "volume",
}


class _RowError(Exception):
    """What is wrong with one row (the caller adds the file and line)."""


@dataclass(frozen=True, slots=True)
class _Row:
    symbol: str
    moment: dt.date | dt.datetime
    prices: tuple[int, int, int, int]
    volume: int
    line: int


def read_replay_files(path: Path, symbol: str | None = None) -> dict[str, list[RealBar]]:
    """The bars of a CSV file, or of every `*.csv` / `*.csv.gz` in a directory, by symbol
    (each symbol's oldest first)."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.name.lower().endswith((".csv", ".csv.gz")))
        if not files:
            raise ReplayDataError(f"{path}: the directory holds no .csv or .csv.gz file")
    elif path.exists():
        files = [path]
    else:
        raise ReplayDataError(f"{path}: no such file or directory")
    bars: dict[str, list[RealBar]] = {}
    for file in files:
        for sym, series in read_csv(file, symbol).items():
            if sym in bars:
                raise ReplayDataError(f"{file}: {sym} is also in another file of {path}")
            bars[sym] = series
    return bars


def read_csv(path: Path, symbol: str | None = None) -> dict[str, list[RealBar]]:
    """The bars of one CSV file by symbol; `symbol` names them when it has no symbol column."""
    name = str(path)
    try:
        if path.name.lower().endswith(".gz"):
            with gzip.open(path, "rt", newline="", encoding="utf-8-sig") as text:
                return _read(text, name, symbol or _symbol_of(path))
        with path.open(newline="", encoding="utf-8-sig") as text:
            return _read(text, name, symbol or _symbol_of(path))
    except UnicodeDecodeError:
        raise ReplayDataError(f"{name}: not UTF-8 text") from None
    except OSError as exc:
        raise ReplayDataError(f"{name}: cannot be read ({exc.strerror or exc})") from None


def _symbol_of(path: Path) -> str:
    stem = re.sub(r"\.csv(\.gz)?$", "", path.name, flags=re.IGNORECASE)
    return stem.upper()


def _read(text: IO[str], name: str, fallback: str) -> dict[str, list[RealBar]]:
    reader = csv.reader(text)
    try:
        rows = list(_rows(reader, name, fallback))
    except csv.Error as exc:
        raise ReplayDataError(f"{name}, line {reader.line_num}: not CSV ({exc})") from None
    if not rows:
        raise ReplayDataError(f"{name}: no bars after the header")
    daily = not isinstance(rows[0].moment, dt.datetime)
    by_symbol: dict[str, list[_Row]] = defaultdict(list)
    for row in rows:
        if (not isinstance(row.moment, dt.datetime)) != daily:
            kind = "daily" if daily else "intraday"
            _fail(name, row.line, f"{row.moment} mixes bar kinds: line {rows[0].line} is {kind}")
        by_symbol[row.symbol].append(row)
    return {
        sym: _bars(sorted(series, key=lambda r: (r.moment, r.line)), name, daily)
        for sym, series in by_symbol.items()
    }


def _rows(reader: Any, name: str, fallback: str) -> Iterator[_Row]:
    header = next(reader, None)
    if header is None:
        raise ReplayDataError(
            f"{name}, line 1: empty file (expected a header such as "
            "Date,Open,High,Low,Close,Volume)"
        )
    columns = _columns(header, name)
    if "symbol" not in columns and not SYMBOL_PATTERN.match(fallback):
        _fail(
            name,
            1,
            f"no Symbol column, and the file name gives no symbol ({fallback!r}): "
            "add a Symbol column or set FEED_REPLAY_SYMBOL",
        )
    width = max(columns.values()) + 1
    count = 0
    for fields in reader:
        line: int = reader.line_num
        if not any(field.strip() for field in fields):
            continue
        count += 1
        if count > MAX_ROWS:
            _fail(name, line, f"more than {MAX_ROWS} rows")
        try:
            yield _row(fields, columns, width, fallback, line)
        except _RowError as bad:
            _fail(name, line, str(bad))


def _columns(header: list[str], name: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        key = ALIASES.get(re.sub(r"[\s_]+", "", title.strip().lower()))
        if key is not None and key not in columns:
            columns[key] = index
    if "date" not in columns and "time" in columns:
        columns["date"] = columns.pop("time")
    missing = [col.capitalize() for col in REQUIRED if col not in columns]
    if missing:
        found = ",".join(title.strip() for title in header)[:200]
        _fail(name, 1, f"missing column {', '.join(missing)} (the header is {found!r})")
    return columns


def _row(fields: list[str], cols: dict[str, int], width: int, fallback: str, line: int) -> _Row:
    if len(fields) < width:
        raise _RowError(f"{len(fields)} fields, but the header has {width}")
    symbol = fallback
    if "symbol" in cols:
        symbol = fields[cols["symbol"]].strip().upper()
        if not SYMBOL_PATTERN.match(symbol):
            raise _RowError(f"Symbol {symbol[:20]!r} is not a ticker (A-Z, 0-9, '.', '-')")
    time = fields[cols["time"]] if "time" in cols else ""
    moment = _moment(fields[cols["date"]], time)
    o, h, lo, c = (
        _cents(fields[cols[k]], k.capitalize()) for k in ("open", "high", "low", "close")
    )
    if h < lo:
        raise _RowError(f"High {h / 100:.2f} is below Low {lo / 100:.2f}")
    for label, price in (("Open", o), ("Close", c)):
        if not lo <= price <= h:
            raise _RowError(
                f"{label} {price / 100:.2f} is outside Low-High {lo / 100:.2f}-{h / 100:.2f}"
            )
    return _Row(symbol, moment, (o, h, lo, c), _volume(fields[cols["volume"]]), line)


def _moment(date_text: str, time_text: str) -> dt.date | dt.datetime:
    text = f"{date_text.strip()} {time_text.strip()}".strip()
    try:
        if len(text) <= 10:
            return dt.date.fromisoformat(text)
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _RowError(
            f"Date {text[:40]!r} is not an ISO date (2013-03-01) or date and time "
            "(2013-03-01 09:30)"
        ) from None
    if moment.tzinfo is None:
        if moment.time() == dt.time():
            return moment.date()
        return moment.replace(tzinfo=NEW_YORK)
    return moment.astimezone(NEW_YORK)


def _cents(text: str, column: str) -> int:
    value = _number(text, column)
    if value <= 0:
        raise _RowError(f"{column} {text.strip()[:20]} is not a positive price")
    if value > MAX_PRICE:
        raise _RowError(f"{column} {text.strip()[:20]} is beyond any share price")
    return int(value.quantize(CENT, ROUND_HALF_UP) * 100)


def _volume(text: str) -> int:
    value = _number(text, "Volume")
    if value < 0 or value != value.to_integral_value() or value > MAX_VOLUME:
        raise _RowError(f"Volume {text.strip()[:20]} is not a whole number of shares")
    return int(value)


def _number(text: str, column: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise _RowError(f"{column} {text.strip()[:20]!r} is not a number") from None
    if not value.is_finite():
        raise _RowError(f"{column} {text.strip()[:20]!r} is not a number")
    return value


def _bars(rows: list[_Row], name: str, daily: bool) -> list[RealBar]:
    for before, row in pairwise(rows):
        if before.moment == row.moment:
            _fail(
                name,
                row.line,
                f"a second {row.symbol} bar for {row.moment} (line {before.line} has one)",
            )
    if daily:
        return [_daily(row, name) for row in rows]
    return _intraday(rows, name)


def _daily(row: _Row, name: str) -> RealBar:
    assert isinstance(row.moment, dt.date)
    hours = _hours(row.moment, row, name)
    if hours is None:
        _fail(name, row.line, f"{row.moment} is not a NYSE trading day")
    return _bar(row, row.moment, *hours)


def _intraday(rows: list[_Row], name: str) -> list[RealBar]:
    timed = [(row, row.moment) for row in rows if isinstance(row.moment, dt.datetime)]
    steps = Counter(_ms(b) - _ms(a) for (_, a), (_, b) in pairwise(timed) if a.date() == b.date())
    if not steps:
        _fail(name, rows[0].line, "one intraday bar a day: the bars' length cannot be told")
    length = min(steps, key=lambda step: (-steps[step], step))
    bars = []
    for i, (row, moment) in enumerate(timed):
        day = moment.date()
        if _hours(day, row, name) is None:
            _fail(name, row.line, f"{day} is not a NYSE trading day")
        early = dt.datetime.combine(day, PRE_MARKET_OPENS, NEW_YORK)
        late = dt.datetime.combine(day, AFTER_HOURS_CLOSE, NEW_YORK)
        if not early <= moment < late:
            _fail(name, row.line, f"{moment:%H:%M} New York is outside 04:00-20:00")
        start = _ms(moment)
        end = min(start + length, _ms(late))
        if i + 1 < len(timed) and timed[i + 1][1].date() == day:
            end = min(end, _ms(timed[i + 1][1]))
        bars.append(_bar(row, day, start, end))
    return bars


def _hours(day: dt.date, row: _Row, name: str) -> tuple[int, int] | None:
    if day < FIRST_DAY:
        _fail(name, row.line, f"{day} is before {CALENDAR_START}, the NYSE calendar's start")
    try:
        return regular_hours(day)
    except ValueError:  # past the calendar's end (about a year from today)
        _fail(name, row.line, f"{day} is past the NYSE calendar's end")


def _bar(row: _Row, day: dt.date, start: int, end: int) -> RealBar:
    o, h, lo, c = row.prices
    return RealBar(row.symbol, day, start, end, o, h, lo, c, row.volume, row.line)


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _fail(name: str, line: int, what: str) -> NoReturn:
    raise ReplayDataError(f"{name}, line {line}: {what}")
