"""The default watchlist: which symbols the dashboard shows, in order, and their company names.

The feed server's subscribe ack carries no names yet, so the app keeps this small static map.
`marketpulse.catalog.default_symbols` is the list in use (`MARKETPULSE_DEFAULT_WATCHLIST` may
replace this one).
"""

from __future__ import annotations

from types import MappingProxyType

DEFAULT_WATCHLIST: MappingProxyType[str, str] = MappingProxyType(
    {
        "AAPL": "Apple Inc.",
        "MSFT": "Microsoft Corp.",
        "NVDA": "NVIDIA Corp.",
        "AMZN": "Amazon.com Inc.",
        "GOOGL": "Alphabet Inc. Class A",
        "META": "Meta Platforms Inc.",
        "TSLA": "Tesla Inc.",
        "JPM": "JPMorgan Chase & Co.",
        "V": "Visa Inc.",
        "XOM": "Exxon Mobil Corp.",
        "JNJ": "Johnson & Johnson",
        "WMT": "Walmart Inc.",
    }
)
"""Symbol → company name, in display order."""
