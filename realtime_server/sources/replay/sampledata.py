"""The default replay: real daily bars shipped in the `bokeh-sampledata` package.

Its `stocks.csv.gz` (Quandl WIKI prices, public domain) holds unadjusted daily OHLCV of AAPL,
IBM and MSFT from March 2000, GOOG from August 2004 and FB from May 2012, all to 1 March 2013:
no network needed. The file names no companies, so this module does, as they were then
(Google Inc., Facebook Inc.); a user's file names its own symbols, described from the same
table or the simulator's universe when they are there.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

from realtime_server.sources.universe import DEFAULT_UNIVERSE

SAMPLE_PACKAGE = "bokeh_sampledata"
SAMPLE_FILE = "_data/stocks.csv.gz"
TECHNOLOGY = "Technology"
UNCLASSIFIED = "Unclassified"

COMPANIES: dict[str, tuple[str, str]] = {
    "AAPL": ("Apple Inc.", TECHNOLOGY),
    "FB": ("Facebook Inc.", TECHNOLOGY),
    "GOOG": ("Google Inc.", TECHNOLOGY),
    "IBM": ("International Business Machines Corp.", TECHNOLOGY),
    "MSFT": ("Microsoft Corp.", TECHNOLOGY),
}
"""Name and sector of each symbol of the sample file, as of its years."""

_UNIVERSE = {entry.symbol: (entry.name, entry.sector) for entry in DEFAULT_UNIVERSE}


def sample_path() -> Path:
    """Where the installed package keeps the sample file."""
    with as_file(files(SAMPLE_PACKAGE).joinpath(SAMPLE_FILE)) as path:
        return path


def company(symbol: str) -> tuple[str, str]:
    """A symbol's company name and sector (the ticker itself and "Unclassified" if unknown)."""
    return COMPANIES.get(symbol) or _UNIVERSE.get(symbol) or (symbol, UNCLASSIFIED)
