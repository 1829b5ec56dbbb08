"""The alert store on a real SQLite file: round trips, atomic and idempotent firing, pending
order, acknowledgement, per-user limits under concurrency, and surviving a restart."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from realtime_server.alerts import store as store_module
from realtime_server.alerts.store import AlertStore, RuleLimitError
from realtime_server.protocol import AlertCondition, AlertRule, FiredAlert

ABOVE, BELOW, MOVE = AlertCondition.ABOVE, AlertCondition.BELOW, AlertCondition.MOVE_PCT


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "alerts.db"


@pytest.fixture
def store(path: Path) -> Iterator[AlertStore]:
    s = AlertStore(f"sqlite:///{path}", clock=lambda: 1_000)
    yield s
    s.close()


def test_rule_round_trip(store: AlertStore) -> None:
    rule = store.create_rule("alice", "AAPL", MOVE, 2.5, 225.0, "watch it")
    assert rule == AlertRule(
        id=rule.id,
        symbol="AAPL",
        condition=MOVE,
        threshold=2.5,
        reference_price=225.0,
        created_at=1_000,
        note="watch it",
    )
    assert rule.id.startswith("r_")
    other = store.create_rule("bob", "MSFT", BELOW, 400.0)
    assert store.list_rules("alice") == [rule]
    assert store.list_rules("bob") == [other]
    assert store.list_rules("nobody") == []
    assert store.active_rules() == [("alice", rule), ("bob", other)]


def test_delete_only_own_active_rule(store: AlertStore) -> None:
    rule = store.create_rule("alice", "AAPL", ABOVE, 230.0)
    assert store.delete_rule("bob", rule.id) is False
    assert store.delete_rule("alice", "r_unknown") is False
    assert store.delete_rule("alice", rule.id) is True
    assert store.delete_rule("alice", rule.id) is False
    assert store.list_rules("alice") == []
    assert store.active_rules() == []
    assert store.record_fired("alice", rule, 231.0, 5) is None  # deleted rules never fire


def test_record_fired_marks_rule_and_stores_alert(store: AlertStore) -> None:
    rule = store.create_rule("alice", "AAPL", ABOVE, 230.0)
    alert = store.record_fired("alice", rule, 230.05, 5_000)
    assert alert == FiredAlert(
        id=alert.id if alert else "",
        rule_id=rule.id,
        symbol="AAPL",
        condition=ABOVE,
        threshold=230.0,
        price=230.05,
        ts=5_000,
        message="AAPL rose above 230.00 (last 230.05)",
    )
    assert store.list_rules("alice") == []
    assert store.active_rules() == []
    assert store.pending("alice") == [alert]
    assert store.delete_rule("alice", rule.id) is False  # fired, so no longer deletable
    assert store.record_fired("bob", rule, 231.0, 6_000) is None  # not bob's rule


def test_record_fired_is_idempotent_even_concurrently(store: AlertStore) -> None:
    rule = store.create_rule("alice", "AAPL", ABOVE, 230.0)
    with ThreadPoolExecutor(8) as pool:
        results = list(
            pool.map(lambda i: store.record_fired("alice", rule, 230.0 + i, 5_000 + i), range(16))
        )
    assert all(result is not None for result in results)
    assert len({result.id for result in results if result}) == 1
    assert store.pending("alice") == [results[0]]


def test_record_fired_is_atomic(store: AlertStore, monkeypatch: pytest.MonkeyPatch) -> None:
    rule = store.create_rule("alice", "AAPL", ABOVE, 230.0)

    def broken(*_: object) -> str:
        raise RuntimeError("boom between the update and the insert")

    monkeypatch.setattr(store_module, "describe", broken)
    with pytest.raises(RuntimeError):
        store.record_fired("alice", rule, 231.0, 5)
    assert store.list_rules("alice") == [rule]  # the status change was rolled back
    assert store.pending("alice") == []
    monkeypatch.undo()
    assert store.record_fired("alice", rule, 231.0, 5) is not None


def test_pending_oldest_first(store: AlertStore) -> None:
    rules = [store.create_rule("alice", "AAPL", ABOVE, 100.0 + i) for i in range(4)]
    for rule, ts in zip(rules, [300, 100, 200, 100], strict=True):
        store.record_fired("alice", rule, 150.0, ts)
    pending = store.pending("alice")
    assert [(a.ts, a.rule_id) for a in pending] == [
        (100, rules[1].id),
        (100, rules[3].id),
        (200, rules[2].id),
        (300, rules[0].id),
    ]


def test_ack_semantics(store: AlertStore) -> None:
    a1, a2 = (
        store.record_fired("alice", store.create_rule("alice", "AAPL", ABOVE, t), 300.0, t)
        for t in (1.0, 2.0)
    )
    b1 = store.record_fired("bob", store.create_rule("bob", "AAPL", ABOVE, 3.0), 300.0, 3)
    assert a1 and a2 and b1
    assert store.ack("alice", [b1.id, "f_unknown", a1.id, a1.id]) == [a1.id]
    assert store.ack("alice", [a1.id]) == []  # already acknowledged
    assert store.pending("alice") == [a2]
    assert store.pending("bob") == [b1]  # alice cannot acknowledge bob's alert
    assert store.ack("alice", [a2.id, a1.id]) == [a2.id]
    assert store.pending("alice") == []


def test_per_user_limit_holds_under_concurrency(store: AlertStore) -> None:
    def create(i: int) -> bool:
        try:
            store.create_rule("alice", "AAPL", ABOVE, 100.0 + i, max_active=5)
        except RuleLimitError:
            return False
        return True

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(create, range(20))) == 5
    assert len(store.list_rules("alice")) == 5
    store.create_rule("bob", "AAPL", ABOVE, 1.0, max_active=5)  # per user
    store.delete_rule("alice", store.list_rules("alice")[0].id)
    store.create_rule("alice", "AAPL", ABOVE, 1.0, max_active=5)  # room again


def test_survives_restart(store: AlertStore, path: Path) -> None:
    keep = store.create_rule("alice", "AAPL", BELOW, 100.0)
    gone = store.create_rule("alice", "AAPL", ABOVE, 200.0)
    store.delete_rule("alice", gone.id)
    pending = store.record_fired("alice", store.create_rule("alice", "MSFT", ABOVE, 1.0), 2.0, 7)
    acked = store.record_fired("alice", store.create_rule("alice", "IBM", ABOVE, 1.0), 2.0, 8)
    assert pending and acked
    store.ack("alice", [acked.id])
    store.close()

    again = AlertStore(f"sqlite:///{path}")
    try:
        assert again.active_rules() == [("alice", keep)]
        assert again.pending("alice") == [pending]
    finally:
        again.close()


def test_sqlite_runs_in_wal_mode(store: AlertStore, path: Path) -> None:
    store.create_rule("alice", "AAPL", ABOVE, 1.0)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_in_memory_url() -> None:
    store = AlertStore("sqlite://")
    rule = store.create_rule("alice", "AAPL", ABOVE, 1.0)
    with ThreadPoolExecutor(4) as pool:
        assert all(pool.map(lambda _: store.list_rules("alice") == [rule], range(8)))
    store.close()
