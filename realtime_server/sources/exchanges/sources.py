"""The live sources a feed server can run, built from its settings (`FEED_SOURCE=coinbase` …)."""

from __future__ import annotations

from realtime_server.config import Settings
from realtime_server.sources.base import SourceSetupError
from realtime_server.sources.exchanges import alpaca, binance, coinbase, kraken
from realtime_server.sources.exchanges.adapter import Adapter
from realtime_server.sources.exchanges.feed import ExchangeFeed
from realtime_server.sources.exchanges.link import FeedOptions

LIVE_SOURCES = ("coinbase", "kraken", "binance", "alpaca")


def build_exchange_feed(settings: Settings) -> ExchangeFeed:
    """The live feed `settings.source` names, at `FEED_EXCHANGE_URL` or the exchange's own;
    a `SourceSetupError` for symbols outside the feed's grammar (`btcusdt`, `BTC/USD`)."""
    try:
        adapter, url = _adapter(settings)
    except ValueError as bad:
        raise SourceSetupError(
            f"FEED_EXCHANGE_SYMBOLS for {settings.source}: {bad} (the feed's own names, as "
            "BTC-USD, BTC-USDT or AAPL)"
        ) from None
    return ExchangeFeed(
        adapter,
        FeedOptions(
            url=settings.exchange_url or url,
            idle_s=settings.exchange_idle_s,
            backoff_base_s=settings.exchange_backoff_s,
            backoff_cap_s=settings.exchange_backoff_max_s,
        ),
    )


def _adapter(settings: Settings) -> tuple[Adapter, str]:
    symbols = settings.exchange_symbols
    if settings.source == "coinbase":
        return coinbase.CoinbaseAdapter(symbols or coinbase.DEFAULT_SYMBOLS), coinbase.URL
    if settings.source == "kraken":
        return kraken.KrakenAdapter(symbols or kraken.DEFAULT_SYMBOLS), kraken.URL
    if settings.source == "binance":
        return binance.BinanceAdapter(symbols or binance.DEFAULT_SYMBOLS), binance.URL
    if settings.source == "alpaca":
        key_id, secret = settings.alpaca_key_id, settings.alpaca_secret_key
        if key_id is None or secret is None:
            raise ValueError("FEED_SOURCE=alpaca needs FEED_ALPACA_KEY_ID, FEED_ALPACA_SECRET_KEY")
        key = alpaca.AlpacaKey(key_id.get_secret_value(), secret.get_secret_value())
        adapter = alpaca.AlpacaAdapter(
            symbols or alpaca.DEFAULT_SYMBOLS, key, settings.exchange_data_url or alpaca.DATA_URL
        )
        return adapter, alpaca.URL
    raise ValueError(f"{settings.source!r} is not a live source")
