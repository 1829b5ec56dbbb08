"""The hub on its own: subscriptions, access checks, fan-out and recovery, on a real loop."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from realtime_server.hub.catalog import ChannelCatalog
from realtime_server.hub.channels import ChannelLog
from realtime_server.hub.hub import Hub, HubLimits
from realtime_server.protocol import (
    Channel,
    ErrorCode,
    Instrument,
    ModifyRequest,
    Position,
    RequestError,
    SubscribeRequest,
    UnsubscribeRequest,
)
from realtime_server.security import ScopeSet


class Market:
    """Snapshots straight from the log, as the service does for price and summary."""

    def __init__(self, log: ChannelLog) -> None:
        self.log = log

    def snapshot(self, channel: Channel) -> Any | None:
        if channel.lossless:
            return self.log.recent(channel.name, 3)
        return self.log.latest(channel.name)


class Inbox:
    def __init__(self) -> None:
        self.batches: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()

    async def send(self, batch: bytes) -> None:
        self.batches.append(json.loads(batch))
        self.arrived.set()

    async def wait(self, count: int = 1) -> None:
        async with asyncio.timeout(5):
            while len(self.batches) < count:
                self.arrived.clear()
                await self.arrived.wait()

    def updates(self) -> list[tuple[str, int]]:
        return [(u["channel"], u["seq"]) for b in self.batches for u in b["updates"]]


def instruments(*symbols: str) -> list[Instrument]:
    return [Instrument(symbol=s, name=f"{s} Inc.", sector="Technology") for s in symbols]


def make_hub(**limits: int) -> Hub:
    log = ChannelLog(epoch="e1", history_size=4)
    return Hub(
        ChannelCatalog(instruments("AAPL", "MSFT", "KO"), "test"),
        log,
        Market(log),
        HubLimits(**limits),
    )


def sub(*channels: str, since: dict[str, Position] | None = None, throttle: int = 20) -> Any:
    return SubscribeRequest(
        id="s", channels=list(channels), throttle_ms=throttle, since=since or {}
    )


async def test_pattern_expands_and_snapshot_has_latest_and_positions() -> None:
    hub = make_hub()
    hub.publish("price:AAPL", {"last": 1})
    hub.publish("price:AAPL", {"last": 2})
    hub.connect("a", Inbox().send, ScopeSet(["price:*"]))
    ack = hub.subscribe("a", sub("price:*"))
    assert ack["channels"] == ["price:AAPL", "price:MSFT", "price:KO"]
    assert ack["snapshot"] == {"price:AAPL": {"last": 2}}
    assert ack["positions"]["price:AAPL"] == {"epoch": "e1", "seq": 2}
    assert ack["recovered"] is True


async def test_refusals_change_nothing() -> None:
    hub = make_hub(max_subscriptions=2)
    hub.connect("a", Inbox().send, ScopeSet(["price:AAPL", "price:MSFT", "price:KO"]))
    hub.subscribe("a", sub("price:AAPL"))
    for request, code in [
        (sub("price:MSFT", "price:ZZZ"), ErrorCode.UNKNOWN_SYMBOL),
        (sub("price:MSFT", "news"), ErrorCode.FORBIDDEN),
        (sub("price:*"), ErrorCode.TOO_MANY_SUBSCRIPTIONS),
    ]:
        with pytest.raises(RequestError) as info:
            hub.subscribe("a", request)
        assert info.value.code is code
    assert hub.connections["a"].channels.keys() == {"price:AAPL"}


async def test_publish_reaches_only_subscribers_and_unsubscribe_stops_it() -> None:
    hub = make_hub()
    a, b = Inbox(), Inbox()
    hub.connect("a", a.send, ScopeSet(["*"]))
    hub.connect("b", b.send, ScopeSet(["*"]))
    hub.subscribe("a", sub("price:AAPL"))
    hub.subscribe("b", sub("price:MSFT"))
    hub.publish("price:AAPL", {"last": 1})
    await a.wait()
    assert a.updates() == [("price:AAPL", 1)]
    assert b.batches == []
    hub.unsubscribe("a", UnsubscribeRequest(id="u", channels=["price:*"]))
    hub.publish("price:AAPL", {"last": 2})
    hub.publish("price:MSFT", {"last": 3})
    await b.wait()
    assert a.updates() == [("price:AAPL", 1)]


async def test_modify_swaps_channels_atomically() -> None:
    hub = make_hub(max_subscriptions=1)
    hub.connect("a", Inbox().send, ScopeSet(["*"]))
    hub.subscribe("a", sub("price:AAPL"))
    ack = hub.modify("a", ModifyRequest(id="m", add=["price:KO"], remove=["price:AAPL"]))
    assert (ack["added"], ack["removed"]) == (["price:KO"], ["price:AAPL"])
    assert list(hub.connections["a"].channels) == ["price:KO"]


async def test_news_since_replays_exactly_what_was_missed() -> None:
    hub = make_hub()
    for n in range(1, 4):
        hub.publish_lossless("news", {"n": n})
    hub.connect("a", Inbox().send, ScopeSet(["news"]))
    ack = hub.subscribe("a", sub("news", since={"news": Position(epoch="e1", seq=1)}))
    assert ack["recovered"] is True
    assert [u["seq"] for u in ack["replay"]["news"]] == [2, 3]
    assert "news" not in ack["snapshot"]


@pytest.mark.parametrize(
    "position",
    [
        Position(epoch="other", seq=1),  # the server restarted
        Position(epoch="e1", seq=99),  # ahead of the server
        Position(epoch="e1", seq=0),  # evicted: history holds 4 of 6
    ],
)
async def test_news_not_recoverable_gets_a_snapshot(position: Position) -> None:
    hub = make_hub()
    for n in range(1, 7):
        hub.publish_lossless("news", {"n": n})
    hub.connect("a", Inbox().send, ScopeSet(["news"]))
    ack = hub.subscribe("a", sub("news", since={"news": position}))
    assert ack["recovered"] is False
    assert ack["replay"] == {}
    assert ack["snapshot"]["news"] == [{"n": 4}, {"n": 5}, {"n": 6}]


async def test_narrower_access_drops_channels() -> None:
    hub = make_hub()
    hub.connect("a", Inbox().send, ScopeSet(["*"]))
    hub.subscribe("a", sub("price:AAPL", "news"))
    lost = hub.set_access("a", ScopeSet(["news"]))
    assert lost == ["price:AAPL"]
    assert list(hub.connections["a"].channels) == ["news"]


async def test_writer_stats_survive_disconnects() -> None:
    hub = make_hub()
    inbox = Inbox()
    hub.connect("a", inbox.send, ScopeSet(["*"]))
    hub.subscribe("a", sub("price:AAPL"))
    hub.publish("price:AAPL", {})
    hub.publish("price:AAPL", {})
    await inbox.wait()
    hub.disconnect("a")
    stats = hub.writer_stats()
    assert (stats.batches, stats.updates, stats.conflation_drops) == (1, 1, 1)


def test_the_catalog_describes_every_instrument_in_order() -> None:
    described = make_hub().catalog.describe()
    assert described["source"] == "test"
    assert [i["symbol"] for i in described["instruments"]] == ["AAPL", "MSFT", "KO"]
    assert described["instruments"][0] == {
        "symbol": "AAPL", "name": "AAPL Inc.", "sector": "Technology",
        "asset_class": "equity", "currency": "USD", "price_decimals": 2,
    }  # fmt: skip
