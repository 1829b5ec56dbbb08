"""The alert service on a real event loop and SQLite file: request errors, durable firing
(persisted before published, once), per-user limits, restart, and an orderly stop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from realtime_server.alerts.service import AlertService
from realtime_server.alerts.store import AlertStore
from realtime_server.protocol import (
    AlertCondition,
    AlertCreateRequest,
    AlertRule,
    ErrorCode,
    FiredAlert,
    RequestError,
)

SYMBOLS = {"AAPL", "MSFT", "IBM"}
TIMEOUT = 3.0


def create_request(
    symbol: str, condition: str, threshold: float, note: str = ""
) -> AlertCreateRequest:
    return AlertCreateRequest(
        id="1", symbol=symbol, condition=AlertCondition(condition), threshold=threshold, note=note
    )


def quote(symbol: str, last: float, ts: int = 1_000) -> dict[str, Any]:
    return {"symbol": symbol, "last": last, "ts": ts}


class GatedStore(AlertStore):
    """Holds `record_fired` until released, to observe what happens while it is in flight."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.entered = threading.Event()
        self.release = threading.Event()
        self.failures = 0

    def record_fired(self, *args: Any) -> FiredAlert | None:
        self.entered.set()
        assert self.release.wait(TIMEOUT)
        if self.failures:
            self.failures -= 1
            raise OSError("disk full")
        return super().record_fired(*args)


class Harness:
    def __init__(self, path: Path, store_class: type[AlertStore] = AlertStore, limit: int = 50):
        self.url = f"sqlite:///{path}"
        self.store = store_class(self.url)
        self.quotes: dict[str, dict[str, Any]] = {"AAPL": quote("AAPL", 200.0)}
        self.published: list[tuple[str, dict[str, Any]]] = []
        self.durable_when_published: list[bool] = []
        self.publish_fails = False
        self.service = AlertService(
            self.store, SYMBOLS, self.quotes.get, self.publish, max_rules_per_user=limit
        )

    def publish(self, user: str, alert: dict[str, Any]) -> None:
        pending_ids = {a.id for a in self.store.pending(user)}
        self.durable_when_published.append(alert["id"] in pending_ids)
        self.published.append((user, alert))
        if self.publish_fails:
            raise RuntimeError("hub gone")

    def tick(self, symbol: str, last: float, ts: int = 2_000) -> None:
        self.quotes[symbol] = quote(symbol, last, ts)
        self.service.on_quote(self.quotes[symbol])

    async def settle(self) -> None:
        async with asyncio.timeout(TIMEOUT):
            await self.service.drain()


@pytest.fixture
async def h(tmp_path: Path) -> AsyncIterator[Harness]:
    harness = Harness(tmp_path / "alerts.db")
    await harness.service.start()
    yield harness
    await harness.service.stop()
    harness.store.close()


@pytest.fixture
def gated(tmp_path: Path) -> Iterator[Harness]:
    harness = Harness(tmp_path / "alerts.db", GatedStore)
    yield harness
    harness.store.release.set()  # type: ignore[attr-defined]  # this harness was built with GatedStore
    harness.store.close()


async def test_create_returns_rule_with_reference_price(h: Harness) -> None:
    wire = await h.service.create("alice", create_request("aapl", "move_pct", 2.0, "hi"))
    rule = AlertRule.model_validate(wire)
    assert (rule.symbol, rule.reference_price, rule.note) == ("AAPL", 200.0, "hi")
    assert rule.condition is AlertCondition.MOVE_PCT
    assert await h.service.list("alice") == [wire]
    assert await h.service.list("bob") == []
    # `above`/`below` need no price yet.
    unquoted = await h.service.create("alice", create_request("MSFT", "above", 400.0))
    assert unquoted["reference_price"] is None


async def test_create_refusals(h: Harness) -> None:
    with pytest.raises(RequestError) as unknown:
        await h.service.create("alice", create_request("NOPE", "above", 1.0))
    assert unknown.value.code is ErrorCode.UNKNOWN_SYMBOL
    with pytest.raises(RequestError) as no_price:
        await h.service.create("alice", create_request("MSFT", "move_pct", 1.0))
    assert no_price.value.code is ErrorCode.BAD_REQUEST
    assert await h.service.list("alice") == []


async def test_per_user_limit(tmp_path: Path) -> None:
    h = Harness(tmp_path / "alerts.db", limit=2)
    await h.service.start()
    first = await h.service.create("alice", create_request("AAPL", "above", 300.0))
    await h.service.create("alice", create_request("AAPL", "above", 310.0))
    with pytest.raises(RequestError) as over:
        await h.service.create("alice", create_request("AAPL", "above", 320.0))
    assert over.value.code is ErrorCode.LIMIT_EXCEEDED
    await h.service.create("bob", create_request("AAPL", "above", 320.0))
    await h.service.delete("alice", first["id"])
    await h.service.create("alice", create_request("AAPL", "above", 320.0))
    assert len(await h.service.list("alice")) == 2
    await h.service.stop()
    h.store.close()


async def test_delete(h: Harness) -> None:
    rule = await h.service.create("alice", create_request("AAPL", "above", 210.0))
    for user, rule_id in [("bob", rule["id"]), ("alice", "r_unknown")]:
        with pytest.raises(RequestError) as missing:
            await h.service.delete(user, rule_id)
        assert missing.value.code is ErrorCode.NOT_FOUND
    await h.service.delete("alice", rule["id"])
    with pytest.raises(RequestError) as again:
        await h.service.delete("alice", rule["id"])
    assert again.value.code is ErrorCode.NOT_FOUND
    h.tick("AAPL", 250.0)
    await h.settle()
    assert h.published == []


