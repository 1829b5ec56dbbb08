"""Fake Coinbase Exchange websocket: `subscribe`/`unsubscribe` → `subscriptions`; `ticker`,
`match` (and `last_match` on subscribing to `matches`), `heartbeat` per product each beat;
an unknown product is an `error` ("Failed to subscribe")."""

from __future__ import annotations

from typing import Any

from tests.support.fake_exchange.market import FakeTrade
from tests.support.fake_exchange.server import Client, FakeExchange
from tests.support.fake_exchange.timefmt import rfc3339

PLACES = {"XRP-USD": 4, "ADA-USD": 4}
"""Decimal places of a product's prices on the wire (its quote increment); 2 otherwise."""


class FakeCoinbase(FakeExchange):
    name = "coinbase"

    def __init__(self, products: list[str] | None = None, **kwargs: Any) -> None:
        prices = {"BTC-USD": 50_000.0, "ETH-USD": 3_000.0, "SOL-USD": 150.0, "XRP-USD": 0.5}
        traded = {p: prices.get(p, 100.0) for p in products or prices}
        super().__init__(traded, places=PLACES, **kwargs)

    async def on_message(self, client: Client, message: Any) -> None:
        kind = message.get("type")
        ids = list(message.get("product_ids", []))
        channels = list(message.get("channels", []))
        unknown = [p for p in ids if p not in self.market.products]
        if kind == "subscribe" and unknown:
            error = {
                "type": "error",
                "message": "Failed to subscribe",
                "reason": f"{unknown[0]} is not a valid product",
            }
            await self.send(client, [error])
            return
        if kind == "subscribe":
            client.products |= set(ids)
            client.ready = True
        elif kind == "unsubscribe":
            client.products -= set(ids)
        else:
            return
        ack = {
            "type": "subscriptions",
            "channels": [{"name": c, "product_ids": sorted(client.products)} for c in channels],
        }
        await self.send(client, [ack])
        if kind == "subscribe" and "matches" in channels:
            for product in ids:
                history = self.state(product).history
                if history:
                    await self.send(client, [self._match(history[-1], "last_match")])

    def frames(self, client: Client, trade: FakeTrade) -> list[Any]:
        if trade.product not in client.products:
            return []
        return [self._ticker(trade), self._match(trade, "match")]

    def heartbeats(self, client: Client) -> list[Any]:
        return [
            {
                "type": "heartbeat",
                "sequence": self.state(p).sequence,
                "last_trade_id": self.state(p).trade_id,
                "product_id": p,
                "time": rfc3339(self.state(p).history[-1].ts),
            }
            for p in sorted(client.products)
            if self.state(p).history
        ]

    def _ticker(self, trade: FakeTrade) -> dict[str, Any]:
        s = self.state(trade.product)
        n = s.decimals
        return {
            "type": "ticker", "sequence": trade.sequence, "product_id": trade.product,
            "price": f"{trade.price:.{n}f}", "open_24h": f"{s.open_24h:.{n}f}",
            "volume_24h": f"{s.volume_24h:.8f}", "low_24h": f"{s.low_24h:.{n}f}",
            "high_24h": f"{s.high_24h:.{n}f}", "volume_30d": "9788783.60117027",
            "best_bid": f"{s.bid:.{n}f}", "best_bid_size": "0.46688654",
            "best_ask": f"{s.ask:.{n}f}", "best_ask_size": "1.56637040", "side": "buy",
            "time": rfc3339(trade.ts), "trade_id": trade.trade_id,
            "last_size": f"{trade.size:.8f}",
        }  # fmt: skip

    def _match(self, trade: FakeTrade, kind: str) -> dict[str, Any]:
        return {
            "type": kind, "trade_id": trade.trade_id, "sequence": trade.sequence,
            "maker_order_id": "ac928c66-ca53-498f-9c13-a110027a60e8",
            "taker_order_id": "132fb6ae-456b-4654-b4e0-d681ac05cea1",
            "time": rfc3339(trade.ts), "product_id": trade.product,
            "size": f"{trade.size:.8f}", "side": "sell",
            "price": f"{trade.price:.{self.state(trade.product).decimals}f}",
        }  # fmt: skip
