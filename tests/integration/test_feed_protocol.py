"""The feed protocol against the real server process: subscribe, batches, errors, ping."""

from __future__ import annotations

import itertools
import time
from collections import defaultdict

import pytest

from realtime_server.protocol import Batch, ErrorAck, PingAck, Quote, SubscribeAck
from tests.support.feed_server import running_feed_server

pytestmark = pytest.mark.integration

SYMBOLS = ["AAPL", "MSFT", "NVDA", "AMZN", "JPM", "XOM", "KO", "TSLA"]
CHANNELS = [f"price:{s}" for s in SYMBOLS]


async def test_subscribe_ack_carries_snapshot_and_positions(connect) -> None:
    client = await connect()
    ack = await client.request("subscribe", {"id": "s1", "channels": CHANNELS})

    parsed = SubscribeAck.model_validate(ack)
    assert parsed.id == "s1"
    assert parsed.channels == CHANNELS
    assert parsed.throttle_ms == 100
    assert set(parsed.snapshot) == set(CHANNELS)
    for channel, quote in parsed.snapshot.items():
        assert quote.symbol == channel.removeprefix("price:")
        assert quote.bid < quote.ask
        assert quote.low <= quote.last <= quote.high
        assert abs(quote.ts - time.time() * 1000) < 60_000
    epochs = {pos.epoch for pos in parsed.positions.values()}
    assert len(epochs) == 1
    assert all(pos.seq >= 1 for pos in parsed.positions.values())


async def test_batches_are_conflated_and_paced_by_throttle(connect) -> None:
    client = await connect()
    ack = SubscribeAck.model_validate(
        await client.request("subscribe", {"id": "s", "channels": CHANNELS, "throttle_ms": 250})
    )
    assert ack.throttle_ms == 250
    await client.wait_for(lambda: len(client.batches) >= 8)

    batches = [Batch.model_validate(b.payload) for b in client.batches]
    flush_times = [b.server_ts for b in batches]
    gaps = [later - earlier for earlier, later in itertools.pairwise(flush_times)]
    assert min(gaps) >= 249, f"flushes closer than the throttle: {gaps}"

    last_seq = {ch: pos.seq for ch, pos in ack.positions.items()}
    for batch in batches:
        channels = [u.channel for u in batch.updates]
        assert len(channels) == len(set(channels)), "a conflated batch repeats a channel"
        for update in batch.updates:
            assert update.channel in CHANNELS
            assert update.seq > last_seq[update.channel], "stale or duplicate update"
            last_seq[update.channel] = update.seq
    # Conflation at work: at 400 ticks/s over ~50 symbols, some values were superseded
    # within a window, so the channels advanced by more seqs than updates were delivered.
    delivered = sum(len(b.updates) for b in batches)
    advanced = sum(last_seq[ch] - pos.seq for ch, pos in ack.positions.items())
    assert advanced > delivered


async def test_receipt_is_paced_no_faster_than_throttle(connect) -> None:
    client = await connect()
    await client.request("subscribe", {"id": "s", "channels": CHANNELS, "throttle_ms": 200})
    await client.wait_for(lambda: len(client.batches) >= 6)
    arrivals = [b.received_at for b in client.batches]
    span = arrivals[-1] - arrivals[0]
    # n batches over the span: on average never faster than one per throttle window.
    assert span / (len(arrivals) - 1) >= 0.19


