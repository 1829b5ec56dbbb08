"""The default instrument universe of the simulated market.

Owns the static description of every simulated symbol: company name, sector, previous close,
and the parameters the simulator needs (annualized volatility, market beta, relative trading
activity). Prices are ballpark recent levels of the real US listings; nothing here is live data.
"""

from __future__ import annotations

from dataclasses import dataclass

from realtime_server.sources.base import Instrument


@dataclass(frozen=True, slots=True)
class UniverseEntry:
    """One simulated symbol.

    `volatility` is annualized (0.25 = 25%/year), `beta` the loading on the market factor and
    `activity` a relative weight: a symbol with twice the weight trades twice as often.
    """

    symbol: str
    name: str
    sector: str
    prev_close: float
    volatility: float
    beta: float
    activity: float

    def instrument(self) -> Instrument:
        """The public, static description of this symbol."""
        return Instrument(self.symbol, self.name, self.sector, self.prev_close)


_TECH = "Technology"
_COMM = "Communication Services"
_DISC = "Consumer Discretionary"
_STAP = "Consumer Staples"
_FIN = "Financials"
_HEALTH = "Health Care"
_ENERGY = "Energy"
_IND = "Industrials"
_MAT = "Materials"
_UTIL = "Utilities"
_RE = "Real Estate"

E = UniverseEntry

