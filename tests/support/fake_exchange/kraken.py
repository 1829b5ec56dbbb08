"""Fake Kraken WebSocket v2: `status` on connecting; `subscribe`/`unsubscribe` per channel
(`ticker`, `trade`) and pair, each acknowledged (`success`), a refused pair `success: false`
("Currency pair not supported"); snapshots on subscribing (the ticker; the recent trades,
skipped ones included); `ticker` and `trade` updates and a `heartbeat` each beat."""

from __future__ import annotations

from typing import Any

from tests.support.fake_exchange.market import FakeTrade, ProductState
from tests.support.fake_exchange.server import Client, FakeExchange
from tests.support.fake_exchange.timefmt import rfc3339

NOW = "2023-09-25T09:04:31.742648Z"


class FakeKraken(FakeExchange):
    name = "kraken"

    def __init__(self, products: list[str] | None = None, **kwargs: Any) -> None:
        prices = {"BTC/USD": 50_000.0, "ETH/USD": 3_000.0, "SOL/USD": 150.0}
        super().__init__({p: prices.get(p, 100.0) for p in products or prices}, **kwargs)

    async def on_open(self, client: Client) -> None:
        status = {
            "channel": "status",
            "type": "update",
            "data": [
                {
                    "api_version": "v2",
                    "connection_id": 12393906104898154338,
                    "system": "online",
                    "version": "2.0.0",
                }
            ],
        }
        await self.send(client, [status])

    async def on_message(self, client: Client, message: Any) -> None:
        method = message.get("method")
        params = message.get("params", {})
        channel, req_id = params.get("channel"), message.get("req_id")
        if method not in ("subscribe", "unsubscribe") or channel not in ("ticker", "trade"):
            return
        out: list[Any] = []
        for pair in params.get("symbol", []):
            if pair not in self.market.products:
                out.append(
                    {"error": f"Currency pair not supported {pair}", "method": method,
                     "success": False, "symbol": pair, "time_in": NOW, "time_out": NOW,
                     "req_id": req_id}
                )  # fmt: skip
                continue
            key = f"{channel}:{pair}"
            if method == "subscribe":
                client.products.add(key)
            else:
                client.products.discard(key)
            result = {"channel": channel, "symbol": pair}
            if method == "subscribe":
                result["snapshot"] = params.get("snapshot", True)
            out.append(
                {"method": method, "result": result, "success": True, "time_in": NOW,
                 "time_out": NOW, "req_id": req_id}
            )  # fmt: skip
            if method == "subscribe" and params.get("snapshot", True):
                out.append(self._snapshot(channel, self.state(pair)))
        client.ready = True
        await self.send(client, out)

    def frames(self, client: Client, trade: FakeTrade) -> list[Any]:
        out: list[Any] = []
        if f"ticker:{trade.product}" in client.products:
            out.append(
                {
                    "channel": "ticker",
                    "type": "update",
                    "data": [_ticker(self.state(trade.product))],
                }
            )
        if f"trade:{trade.product}" in client.products:
            out.append({"channel": "trade", "type": "update", "data": [_trade(trade)]})
        return out

    def heartbeats(self, client: Client) -> list[Any]:
        return [{"channel": "heartbeat"}] if client.products else []

    def _snapshot(self, channel: str, state: ProductState) -> dict[str, Any]:
        data = [_ticker(state)] if channel == "ticker" else [_trade(t) for t in state.history]
        return {"channel": channel, "type": "snapshot", "data": data}


def _ticker(s: ProductState) -> dict[str, Any]:
    change = round(s.price - s.open_24h, 2)
    return {
        "symbol": s.product, "bid": s.bid, "bid_qty": 0.5, "ask": s.ask, "ask_qty": 1.25,
        "last": s.price, "volume": s.volume_24h, "vwap": round(s.price * 0.995, 2),
        "low": s.low_24h, "high": s.high_24h, "change": change,
        "change_pct": round(100 * change / s.open_24h, 2),
    }  # fmt: skip


def _trade(t: FakeTrade) -> dict[str, Any]:
    return {
        "symbol": t.product, "side": "buy", "price": t.price, "qty": t.size,
        "ord_type": "market", "trade_id": t.trade_id, "timestamp": rfc3339(t.ts),
    }  # fmt: skip
