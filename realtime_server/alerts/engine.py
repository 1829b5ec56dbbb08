"""In-memory evaluation of active alert rules against ticks: pure, no I/O, no clock.

`AlertEngine` owns the set of active rules, indexed by symbol. `evaluate` runs on every tick, so
it costs one dict miss (and allocates nothing) for a symbol without rules, and two float
comparisons per rule of the quoted symbol otherwise: each rule is reduced, when added, to a
band `[lo, hi]` outside of which it fires —

    above       last ≥ threshold                         lo = -inf, hi = threshold
    below       last ≤ threshold                         lo = threshold, hi = +inf
    move_pct    |last / reference - 1| · 100 ≥ threshold  lo, hi = reference · (1 ∓ threshold/100)

Rules are one-shot: a rule that fires leaves the engine. `describe` words a firing for people.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from realtime_server.protocol import AlertCondition, AlertRule

MOVE_PCT_TOLERANCE = 1e-9
"""Percentage points of slack for `move_pct`, so a move of exactly the threshold (2.0% of 100.0
is 102.0) fires despite binary floating point (102.0 / 100.0 - 1 is 0.020000000000000018, but
202.2 / 200.0 - 1 is 0.01099999999999989)."""

Firing = tuple[str, AlertRule]
"""A rule fired by a quote, with the user it belongs to."""

_NOTHING: tuple[Firing, ...] = ()


@dataclass(slots=True, frozen=True)
class _Entry:
    user: str
    rule: AlertRule
    lo: float
    hi: float


def trigger_band(rule: AlertRule) -> tuple[float, float]:
    """The prices `(lo, hi)` at or beyond which `rule` fires: it fires when last ≤ lo or ≥ hi."""
    if rule.condition is AlertCondition.ABOVE:
        return -math.inf, rule.threshold
    if rule.condition is AlertCondition.BELOW:
        return rule.threshold, math.inf
    reference = rule.reference_price
    if reference is None or not reference > 0:
        raise ValueError(f"move_pct rule {rule.id} needs a positive reference_price")
    fraction = (rule.threshold - MOVE_PCT_TOLERANCE) / 100
    return reference * (1 - fraction), reference * (1 + fraction)


class AlertEngine:
    """Active rules by symbol; finds (and retires) the rules a quote fires."""

    def __init__(self) -> None:
        self._by_symbol: dict[str, dict[str, _Entry]] = {}
        self._symbol_of: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._symbol_of)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._symbol_of

    def add(self, rule: AlertRule, user: str) -> None:
        """Start watching `rule` for `user` (replacing a rule with the same id).

        Raises ValueError for a `move_pct` rule without a positive reference price.
        """
        lo, hi = trigger_band(rule)
        self.remove(rule.id)
        self._by_symbol.setdefault(rule.symbol, {})[rule.id] = _Entry(user, rule, lo, hi)
        self._symbol_of[rule.id] = rule.symbol

    def remove(self, rule_id: str) -> bool:
        """Stop watching a rule; False when it was not in the engine."""
        symbol = self._symbol_of.pop(rule_id, None)
        if symbol is None:
            return False
        rules = self._by_symbol[symbol]
        del rules[rule_id]
        if not rules:
            del self._by_symbol[symbol]
        return True

    def evaluate(self, quote: Mapping[str, Any]) -> Sequence[Firing]:
        """The rules `quote` fires, as `(user, rule)`, in the order they were added.

        They leave the engine. Returns a shared empty tuple when nothing fires.
        """
        rules = self._by_symbol.get(quote["symbol"])
        if rules is None:
            return _NOTHING
        last = quote["last"]
        fired: list[Firing] | None = None
        for entry in rules.values():
            if last >= entry.hi or last <= entry.lo:
                if fired is None:
                    fired = []
                fired.append((entry.user, entry.rule))
        if fired is None:
            return _NOTHING
        for _, rule in fired:
            self.remove(rule.id)
        return fired


def describe(rule: AlertRule, price: float) -> str:
    """A firing in words: `AAPL rose above 230.00 (last 230.05)`."""
    symbol, last = rule.symbol, _price(price)
    if rule.condition is AlertCondition.ABOVE:
        return f"{symbol} rose above {_price(rule.threshold)} (last {last})"
    if rule.condition is AlertCondition.BELOW:
        return f"{symbol} fell below {_price(rule.threshold)} (last {last})"
    reference = rule.reference_price or price
    change = (price / reference - 1) * 100
    direction = "rose" if change >= 0 else "fell"
    return (
        f"{symbol} {direction} {abs(change):.2f}% from {_price(reference)} (last {last}; "
        f"alert at {rule.threshold:g}%)"
    )


def _price(value: float) -> str:
    return f"{value:.2f}" if abs(value) >= 1 else f"{value:.4f}"
