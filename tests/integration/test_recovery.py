"""Recovery of missed news after a reconnect (`since`), against the real server process.

A client that was away subscribes with `since={"news": position}`. While the server's history
still covers that position it gets exactly what it missed (`recovered: true`, `replay`);
otherwise — history evicted, another epoch (the server restarted), a position the server never
reached — it gets `recovered: false` and a snapshot of recent news. What "exactly what it
missed" means is read off a second client that stayed connected all along.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from realtime_server.protocol import NewsItem, Quote, SubscribeAck
from tests.support.feed_server import FeedServerProcess, running_feed_server

pytestmark = pytest.mark.integration

NEWS_FAST = {
    "FEED_SEED": "5",
    "FEED_TICKS_PER_SECOND": "200",
    "FEED_AMBIENT_NEWS_PER_MINUTE": "600",
    "FEED_JUMPS_PER_MINUTE": "300",
}
"""About eight headlines a second on `news`."""


@pytest.fixture(scope="module")
def feed_server() -> Iterator[FeedServerProcess]:
    with running_feed_server(**NEWS_FAST) as server:
        yield server


@pytest.fixture
def connect(open_client, feed_server):
    return lambda: open_client(feed_server.url)


async def subscribe_news(client, **extra) -> SubscribeAck:
    ack = await client.request(
        "subscribe", {"id": "n", "channels": ["news"], "throttle_ms": 20, **extra}
    )
    return SubscribeAck.model_validate(ack)


def received_news(client) -> dict[int, dict]:
    return {u["seq"]: u["data"] for u in client.updates("news")}


def last_seq(client, ack: SubscribeAck) -> int:
    return max([ack.positions["news"].seq, *received_news(client)])


async def test_reconnect_within_history_replays_exactly_the_missed_news(connect) -> None:
    witness = await connect()
    await subscribe_news(witness)
    away = await connect()
    first = await subscribe_news(away)
    await away.wait_for(lambda: received_news(away))
    epoch, held = first.positions["news"].epoch, last_seq(away, first)
    await away.sio.disconnect()

    await witness.wait_for(lambda: max(received_news(witness), default=0) >= held + 3)

    back = await connect()
    ack = await subscribe_news(back, since={"news": {"epoch": epoch, "seq": held}})
    assert ack.recovered is True
    assert "news" not in ack.snapshot, "a recovered channel gets its replay, not a snapshot"
    replay = ack.replay["news"]
    now = ack.positions["news"]
    assert now.epoch == epoch
    assert [u.seq for u in replay] == list(range(held + 1, now.seq + 1))
    assert len(replay) >= 3

    await witness.wait_for(lambda: max(received_news(witness)) >= now.seq)
    seen = received_news(witness)
    for update in replay:
        assert isinstance(update.data, NewsItem)
        assert update.channel == "news"
        assert update.data.model_dump(mode="json") == seen[update.seq]

    # And the live stream takes over exactly where the replay ends.
    await back.wait_for(lambda: received_news(back))
    assert min(received_news(back)) == now.seq + 1


async def test_a_position_ahead_of_the_server_is_not_recovered(connect) -> None:
    client = await connect()
    current = (await subscribe_news(client)).positions["news"]
    await client.sio.disconnect()

    again = await connect()
    ahead = {"epoch": current.epoch, "seq": current.seq + 10_000}
    ack = await subscribe_news(again, since={"news": ahead})
    assert ack.recovered is False
    assert ack.replay == {}
    assert isinstance(ack.snapshot["news"], list) and ack.snapshot["news"]
    assert all(isinstance(item, NewsItem) for item in ack.snapshot["news"])
    assert ack.positions["news"].seq < ahead["seq"]


async def test_a_position_past_the_history_window_gets_a_snapshot_instead(open_client) -> None:
    with running_feed_server(FEED_HISTORY_SIZE="5", **NEWS_FAST) as server:
        witness = await open_client(server.url)
        await subscribe_news(witness)
        away = await open_client(server.url)
        first = await subscribe_news(away)
        epoch, held = first.positions["news"].epoch, first.positions["news"].seq
        await away.sio.disconnect()

        # Six or more newer items: the oldest one the client needs has left the history of 5.
        await witness.wait_for(lambda: max(received_news(witness), default=0) >= held + 7)

        back = await open_client(server.url)
        ack = await subscribe_news(back, since={"news": {"epoch": epoch, "seq": held}})
        assert ack.recovered is False
        assert ack.replay == {}
        recent = ack.snapshot["news"]
        now = ack.positions["news"].seq
        assert len(recent) == 5, "the snapshot is the recent news the history still holds"
        await witness.wait_for(lambda: max(received_news(witness)) >= now)
        seen = received_news(witness)
        assert [item.model_dump(mode="json") for item in recent] == [
            seen[seq] for seq in range(now - 4, now + 1)
        ]
        await witness.sio.disconnect()
        await back.sio.disconnect()


async def test_a_position_from_before_a_restart_is_not_recovered(open_client) -> None:
    with running_feed_server(**NEWS_FAST) as server:
        client = await open_client(server.url)
        before = await client.request(
            "subscribe", {"id": "n", "channels": ["news", "price:AAPL"], "throttle_ms": 20}
        )
        before = SubscribeAck.model_validate(before)
        await client.sio.disconnect()

        await asyncio.to_thread(server.stop)
        await asyncio.to_thread(server.restart)

        back = await open_client(server.url)
        since = {name: pos.model_dump() for name, pos in before.positions.items()}
        ack = SubscribeAck.model_validate(
            await back.request(
                "subscribe", {"id": "n", "channels": ["news", "price:AAPL"], "since": since}
            )
        )
        assert ack.recovered is False
        assert ack.replay == {}
        assert ack.positions["news"].epoch != before.positions["news"].epoch
        assert isinstance(ack.snapshot["news"], list)
        assert all(isinstance(item, NewsItem) for item in ack.snapshot["news"])
        assert isinstance(ack.snapshot["price:AAPL"], Quote)
        await back.sio.disconnect()
