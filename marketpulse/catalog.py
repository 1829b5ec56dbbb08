"""The symbols this app knows by name: the feed simulator's default universe (55 US large caps).

A copy of the symbol → company name pairs of `realtime_server/sources/universe.py` (the app may
import only `realtime_server.protocol` from the server). It names watchlist rows and validates
what a user adds before the feed is asked; the feed's subscribe ack stays the final word
(`unknown_symbol`), since a server may trade another universe.
"""

from __future__ import annotations

from types import MappingProxyType

from marketpulse.config import get_config
from marketpulse.watchlist.defaults import DEFAULT_WATCHLIST
from realtime_server.protocol import SYMBOL_PATTERN

KNOWN_SYMBOLS: MappingProxyType[str, str] = MappingProxyType(
    {
        "AAPL": "Apple Inc.",
        "MSFT": "Microsoft Corp.",
        "NVDA": "NVIDIA Corp.",
        "AVGO": "Broadcom Inc.",
        "ORCL": "Oracle Corp.",
        "CRM": "Salesforce Inc.",
        "ADBE": "Adobe Inc.",
        "AMD": "Advanced Micro Devices Inc.",
        "INTC": "Intel Corp.",
        "CSCO": "Cisco Systems Inc.",
        "GOOGL": "Alphabet Inc.",
        "META": "Meta Platforms Inc.",
        "NFLX": "Netflix Inc.",
        "DIS": "The Walt Disney Co.",
        "VZ": "Verizon Communications Inc.",
        "T": "AT&T Inc.",
        "AMZN": "Amazon.com Inc.",
        "TSLA": "Tesla Inc.",
        "HD": "The Home Depot Inc.",
        "MCD": "McDonald's Corp.",
        "NKE": "Nike Inc.",
        "SBUX": "Starbucks Corp.",
        "KO": "The Coca-Cola Co.",
        "PEP": "PepsiCo Inc.",
        "PG": "Procter & Gamble Co.",
        "WMT": "Walmart Inc.",
        "COST": "Costco Wholesale Corp.",
        "JPM": "JPMorgan Chase & Co.",
        "BAC": "Bank of America Corp.",
        "GS": "The Goldman Sachs Group Inc.",
        "V": "Visa Inc.",
        "MA": "Mastercard Inc.",
        "AXP": "American Express Co.",
        "UNH": "UnitedHealth Group Inc.",
        "JNJ": "Johnson & Johnson",
        "LLY": "Eli Lilly and Co.",
        "PFE": "Pfizer Inc.",
        "MRK": "Merck & Co. Inc.",
        "ABBV": "AbbVie Inc.",
        "XOM": "Exxon Mobil Corp.",
        "CVX": "Chevron Corp.",
        "COP": "ConocoPhillips",
        "SLB": "Schlumberger Ltd.",
        "CAT": "Caterpillar Inc.",
        "BA": "The Boeing Co.",
        "GE": "GE Aerospace",
        "UPS": "United Parcel Service Inc.",
        "HON": "Honeywell International Inc.",
        "LIN": "Linde plc",
        "FCX": "Freeport-McMoRan Inc.",
        "NEM": "Newmont Corp.",
        "NEE": "NextEra Energy Inc.",
        "DUK": "Duke Energy Corp.",
        "PLD": "Prologis Inc.",
        "AMT": "American Tower Corp.",
    }
)
"""Symbol → company name, in the simulator's display order."""


def is_known(symbol: str) -> bool:
    """Whether `symbol` is one of the default universe's symbols."""
    return symbol in KNOWN_SYMBOLS


def company_name(symbol: str) -> str:
    """The company name shown for `symbol` (the default watchlist's wording first), or `""`."""
    return DEFAULT_WATCHLIST.get(symbol) or KNOWN_SYMBOLS.get(symbol, "")


def default_symbols() -> list[str]:
    """The watchlist of guests and new accounts, in order: `MARKETPULSE_DEFAULT_WATCHLIST`'s
    well-formed symbols (at most `watchlist_max_symbols`), or the built-in twelve.

    Configured symbols need not be in `KNOWN_SYMBOLS`: a feed may trade another universe, and
    its subscribe ack is the final word (a symbol it refuses is dropped, with a toast).
    """
    config = get_config()
    configured = (symbol.strip().upper() for symbol in config.default_watchlist)
    valid = list(dict.fromkeys(s for s in configured if SYMBOL_PATTERN.fullmatch(s)))
    return valid[: config.watchlist_max_symbols] or list(DEFAULT_WATCHLIST)
