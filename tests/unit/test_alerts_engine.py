"""The alert engine: each condition at, beyond and short of its threshold; one-shot; removal."""

from __future__ import annotations

import pytest

from realtime_server.alerts.engine import AlertEngine, describe
from realtime_server.protocol import AlertCondition, AlertRule

ABOVE, BELOW, MOVE = AlertCondition.ABOVE, AlertCondition.BELOW, AlertCondition.MOVE_PCT


def rule(
    condition: AlertCondition,
    threshold: float,
    reference: float | None = None,
    rule_id: str = "r1",
    symbol: str = "AAPL",
) -> AlertRule:
    return AlertRule(
        id=rule_id,
        symbol=symbol,
        condition=condition,
        threshold=threshold,
        reference_price=reference,
        created_at=1,
    )


def quote(last: float, symbol: str = "AAPL") -> dict[str, object]:
    return {"symbol": symbol, "last": last, "ts": 1_000}


def fires(r: AlertRule, last: float) -> bool:
    engine = AlertEngine()
    engine.add(r, "alice")
    return list(engine.evaluate(quote(last))) == [("alice", r)]


@pytest.mark.parametrize(
    ("r", "before", "at_and_beyond"),
    [
        (rule(ABOVE, 230.0), [229.99, 100.0], [230.0, 230.01, 500.0]),
        (rule(BELOW, 180.0), [180.01, 300.0], [180.0, 179.99, 1.0]),
        (rule(MOVE, 2.0, 100.0), [100.0, 101.99, 98.01], [102.0, 98.0, 105.0, 90.0]),
        (rule(MOVE, 1.1, 200.0), [202.19, 197.81], [202.2, 197.8]),
        (rule(MOVE, 0.5, 0.35), [0.3517, 0.3483], [0.35175, 0.34825]),
    ],
)
def test_fires_at_and_beyond_threshold_not_before(
    r: AlertRule, before: list[float], at_and_beyond: list[float]
) -> None:
    for last in before:
        assert not fires(r, last), last
    for last in at_and_beyond:
        assert fires(r, last), last


def test_rules_are_one_shot() -> None:
    engine = AlertEngine()
    r = rule(ABOVE, 10.0)
    engine.add(r, "alice")
    assert list(engine.evaluate(quote(11.0))) == [("alice", r)]
    assert r.id not in engine
    assert len(engine) == 0
    assert not engine.evaluate(quote(12.0))


def test_only_the_rules_that_fire_leave_in_order_added() -> None:
    engine = AlertEngine()
    low, high = rule(ABOVE, 10.0, rule_id="a"), rule(ABOVE, 20.0, rule_id="b")
    other = rule(ABOVE, 5.0, rule_id="c", symbol="MSFT")
    falls = rule(BELOW, 9.0, rule_id="d")
    engine.add(high, "bob")
    engine.add(low, "alice")
    engine.add(other, "alice")
    engine.add(falls, "carol")
    assert list(engine.evaluate(quote(25.0))) == [("bob", high), ("alice", low)]
    assert len(engine) == 2
    assert list(engine.evaluate(quote(8.0))) == [("carol", falls)]
    assert list(engine.evaluate(quote(6.0, "MSFT"))) == [("alice", other)]
    assert len(engine) == 0


def test_removed_rule_does_not_fire() -> None:
    engine = AlertEngine()
    engine.add(rule(ABOVE, 10.0), "alice")
    assert engine.remove("r1") is True
    assert engine.remove("r1") is False
    assert not engine.evaluate(quote(11.0))


def test_adding_same_id_replaces() -> None:
    engine = AlertEngine()
    engine.add(rule(ABOVE, 10.0), "alice")
    replacement = rule(ABOVE, 20.0)
    engine.add(replacement, "alice")
    assert len(engine) == 1
    assert not engine.evaluate(quote(15.0))
    assert list(engine.evaluate(quote(20.0))) == [("alice", replacement)]


def test_symbol_without_rules_costs_nothing() -> None:
    engine = AlertEngine()
    engine.add(rule(ABOVE, 10.0), "alice")
    first, second = engine.evaluate(quote(1.0, "MSFT")), engine.evaluate(quote(99.0, "IBM"))
    assert first is second  # the shared empty result: nothing allocated
    assert not first
    assert engine.evaluate(quote(1.0)) is first  # rules of the symbol, none fired


def test_move_pct_needs_a_reference_price() -> None:
    with pytest.raises(ValueError, match="reference_price"):
        AlertEngine().add(rule(MOVE, 2.0, None), "alice")


def test_describe_in_words() -> None:
    assert describe(rule(ABOVE, 230.0), 230.05) == "AAPL rose above 230.00 (last 230.05)"
    assert describe(rule(BELOW, 180.0), 179.5) == "AAPL fell below 180.00 (last 179.50)"
    assert describe(rule(MOVE, 2.0, 100.0), 97.5) == (
        "AAPL fell 2.50% from 100.00 (last 97.50; alert at 2%)"
    )
