"""Fake Alpaca market data (IEX): the stream — `connected`, `auth` → `authenticated` or
`error` 402 `auth failed`, `subscribe` → `subscription`, then arrays of trades (`t`), quotes
(`q`) and, every few beats, today's daily bar (`d`) — and the REST snapshots
(`GET /v2/stocks/snapshots`, the key in `APCA-API-*` headers: 403 without the right one)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.http11 import Request

from tests.support.fake_exchange.market import FakeTrade, ProductState
from tests.support.fake_exchange.server import Client, FakeExchange
from tests.support.fake_exchange.timefmt import rfc3339

KEY_ID = "PKTEST1234567890"
SECRET = "fake-secret-do-not-log-0123456789"
DAILY_BAR_EVERY = 5


class FakeAlpaca(FakeExchange):
    name = "alpaca"

    def __init__(self, products: list[str] | None = None, **kwargs: Any) -> None:
        prices = {"AAPL": 190.0, "MSFT": 410.0, "NVDA": 880.0, "AMZN": 180.0}
        super().__init__({p: prices.get(p, 100.0) for p in products or prices}, **kwargs)
        self.refuse_key = False
        """Refuse every key (the stream's 402, the REST API's 403)."""
        self._beat = 0

    def _key_ok(self, key_id: Any, secret: Any) -> bool:
        return not self.refuse_key and key_id == KEY_ID and secret == SECRET

    async def on_open(self, client: Client) -> None:
        await self.send(client, [[{"T": "success", "msg": "connected"}]])

    async def on_message(self, client: Client, message: Any) -> None:
        action = message.get("action")
        if action == "auth":
            if not self._key_ok(message.get("key"), message.get("secret")):
                await self.send(client, [[{"T": "error", "code": 402, "msg": "auth failed"}]])
                await client.ws.close()
                return
            await self.send(client, [[{"T": "success", "msg": "authenticated"}]])
        elif action == "subscribe":
            client.products |= set(message.get("trades", []))
            client.ready = True
            symbols = sorted(client.products)
            ack = {
                "T": "subscription", "trades": symbols, "quotes": symbols, "bars": [],
                "updatedBars": [], "dailyBars": symbols, "statuses": [], "lulds": [],
                "corrections": symbols, "cancelErrors": symbols,
            }  # fmt: skip
            await self.send(client, [[ack]])

    def frames(self, client: Client, trade: FakeTrade) -> list[Any]:
        if trade.product not in client.products:
            return []
        s = self.state(trade.product)
        items: list[Any] = [
            {"T": "q", "S": s.product, "bx": "V", "bp": s.bid, "bs": 3, "ax": "V", "ap": s.ask,
             "as": 2, "c": ["R"], "z": "C", "t": rfc3339(trade.ts)},
            {"T": "t", "S": s.product, "i": trade.trade_id, "x": "V", "p": trade.price,
             "s": shares(trade.size), "c": ["@"], "z": "C", "t": rfc3339(trade.ts)},
        ]  # fmt: skip
        if s.steps % DAILY_BAR_EVERY == 0:
            items.append({"T": "d", "S": s.product, **daily_bar(s)})
        return [items]

    def http(self, request: Request) -> tuple[int, Any] | None:
        url = urlsplit(request.path)
        if url.path != "/v2/stocks/snapshots":
            return None
        headers = request.headers
        if not self._key_ok(headers.get("APCA-API-KEY-ID"), headers.get("APCA-API-SECRET-KEY")):
            return 403, {"message": "forbidden"}
        symbols = parse_qs(url.query).get("symbols", [""])[0].split(",")
        return 200, {s: self._snapshot(self.state(s)) for s in symbols if s in self.market.products}

    def _snapshot(self, s: ProductState) -> dict[str, Any]:
        last = s.history[-1] if s.history else None
        ts = rfc3339(last.ts) if last else "2024-03-14T19:59:59.123456789Z"
        return {
            "latestTrade": {"t": ts, "x": "V", "p": s.price, "s": 100, "c": ["@"],
                            "i": s.trade_id, "z": "C"},
            "latestQuote": {"t": ts, "ax": "V", "ap": s.ask, "as": 2, "bx": "V", "bp": s.bid,
                            "bs": 3, "c": ["R"], "z": "C"},
            "dailyBar": daily_bar(s),
            "prevDailyBar": {"t": "2024-03-13T04:00:00Z", "o": s.prev_close, "h": s.prev_close,
                             "l": s.prev_close, "c": s.prev_close, "v": 900_000, "n": 9000,
                             "vw": s.prev_close},
        }  # fmt: skip


def shares(size: float) -> int:
    return max(1, round(size * 100))


def daily_bar(s: ProductState) -> dict[str, Any]:
    return {
        "t": "2024-03-14T04:00:00Z", "o": s.open_24h, "h": s.high_24h, "l": s.low_24h,
        "c": s.price, "v": round(s.volume_24h), "n": 12_000, "vw": round(s.price * 0.995, 2),
    }  # fmt: skip