DEFAULT_UNIVERSE: tuple[UniverseEntry, ...] = (
    E("AAPL", "Apple Inc.", _TECH, 228.50, 0.26, 1.20, 10.0),
    E("MSFT", "Microsoft Corp.", _TECH, 420.10, 0.24, 1.10, 9.0),
    E("NVDA", "NVIDIA Corp.", _TECH, 135.40, 0.50, 1.70, 10.0),
    E("AVGO", "Broadcom Inc.", _TECH, 172.30, 0.42, 1.30, 5.0),
    E("ORCL", "Oracle Corp.", _TECH, 168.90, 0.32, 1.00, 3.0),
    E("CRM", "Salesforce Inc.", _TECH, 298.70, 0.33, 1.20, 3.0),
    E("ADBE", "Adobe Inc.", _TECH, 497.20, 0.32, 1.20, 2.5),
    E("AMD", "Advanced Micro Devices Inc.", _TECH, 144.80, 0.50, 1.60, 6.0),
    E("INTC", "Intel Corp.", _TECH, 22.40, 0.45, 1.10, 5.0),
    E("CSCO", "Cisco Systems Inc.", _TECH, 58.30, 0.20, 0.90, 3.0),
    E("GOOGL", "Alphabet Inc.", _COMM, 176.20, 0.28, 1.10, 8.0),
    E("META", "Meta Platforms Inc.", _COMM, 582.60, 0.36, 1.30, 7.0),
    E("NFLX", "Netflix Inc.", _COMM, 845.00, 0.36, 1.20, 3.0),
    E("DIS", "The Walt Disney Co.", _COMM, 111.20, 0.26, 1.00, 3.0),
    E("VZ", "Verizon Communications Inc.", _COMM, 41.90, 0.17, 0.40, 2.0),
    E("T", "AT&T Inc.", _COMM, 22.60, 0.19, 0.50, 2.0),
    E("AMZN", "Amazon.com Inc.", _DISC, 201.70, 0.30, 1.20, 9.0),
    E("TSLA", "Tesla Inc.", _DISC, 331.20, 0.55, 2.00, 10.0),
    E("HD", "The Home Depot Inc.", _DISC, 402.50, 0.22, 1.00, 2.0),
    E("MCD", "McDonald's Corp.", _DISC, 298.40, 0.17, 0.60, 2.0),
    E("NKE", "Nike Inc.", _DISC, 75.80, 0.30, 1.00, 3.0),
    E("SBUX", "Starbucks Corp.", _DISC, 96.10, 0.26, 0.90, 2.0),
    E("KO", "The Coca-Cola Co.", _STAP, 67.90, 0.15, 0.60, 2.5),
    E("PEP", "PepsiCo Inc.", _STAP, 155.30, 0.16, 0.50, 2.0),
    E("PG", "Procter & Gamble Co.", _STAP, 168.20, 0.15, 0.40, 2.0),
    E("WMT", "Walmart Inc.", _STAP, 90.40, 0.18, 0.50, 3.0),
    E("COST", "Costco Wholesale Corp.", _STAP, 918.60, 0.20, 0.80, 2.0),
    E("JPM", "JPMorgan Chase & Co.", _FIN, 244.30, 0.22, 1.10, 4.0),
    E("BAC", "Bank of America Corp.", _FIN, 45.20, 0.26, 1.30, 4.0),
    E("GS", "The Goldman Sachs Group Inc.", _FIN, 581.90, 0.27, 1.30, 2.0),
    E("V", "Visa Inc.", _FIN, 314.80, 0.19, 0.90, 3.0),
    E("MA", "Mastercard Inc.", _FIN, 521.40, 0.19, 1.00, 2.0),
    E("AXP", "American Express Co.", _FIN, 271.50, 0.25, 1.20, 1.5),
    E("UNH", "UnitedHealth Group Inc.", _HEALTH, 518.70, 0.28, 0.60, 3.0),
    E("JNJ", "Johnson & Johnson", _HEALTH, 154.60, 0.16, 0.50, 2.0),
    E("LLY", "Eli Lilly and Co.", _HEALTH, 801.30, 0.32, 0.50, 4.0),
    E("PFE", "Pfizer Inc.", _HEALTH, 26.10, 0.24, 0.60, 3.0),
    E("MRK", "Merck & Co. Inc.", _HEALTH, 99.80, 0.22, 0.40, 2.0),
    E("ABBV", "AbbVie Inc.", _HEALTH, 189.50, 0.22, 0.60, 2.0),
    E("XOM", "Exxon Mobil Corp.", _ENERGY, 114.70, 0.24, 0.90, 3.0),
    E("CVX", "Chevron Corp.", _ENERGY, 154.90, 0.24, 1.00, 2.5),
    E("COP", "ConocoPhillips", _ENERGY, 104.60, 0.29, 1.10, 1.5),
    E("SLB", "Schlumberger Ltd.", _ENERGY, 42.30, 0.34, 1.20, 1.5),
    E("CAT", "Caterpillar Inc.", _IND, 372.40, 0.28, 1.10, 2.0),
    E("BA", "The Boeing Co.", _IND, 171.80, 0.38, 1.30, 3.0),
    E("GE", "GE Aerospace", _IND, 181.20, 0.30, 1.20, 2.0),
    E("UPS", "United Parcel Service Inc.", _IND, 129.60, 0.25, 0.90, 1.5),
    E("HON", "Honeywell International Inc.", _IND, 214.90, 0.20, 1.00, 1.5),
    E("LIN", "Linde plc", _MAT, 459.80, 0.19, 0.90, 1.0),
    E("FCX", "Freeport-McMoRan Inc.", _MAT, 44.90, 0.42, 1.60, 2.0),
    E("NEM", "Newmont Corp.", _MAT, 45.30, 0.38, 0.50, 1.5),
    E("NEE", "NextEra Energy Inc.", _UTIL, 74.80, 0.24, 0.60, 2.0),
    E("DUK", "Duke Energy Corp.", _UTIL, 114.50, 0.17, 0.40, 1.0),
    E("PLD", "Prologis Inc.", _RE, 114.20, 0.26, 1.00, 1.0),
    E("AMT", "American Tower Corp.", _RE, 201.30, 0.25, 0.80, 1.0),
)
"""Well-known US large caps across eleven sectors, in a stable display order."""

del E

_BY_SYMBOL: dict[str, UniverseEntry] = {entry.symbol: entry for entry in DEFAULT_UNIVERSE}


def lookup(symbol: str) -> UniverseEntry:
    """The default-universe entry for `symbol`; raises KeyError for an unknown symbol."""
    try:
        return _BY_SYMBOL[symbol]
    except KeyError:
        raise KeyError(f"unknown symbol {symbol!r}") from None
