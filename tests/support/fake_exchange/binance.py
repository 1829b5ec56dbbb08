"""Fake Binance combined streams: `/stream?streams=btcusdt@trade/btcusdt@ticker`; each
message `{"stream", "data"}` with a `trade` or a `24hrTicker`; `SUBSCRIBE`/`UNSUBSCRIBE`
answered `{"result": null, "id"}`. No heartbeat messages (Binance pings at the websocket
level): its tickers come every beat."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.fake_exchange.market import FakeTrade
from tests.support.fake_exchange.server import Client, FakeExchange


class FakeBinance(FakeExchange):
    name = "binance"

    def __init__(self, products: list[str] | None = None, **kwargs: Any) -> None:
        prices = {"btcusdt": 50_000.0, "ethusdt": 3_000.0, "solusdt": 150.0}
        super().__init__({p: prices.get(p, 100.0) for p in products or prices}, **kwargs)

    async def on_open(self, client: Client) -> None:
        url = urlsplit(client.ws.request.path if client.ws.request else "")
        if url.path == "/stream":
            for streams in parse_qs(url.query).get("streams", []):
                client.products |= set(streams.split("/"))
        client.ready = True

    async def on_message(self, client: Client, message: Any) -> None:
        method, params = message.get("method"), message.get("params", [])
        if method == "SUBSCRIBE":
            client.products |= set(params)
        elif method == "UNSUBSCRIBE":
            client.products -= set(params)
        else:
            await self.send(client, [{"code": 2, "msg": "Invalid request", "id": None}])
            return
        await self.send(client, [{"result": None, "id": message.get("id")}])

    def frames(self, client: Client, trade: FakeTrade) -> list[Any]:
        s = self.state(trade.product)
        symbol = trade.product.upper()
        out: list[Any] = []
        if f"{trade.product}@trade" in client.products:
            data = {
                "e": "trade", "E": trade.ts, "s": symbol, "t": trade.trade_id,
                "p": f"{trade.price:.8f}", "q": f"{trade.size:.8f}", "T": trade.ts,
                "m": True, "M": True,
            }  # fmt: skip
            out.append({"stream": f"{trade.product}@trade", "data": data})
        if f"{trade.product}@ticker" in client.products:
            data = {
                "e": "24hrTicker", "E": trade.ts, "s": symbol,
                "p": f"{s.price - s.open_24h:.8f}", "P": "2.04",
                "w": f"{s.price * 0.995:.8f}", "x": f"{s.open_24h:.8f}",
                "c": f"{s.price:.8f}", "Q": f"{trade.size:.8f}", "b": f"{s.bid:.8f}",
                "B": "0.50000000", "a": f"{s.ask:.8f}", "A": "1.25000000",
                "o": f"{s.open_24h:.8f}", "h": f"{s.high_24h:.8f}", "l": f"{s.low_24h:.8f}",
                "v": f"{s.volume_24h:.8f}", "q": "617283900.00", "O": trade.ts - 86_400_000,
                "C": trade.ts, "F": 0, "L": trade.trade_id, "n": trade.trade_id + 1,
            }  # fmt: skip
            out.append({"stream": f"{trade.product}@ticker", "data": data})
        return out
