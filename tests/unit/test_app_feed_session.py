"""`FeedSession` (`marketpulse.streaming`): one tab's subscription kept equal to its plan.

Driven against a fake feed client, so every decision is checked without a network: what is
subscribed, when it connects again, what is refused, and that no event is lost to a timeout.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from marketpulse.feed import FeedNotConnectedError, FeedRequestError, LinkState, LinkStateChanged
from marketpulse.streaming import FeedPlan, FeedSession
from marketpulse.streaming.announce import biggest_move
from marketpulse.streaming.subscription import UNAUTHORIZED_RETRY_S
from realtime_server.protocol import Position, Quote, SubscribeAck, UnsubscribeAck


def quote(symbol: str, last: float = 100.0, change_pct: float = 0.0) -> Quote:
    return Quote(
        symbol=symbol, last=last, bid=last, ask=last, bid_size=1, ask_size=1, open=last,
        high=last, low=last, prev_close=last, change=change_pct, change_pct=change_pct,
        volume=1, vwap=last, ts=1,
    )  # fmt: skip


class FakeClient:
    """Records what the session asks; refuses `unknown` symbols like the feed server does."""

    def __init__(self, unknown: set[str]) -> None:
        self.state = LinkState.IDLE
        self.unknown = unknown
        self.started: tuple[str, list[str], int, dict[str, Any] | None] | None = None
        self.subscribed: list[tuple[list[str], int]] = []
        self.unsubscribed: list[list[str]] = []
        self.refreshed: list[str] = []
        self.closed = False
        self.inbox: asyncio.Queue[Any] = asyncio.Queue()

    def start(self, url: str, channels: list[str], throttle_ms: int = 100, *, auth=None) -> None:
        self.started = (url, list(channels), throttle_ms, auth)
        self.state = LinkState.CONNECTING

    async def next_events(self) -> list[Any]:
        return [await self.inbox.get()]

    async def subscribe(self, channels: list[str], throttle_ms: int = 100) -> SubscribeAck:
        if self.state is not LinkState.LIVE:
            raise FeedNotConnectedError("down")
        self.subscribed.append((list(channels), throttle_ms))
        if any(channel.split(":")[1] in self.unknown for channel in channels):
            raise FeedRequestError("unknown_symbol", "not traded")
        return SubscribeAck(
            id="s",
            channels=channels,
            throttle_ms=throttle_ms,
            snapshot={channel: quote(channel.split(":")[1]) for channel in channels},
            positions={channel: Position(epoch="e", seq=1) for channel in channels},
            recovered=True,
            replay={},
        )

    async def unsubscribe(self, channels: list[str]) -> UnsubscribeAck:
        self.unsubscribed.append(list(channels))
        return UnsubscribeAck(id="u", channels=channels)

    async def close(self) -> None:
        self.closed = True
        self.state = LinkState.OFFLINE


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def make_session(
    urls: list[str] | None = None, unknown: set[str] | None = None
) -> tuple[FeedSession, list[FakeClient], Clock]:
    clients: list[FakeClient] = []
    clock = Clock()

    def factory() -> FakeClient:
        clients.append(FakeClient(unknown or set()))
        return clients[-1]

    session = FeedSession(factory, urls or ["http://a"], failover_after_s=10, clock=clock)
    return session, clients, clock


def plan(*symbols: str, epoch: int = 1, token: str | None = None, throttle: int = 250) -> FeedPlan:
    return FeedPlan(credentials_epoch=epoch, token=token, symbols=symbols, throttle_ms=throttle)


async def test_starts_without_channels_then_subscribes_the_plan_once_live() -> None:
    session, clients, _ = make_session()
    session.start(plan("AAPL", "MSFT", token="t1"))
    assert clients[0].started == ("http://a", [], 250, {"token": "t1"})
    result = await session.sync(plan("AAPL", "MSFT", token="t1"))
    assert clients[0].subscribed == []  # not live yet: nothing to do
    clients[0].state = LinkState.LIVE
    result = await session.sync(plan("AAPL", "MSFT", token="t1"))
    assert clients[0].subscribed == [(["price:AAPL", "price:MSFT"], 250)]
    assert set(result.quotes) == {"price:AAPL", "price:MSFT"}
    result = await session.sync(plan("AAPL", "MSFT", token="t1"))
    assert len(clients[0].subscribed) == 1 and not result.quotes


async def test_guests_connect_without_auth() -> None:
    session, clients, _ = make_session()
    session.start(plan("AAPL"))
    assert clients[0].started is not None and clients[0].started[3] is None


async def test_watchlist_changes_subscribe_and_unsubscribe_the_difference() -> None:
    session, clients, _ = make_session()
    session.start(plan("AAPL", "MSFT"))
    clients[0].state = LinkState.LIVE
    await session.sync(plan("AAPL", "MSFT"))
    result = await session.sync(plan("AAPL", "NFLX"))
    assert clients[0].subscribed[-1] == (["price:NFLX"], 250)
    assert clients[0].unsubscribed == [["price:MSFT"]]
    assert set(result.quotes) == {"price:NFLX"}


async def test_a_new_update_rate_is_asked_for_all_held_channels() -> None:
    session, clients, _ = make_session()
    session.start(plan("AAPL", "MSFT"))
    clients[0].state = LinkState.LIVE
    await session.sync(plan("AAPL", "MSFT"))
    await session.sync(plan("AAPL", "MSFT", throttle=1000))
    assert clients[0].subscribed[-1] == (["price:AAPL", "price:MSFT"], 1000)
    await session.sync(plan("AAPL", "MSFT", throttle=1000))
    assert len(clients[0].subscribed) == 2


async def test_an_unknown_symbol_is_reported_once_and_does_not_block_the_rest() -> None:
    session, clients, _ = make_session(unknown={"ZZZZ"})
    session.start(plan("AAPL", "ZZZZ", "MSFT"))
    clients[0].state = LinkState.LIVE
    result = await session.sync(plan("AAPL", "ZZZZ", "MSFT"))
    assert set(result.quotes) == {"price:AAPL", "price:MSFT"}
    assert list(result.rejected) == ["ZZZZ"]
    assert "not traded" in result.rejected["ZZZZ"]
    calls = len(clients[0].subscribed)
    result = await session.sync(plan("AAPL", "ZZZZ", "MSFT"))
    assert len(clients[0].subscribed) == calls and not result.rejected


async def test_changes_while_down_are_made_once_live_again() -> None:
    session, clients, _ = make_session()
    session.start(plan("AAPL"))
    clients[0].state = LinkState.LIVE
    await session.sync(plan("AAPL"))
    clients[0].state = LinkState.RECONNECTING
    await session.sync(plan("AAPL", "TSLA"))
    assert clients[0].subscribed == [(["price:AAPL"], 250)]
    clients[0].state = LinkState.LIVE
    await session.sync(plan("AAPL", "TSLA"))
    assert clients[0].subscribed[-1] == (["price:TSLA"], 250)


async def test_new_credentials_reconnect_with_a_new_client() -> None:
    session, clients, _ = make_session()
    session.start(plan("AAPL", token="alice"))
    clients[0].state = LinkState.LIVE
    result = await session.sync(plan("AAPL", epoch=2))
    assert result.restarted and clients[0].closed
    assert clients[1].started == ("http://a", [], 250, None)


async def test_a_fresh_token_is_handed_over_in_band_when_the_client_can() -> None:
    session, clients, _ = make_session()
    session.start(plan("AAPL", token="t1"))
    clients[0].state = LinkState.LIVE

    async def refresh(token: str) -> None:
        clients[0].refreshed.append(token)

    clients[0].refresh = refresh  # type: ignore[attr-defined]
    result = await session.sync(plan("AAPL", token="t2"))
    assert not result.restarted
    assert clients[0].refreshed == ["t2"]
    assert clients[0].started is not None and clients[0].started[3] == {"token": "t2"}


async def test_refused_with_an_old_token_reconnects_at_once_else_after_a_pause() -> None:
    session, clients, clock = make_session()
    session.start(plan("AAPL", token="t1"))
    clients[0].state = LinkState.UNAUTHORIZED
    result = await session.sync(plan("AAPL", token="t2"))
    assert result.restarted and len(clients) == 2
    clients[1].state = LinkState.UNAUTHORIZED
    assert not (await session.sync(plan("AAPL", token="t2"))).restarted
    clock.now += UNAUTHORIZED_RETRY_S
    assert (await session.sync(plan("AAPL", token="t2"))).restarted
    assert len(clients) == 3


async def test_fails_over_to_the_next_url_when_down_too_long() -> None:
    session, clients, clock = make_session(urls=["http://a", "http://b"])
    session.start(plan("AAPL"))
    clients[0].state = LinkState.RECONNECTING
    clock.now = 5
    assert not (await session.sync(plan("AAPL"))).restarted
    clock.now = 10
    assert (await session.sync(plan("AAPL"))).restarted
    assert clients[1].started is not None and clients[1].started[0] == "http://b"


async def test_next_events_times_out_without_losing_the_pending_read() -> None:
    session, clients, _ = make_session()
    session.start(plan("AAPL"))
    assert await session.next_events(0.01) == []
    clients[0].inbox.put_nowait(LinkStateChanged(LinkState.LIVE))
    assert await session.next_events(1) == [LinkStateChanged(LinkState.LIVE)]
    await session.close()
    assert clients[0].closed


class ProviderClient(FakeClient):
    """A client whose `start` takes a URL list and a token provider (it fails over itself)."""

    def start(  # type: ignore[override]
        self, url_or_urls, channels, throttle_ms=100, *, auth=None, token_provider=None
    ) -> None:
        self.started = (url_or_urls, list(channels), throttle_ms, auth)
        self.provider = token_provider
        self.state = LinkState.CONNECTING


async def test_a_client_with_a_token_provider_always_gets_the_newest_token() -> None:
    clients: list[ProviderClient] = []

    def factory() -> ProviderClient:
        clients.append(ProviderClient(set()))
        return clients[-1]

    session = FeedSession(factory, ["http://a", "http://b"], failover_after_s=1, clock=Clock())
    session.start(plan("AAPL", token="t1"))
    client = clients[0]
    assert client.started == (["http://a", "http://b"], [], 250, None)
    assert client.provider() == "t1"
    await session.sync(plan("AAPL", token="t2"))
    assert client.provider() == "t2"
    client.state = LinkState.RECONNECTING
    assert not (await session.sync(plan("AAPL", token="t2"))).restarted  # no app-side failover


async def test_reconcile_runs_beside_the_reads_and_wakes_them_when_done() -> None:
    session, clients, _ = make_session()
    session.start(plan("AAPL"))
    clients[0].state = LinkState.LIVE
    session.reconcile(plan("AAPL"))
    session.reconcile(plan("AAPL", "MSFT"))  # ignored: a sync is still running
    assert await session.next_events(5) == []  # woken by the finished sync, not the timeout
    result = session.completed()
    assert result is not None and set(result.quotes) == {"price:AAPL"}
    assert session.completed() is None
    session.reconcile(plan("AAPL", "MSFT"))
    await session.next_events(5)
    result = session.completed()
    assert result is not None and set(result.quotes) == {"price:MSFT"}
    await session.close()


async def test_refused_tells_a_real_refusal_from_an_expired_token() -> None:
    session, clients, _ = make_session()
    session.start(plan("AAPL", token="t1"))
    clients[0].state = LinkState.UNAUTHORIZED
    assert session.refused(plan("AAPL", token="t1"))
    assert not session.refused(plan("AAPL", token="t2"))


@pytest.mark.parametrize(
    ("quotes", "expected"),
    [
        ({}, ""),
        (
            {"AAPL": quote("AAPL", 228.5, 0.4), "NVDA": quote("NVDA", 135.4, -1.25)},
            "Biggest move: NVDA 135.40, down 1.25 percent.",
        ),
        ({"TSLA": quote("TSLA", 1331.2, 2.0)}, "Biggest move: TSLA 1,331.20, up 2.00 percent."),
        ({"AAPL": quote("AAPL", 228.5, 0.0)}, "Biggest move: AAPL 228.50, unchanged."),
    ],
)
def test_announcement_names_the_biggest_mover(quotes: dict[str, Quote], expected: str) -> None:
    assert biggest_move(quotes, ["AAPL", "NVDA", "TSLA"]) == expected
