"""Live exchange feeds: one shared websocket client (`feed.ExchangeFeed`, a `Source`) and one
small adapter per exchange (`coinbase`, `kraken`, `binance`, `alpaca`) that knows its URLs,
its subscribe messages and how to read what it sends (`events`)."""
