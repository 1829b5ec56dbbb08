"""Which products a live feed trades, and how their names map to the protocol's symbols.

The feed's symbols stay in the protocol's grammar (`BTC-USD`, `ETH-USDT`, `AAPL`); each
exchange names them its own way (Kraken `BTC/USD`, Binance `btcusdt`), and an adapter maps
both ways with `Product`. Price precision comes from a table of the exchanges' documented
tick sizes (the catalog is built before any connection, so it cannot wait for the exchange's
own product messages); a pair not in the table gets 2 decimals when its quote currency is a
fiat or a dollar stablecoin and 8 otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from realtime_server.protocol.channels import SYMBOL_PATTERN
from realtime_server.sources.base import Instrument
from realtime_server.sources.universe import DEFAULT_UNIVERSE

CRYPTO = "crypto"
FIAT_LIKE = frozenset({"USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "USDT", "USDC", "DAI"})
COIN_NAMES = {
    "BTC": "Bitcoin",
    "ETH": "Ethereum",
    "SOL": "Solana",
    "XRP": "XRP",
    "DOGE": "Dogecoin",
    "ADA": "Cardano",
    "LTC": "Litecoin",
    "AVAX": "Avalanche",
    "LINK": "Chainlink",
    "DOT": "Polkadot",
    "BNB": "BNB",
}


@dataclass(frozen=True, slots=True)
class Product:
    """One product of one exchange: the protocol's symbol and the exchange's own name."""

    symbol: str
    """In the protocol's grammar: `BTC-USD`, `AAPL`."""
    venue_id: str
    """As the exchange names it: `BTC-USD`, `BTC/USD`, `btcusdt`, `AAPL`."""
    name: str
    sector: str
    currency: str
    price_decimals: int
    asset_class: str = CRYPTO

    def instrument(self) -> Instrument:
        """The catalog entry. `prev_close` is 0: every live tick carries the exchange's own
        previous close (`DayStats`), so no static figure is ever shown."""
        return Instrument(
            symbol=self.symbol,
            name=self.name,
            sector=self.sector,
            prev_close=0.0,
            asset_class=self.asset_class,
            currency=self.currency,
            price_decimals=self.price_decimals,
        )


def split_pair(symbol: str) -> tuple[str, str]:
    """`BTC-USD` → (`BTC`, `USD`); a `ValueError` for anything else."""
    if not SYMBOL_PATTERN.match(symbol) or symbol.count("-") != 1:
        raise ValueError(f"{symbol!r} is not a pair like BTC-USD")
    base, quote = symbol.split("-")
    if not base or not quote:
        raise ValueError(f"{symbol!r} is not a pair like BTC-USD")
    return base, quote


def crypto_pair(symbol: str, venue_id: str, decimals: dict[str, int]) -> Product:
    """A crypto pair's product: name from its base coin, currency its quote currency."""
    base, quote = split_pair(symbol)
    default = 2 if quote in FIAT_LIKE else 8
    return Product(
        symbol=symbol,
        venue_id=venue_id,
        name=f"{COIN_NAMES.get(base, base)} / {quote}",
        sector="Crypto",
        currency=quote,
        price_decimals=decimals.get(symbol, default),
    )


def us_stock(symbol: str) -> Product:
    """A US-listed stock: its name and sector from the simulator's universe where it is
    listed there, else the ticker itself."""
    if not SYMBOL_PATTERN.match(symbol):
        raise ValueError(f"{symbol!r} is not a ticker")
    known = {entry.symbol: entry for entry in DEFAULT_UNIVERSE}
    entry = known.get(symbol)
    return Product(
        symbol=symbol,
        venue_id=symbol,
        name=entry.name if entry else symbol,
        sector=entry.sector if entry else "Equity",
        currency="USD",
        price_decimals=2,
        asset_class="equity",
    )


class ProductMap:
    """An exchange's products, looked up by either name."""

    def __init__(self, products: Iterable[Product]) -> None:
        self.products: Sequence[Product] = tuple(products)
        if not self.products:
            raise ValueError("a live feed needs at least one product")
        self._by_venue = {p.venue_id: p for p in self.products}
        if len(self._by_venue) != len(self.products):
            raise ValueError("the same product is listed twice")

    def by_venue(self, venue_id: str) -> Product | None:
        return self._by_venue.get(venue_id)

    @property
    def venue_ids(self) -> list[str]:
        return [p.venue_id for p in self.products]