@pytest.mark.parametrize(
    ("event", "payload", "code"),
    [
        ("subscribe", "price:AAPL", "bad_request"),
        ("subscribe", {"channels": ["price:AAPL"]}, "bad_request"),
        ("subscribe", {"id": "x", "channels": []}, "bad_request"),
        ("subscribe", {"id": "x", "channels": ["price:AAPL"], "extra": 1}, "bad_request"),
        ("subscribe", {"id": "x", "channels": ["price:AAPL"], "throttle_ms": -5}, "bad_request"),
        ("subscribe", {"id": "x", "channels": ["quotes:AAPL"]}, "invalid_channel"),
        ("subscribe", {"id": "x", "channels": ["price:aapl"]}, "invalid_channel"),
        ("subscribe", {"id": "x", "channels": ["price:ZZZZ"]}, "unknown_symbol"),
        ("unsubscribe", {"id": "x"}, "bad_request"),
        ("ping", {"id": "x"}, "bad_request"),
        ("launch_missiles", {"id": "x"}, "unknown_event"),
        ("connect", {"id": "x"}, "unknown_event"),
    ],
)
async def test_invalid_request_gets_coded_error_and_client_keeps_receiving(
    connect, event, payload, code
) -> None:
    client = await connect()
    await client.request("subscribe", {"id": "ok", "channels": CHANNELS[:3], "throttle_ms": 50})

    reply = ErrorAck.model_validate(await client.request(event, payload))
    assert reply.error.code == code
    assert reply.error.message
    if isinstance(payload, dict) and "id" in payload:
        assert reply.id == payload["id"]

    received = len(client.batches)
    await client.wait_for(lambda: len(client.batches) >= received + 3)
    assert client.sio.connected


async def test_extra_arguments_are_refused(connect) -> None:
    client = await connect()
    reply = await client.request("ping", {"id": "p", "client_ts": 1}, {"more": True})
    assert ErrorAck.model_validate(reply).error.code == "bad_request"


async def test_ping_echoes_client_time_and_gives_server_time(connect) -> None:
    client = await connect()
    sent = int(time.time() * 1000)
    pong = PingAck.model_validate(await client.request("ping", {"id": "p1", "client_ts": sent}))
    assert pong.id == "p1"
    assert pong.client_ts == sent
    assert abs(pong.server_ts - sent) < 5_000


async def test_unsubscribe_stops_updates_of_that_channel(connect) -> None:
    client = await connect()
    await client.request("subscribe", {"id": "s", "channels": CHANNELS[:2], "throttle_ms": 50})
    reply = await client.request("unsubscribe", {"id": "u", "channels": [CHANNELS[0], "price:KO"]})
    assert reply == {"ok": True, "id": "u", "channels": [CHANNELS[0]]}

    start = len(client.batches)
    await client.wait_for(lambda: len(client.batches) >= start + 5)
    later = [Batch.model_validate(b.payload) for b in client.batches[start + 1 :]]
    channels = {u.channel for b in later for u in b.updates}
    assert channels == {CHANNELS[1]}


async def test_each_update_carries_a_full_quote_with_source_time(connect) -> None:
    client = await connect()
    await client.request("subscribe", {"id": "s", "channels": CHANNELS, "throttle_ms": 50})
    await client.wait_for(lambda: len(client.batches) >= 3)
    latest: dict[str, Quote] = {}
    seqs: dict[str, list[int]] = defaultdict(list)
    for received in client.batches:
        batch = Batch.model_validate(received.payload)
        assert batch.server_ts >= max(u.data.ts for u in batch.updates)
        for update in batch.updates:
            latest[update.channel] = update.data
            seqs[update.channel].append(update.seq)
    assert all(s == sorted(s) for s in seqs.values())
    assert all(q.change == pytest.approx(q.last - q.prev_close, abs=1e-3) for q in latest.values())


async def test_subscription_limit_is_enforced_with_a_code() -> None:
    with running_feed_server(FEED_MAX_SUBSCRIPTIONS="3") as server:
        import socketio

        sio = socketio.AsyncClient(reconnection=False)
        await sio.connect(server.url, namespaces=["/feed"], transports=["websocket"])
        try:
            first = await sio.call(
                "subscribe", {"id": "a", "channels": CHANNELS[:2]}, namespace="/feed"
            )
            assert first["ok"] is True
            refused = await sio.call(
                "subscribe", {"id": "b", "channels": CHANNELS[2:4]}, namespace="/feed"
            )
            assert ErrorAck.model_validate(refused).error.code == "too_many_subscriptions"
            again = await sio.call(
                "subscribe", {"id": "c", "channels": CHANNELS[:3]}, namespace="/feed"
            )
            assert again["ok"] is True
        finally:
            await sio.disconnect()