async def test_firing_is_persisted_then_published_once(h: Harness) -> None:
    up = await h.service.create("alice", create_request("AAPL", "above", 210.0))
    down = await h.service.create("bob", create_request("AAPL", "below", 190.0))
    h.tick("AAPL", 205.0)
    h.tick("MSFT", 1.0)
    await h.settle()
    assert h.published == []
    h.tick("AAPL", 210.5, ts=3_000)
    h.tick("AAPL", 212.0, ts=3_001)  # one-shot: no second firing
    await h.settle()
    assert len(h.published) == 1
    user, wire = h.published[0]
    alert = FiredAlert.model_validate(wire)
    assert (user, alert.rule_id, alert.price, alert.ts) == ("alice", up["id"], 210.5, 3_000)
    assert alert.message == "AAPL rose above 210.00 (last 210.50)"
    assert h.durable_when_published == [True]
    assert await h.service.pending("alice") == [wire]
    assert await h.service.list("alice") == []
    assert [r["id"] for r in await h.service.list("bob")] == [down["id"]]


async def test_one_tick_fires_for_several_users(h: Harness) -> None:
    for user in ("alice", "bob", "carol"):
        await h.service.create(user, create_request("AAPL", "move_pct", 5.0))
    h.tick("AAPL", 189.0)
    await h.settle()
    assert sorted(user for user, _ in h.published) == ["alice", "bob", "carol"]
    assert h.durable_when_published == [True, True, True]


async def test_ack_and_pending(h: Harness) -> None:
    for threshold in (201.0, 202.0):
        await h.service.create("alice", create_request("AAPL", "above", threshold))
    h.tick("AAPL", 203.0)
    await h.settle()
    ids = [alert["id"] for alert in await h.service.pending("alice")]
    assert len(ids) == 2
    assert await h.service.ack("bob", ids) == []
    assert await h.service.ack("alice", [ids[0], "f_unknown"]) == [ids[0]]
    assert await h.service.ack("alice", ids) == [ids[1]]
    assert await h.service.pending("alice") == []


async def test_survives_restart(tmp_path: Path) -> None:
    path = tmp_path / "alerts.db"
    first = Harness(path)
    await first.service.start()
    waiting = await first.service.create("alice", create_request("AAPL", "below", 150.0))
    await first.service.create("alice", create_request("AAPL", "above", 201.0))
    await first.service.create("alice", create_request("AAPL", "move_pct", 0.25))
    first.tick("AAPL", 201.0)
    await first.service.stop()
    fired = [alert["id"] for _, alert in first.published]
    assert len(fired) == 2
    first.tick("AAPL", 100.0)  # stopped: ignored
    first.store.close()

    second = Harness(path)
    await second.service.ack("alice", fired[:1])
    await second.service.start()
    assert await second.service.list("alice") == [waiting]
    assert [a["id"] for a in await second.service.pending("alice")] == fired[1:]
    second.tick("AAPL", 149.0)
    await second.service.stop()
    assert [alert["rule_id"] for _, alert in second.published] == [waiting["id"]]
    second.store.close()


async def test_stop_waits_for_in_flight_persistence(gated: Harness) -> None:
    await gated.service.start()
    await gated.service.create("alice", create_request("AAPL", "above", 201.0))
    gated.tick("AAPL", 202.0)
    store: GatedStore = gated.store  # type: ignore[assignment]  # Harness types it AlertStore; the gated fixture's is a GatedStore
    assert await asyncio.to_thread(store.entered.wait, TIMEOUT)
    assert gated.service.in_flight == 1
    stopping = asyncio.create_task(gated.service.stop())
    done, _ = await asyncio.wait({stopping}, timeout=0.05)
    assert not done and gated.published == []
    store.release.set()
    async with asyncio.timeout(TIMEOUT):
        await stopping
    assert gated.service.in_flight == 0
    assert len(gated.published) == 1
    assert gated.durable_when_published == [True]


async def test_rule_deleted_while_firing_is_not_delivered(gated: Harness) -> None:
    await gated.service.start()
    rule = await gated.service.create("alice", create_request("AAPL", "above", 201.0))
    gated.tick("AAPL", 202.0)
    store: GatedStore = gated.store  # type: ignore[assignment]  # Harness types it AlertStore; the gated fixture's is a GatedStore
    assert await asyncio.to_thread(store.entered.wait, TIMEOUT)
    await gated.service.delete("alice", rule["id"])  # wins the race to the database
    store.release.set()
    await gated.settle()
    assert gated.published == []
    assert await gated.service.pending("alice") == []


async def test_failed_persistence_fires_again_later(gated: Harness) -> None:
    store: GatedStore = gated.store  # type: ignore[assignment]  # Harness types it AlertStore; the gated fixture's is a GatedStore
    store.failures = 1
    store.release.set()
    await gated.service.start()
    await gated.service.create("alice", create_request("AAPL", "above", 201.0))
    gated.tick("AAPL", 202.0)
    await gated.settle()
    assert gated.published == []
    gated.tick("AAPL", 203.0)
    await gated.settle()
    assert [alert["price"] for _, alert in gated.published] == [203.0]
    assert gated.durable_when_published == [True]


async def test_failed_publish_leaves_alert_pending(h: Harness) -> None:
    h.publish_fails = True
    await h.service.create("alice", create_request("AAPL", "below", 199.0))
    h.tick("AAPL", 198.0)
    await h.settle()
    assert len(h.published) == 1
    assert await h.service.pending("alice") == [h.published[0][1]]
