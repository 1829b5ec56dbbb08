"""Per-connection conflation and pacing of the hub's writer, on a real event loop."""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any

from realtime_server.hub.writer import ClientWriter


class Recorder:
    def __init__(self, delay: float = 0.0) -> None:
        self.batches: list[tuple[float, dict[str, Any]]] = []
        self.delay = delay
        self.arrived = asyncio.Event()

    async def send(self, batch: bytes) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.batches.append((asyncio.get_running_loop().time(), json.loads(batch)))
        self.arrived.set()

    async def wait_for(self, count: int) -> None:
        await self.wait_until(lambda: len(self.batches) >= count)

    async def wait_until(self, condition: Any) -> None:
        async with asyncio.timeout(5):
            while not condition():
                self.arrived.clear()
                await self.arrived.wait()

    def last_seq(self) -> int:
        return self.batches[-1][1]["updates"][0]["seq"] if self.batches else 0


async def test_latest_value_per_channel_wins() -> None:
    rec = Recorder()
    writer = ClientWriter("sid", rec.send, throttle=0.05)
    for seq in range(1, 6):
        writer.offer("price:AAPL", seq, {"last": seq})
    writer.offer("price:MSFT", 1, {"last": 100})
    await rec.wait_for(1)
    updates = rec.batches[0][1]["updates"]
    assert updates == [
        {"channel": "price:AAPL", "seq": 5, "data": {"last": 5}},
        {"channel": "price:MSFT", "seq": 1, "data": {"last": 100}},
    ]
    assert writer.conflated_drops == 4


async def test_flushes_are_spaced_by_the_throttle() -> None:
    rec = Recorder()
    writer = ClientWriter("sid", rec.send, throttle=0.08)
    loop = asyncio.get_running_loop()
    for seq in range(1, 40):
        writer.offer("price:AAPL", seq, {"seq": seq})
        await asyncio.sleep(0.01)
    await rec.wait_until(lambda: rec.last_seq() == 39)  # the last value always arrives
    times = [t for t, _ in rec.batches]
    assert len(times) >= 4
    assert all(b - a >= 0.075 for a, b in itertools.pairwise(times))
    assert loop.time() >= times[-1]


async def test_slow_send_conflates_instead_of_queueing() -> None:
    rec = Recorder(delay=0.2)
    writer = ClientWriter("sid", rec.send, throttle=0.01)
    for seq in range(1, 30):
        writer.offer("price:AAPL", seq, {"seq": seq})
        await asyncio.sleep(0.01)
    await rec.wait_until(lambda: rec.last_seq() == 29)
    seqs = [b["updates"][0]["seq"] for _, b in rec.batches]
    assert len(seqs) <= 4, "one batch in flight at a time"


async def test_discard_and_close_drop_pending_updates() -> None:
    rec = Recorder()
    writer = ClientWriter("sid", rec.send, throttle=0.05)
    writer.offer("price:AAPL", 1, {})
    writer.offer("price:MSFT", 1, {})
    writer.discard({"price:AAPL"})
    await rec.wait_for(1)
    assert [u["channel"] for u in rec.batches[0][1]["updates"]] == ["price:MSFT"]
    writer.offer("price:MSFT", 2, {})
    writer.close()
    writer.offer("price:MSFT", 3, {})
    await asyncio.sleep(0.1)
    assert len(rec.batches) == 1


async def test_bars_conflate_per_key_so_a_closed_bar_is_not_lost() -> None:
    rec = Recorder()
    writer = ClientWriter("sid", rec.send, throttle=0.05)
    writer.offer("bars:1s:AAPL", 1, {"start": 1000, "closed": False}, key=1000)
    writer.offer("bars:1s:AAPL", 2, {"start": 1000, "closed": True}, key=1000)
    writer.offer("bars:1s:AAPL", 3, {"start": 2000, "closed": False}, key=2000)
    await rec.wait_for(1)
    seqs = [u["seq"] for u in rec.batches[0][1]["updates"]]
    assert seqs == [2, 3]


async def test_lossless_updates_arrive_all_in_order_before_conflated_ones() -> None:
    rec = Recorder()
    writer = ClientWriter("sid", rec.send, throttle=0.05)
    writer.offer("price:AAPL", 1, {})
    for seq in range(1, 6):
        writer.enqueue("news", seq, {"n": seq})
    await rec.wait_for(1)
    updates = rec.batches[0][1]["updates"]
    assert [(u["channel"], u["seq"]) for u in updates] == [
        ("news", 1),
        ("news", 2),
        ("news", 3),
        ("news", 4),
        ("news", 5),
        ("price:AAPL", 1),
    ]


async def test_a_slow_consumer_overflows_once_and_stops_accepting() -> None:
    overflows = []
    never = asyncio.Event()

    async def stuck(batch: bytes) -> None:
        await never.wait()

    writer = ClientWriter(
        "sid", stuck, throttle=0.0, max_queue=10, on_overflow=lambda: overflows.append(1)
    )
    writer.enqueue("news", 1, {})
    await asyncio.sleep(0)  # the first batch goes out and never completes
    await asyncio.sleep(0)
    for seq in range(2, 30):
        writer.enqueue("news", seq, {})
    assert overflows == [1]
    assert writer.overflowed
    assert writer.queue_depth == 0, "memory is released at once"
    never.set()


async def test_a_send_that_never_returns_is_cancelled_by_close() -> None:
    """A connection whose socket stopped draining: its delivery waits until the writer closes."""
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def stuck(batch: bytes) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    writer = ClientWriter("sid", stuck, throttle=0.0, max_queue=2)
    writer.enqueue("news", 1, {"n": 1})
    async with asyncio.timeout(5):
        await started.wait()
    for seq in range(2, 4):
        writer.enqueue("news", seq, {"n": seq})
    assert writer.queue_depth == 2 and not writer.overflowed
    writer.enqueue("news", 4, {"n": 4})
    assert writer.overflowed
    async with asyncio.timeout(5):
        await cancelled.wait()
    assert writer.queue_depth == 0
