"""The alerts API the transport calls, and the tick hook that fires alerts durably.

`AlertService` joins the in-memory `AlertEngine` to the `AlertStore`. Requests are async and do
their database work in a worker thread (`asyncio.to_thread`), never on the event loop. Ticks
arrive through `on_quote`, which is synchronous and cheap: it evaluates in memory and, for each
rule that fired, starts a task that persists the fired alert and only then publishes it — a fired
alert is never delivered before it is durable. If persisting fails, the rule goes back into the
engine (it is still active in the database) and fires again on a later tick.

Fired alerts that were persisted but not published (a crash in between, a failed publish) stay
pending: `pending(user)` returns them, so a (re)subscribing client still gets them.

Shutdown: `await stop()` stops evaluating ticks, then waits for every in-flight persistence
(and its publish) to finish.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Container, Mapping
from typing import Any

from realtime_server.alerts.engine import AlertEngine
from realtime_server.alerts.store import AlertStore, RuleLimitError
from realtime_server.clock import now_ms
from realtime_server.protocol import (
    AlertCondition,
    AlertCreateRequest,
    AlertRule,
    ErrorCode,
    FiredAlert,
    RequestError,
)

log = logging.getLogger(__name__)

DEFAULT_MAX_RULES_PER_USER = 50

Wire = dict[str, Any]
Publish = Callable[[str, Wire], None]
"""`publish(user, fired_alert)`: put a fired alert (a `protocol.FiredAlert` dict) on the
user's `alerts:<user>` channel. Called on the event loop; must not block."""
QuoteOf = Callable[[str], Mapping[str, Any] | None]
"""The latest quote of a symbol (a `protocol.Quote`-shaped mapping), None before its first."""


class AlertService:
    """Create, list, delete and acknowledge alerts; fire them from ticks, durably."""

    def __init__(
        self,
        store: AlertStore,
        known_symbols: Callable[[str], bool] | Container[str],
        quote_of: QuoteOf,
        publish: Publish,
        *,
        max_rules_per_user: int = DEFAULT_MAX_RULES_PER_USER,
    ) -> None:
        self._store = store
        self._known: Callable[[str], bool] = (
            known_symbols if callable(known_symbols) else known_symbols.__contains__
        )
        self._quote_of = quote_of
        self._publish = publish
        self._max_rules = max_rules_per_user
        self._engine = AlertEngine()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._running = False

    @property
    def engine(self) -> AlertEngine:
        return self._engine

    @property
    def in_flight(self) -> int:
        """Fired alerts being persisted (and then published) right now."""
        return len(self._in_flight)

    async def start(self) -> None:
        """Load every active rule into the engine; ticks are evaluated from now on."""
        for user, rule in await asyncio.to_thread(self._store.active_rules):
            self._engine.add(rule, user)
        self._running = True
        log.info("alerts: watching %d active rules", len(self._engine))

    async def stop(self) -> None:
        """Stop evaluating ticks, then wait for in-flight persistence and publishing."""
        self._running = False
        await self.drain()

    async def drain(self) -> None:
        """Wait until every fired alert seen so far is persisted and published (or failed)."""
        while self._in_flight:
            await asyncio.gather(*self._in_flight, return_exceptions=True)

    # -- requests ------------------------------------------------------------------------------

    async def create(self, user: str, request: AlertCreateRequest) -> Wire:
        """Create a rule; its wire form (`protocol.AlertRule`).

        Refusals: `unknown_symbol`; `bad_request` for `move_pct` on a symbol without a price
        yet (it is the reference); `limit_exceeded` past the per-user rule limit.
        """
        symbol = request.symbol.strip().upper()
        if not self._known(symbol):
            raise RequestError(ErrorCode.UNKNOWN_SYMBOL, f"unknown symbol {symbol[:15]!r}")
        quote = self._quote_of(symbol)
        reference = float(quote["last"]) if quote is not None else None
        if request.condition is AlertCondition.MOVE_PCT and not (reference and reference > 0):
            raise RequestError(
                ErrorCode.BAD_REQUEST, f"{symbol} has no price yet to measure a move from"
            )
        try:
            rule = await asyncio.to_thread(
                self._store.create_rule,
                user,
                symbol,
                request.condition,
                request.threshold,
                reference,
                request.note,
                max_active=self._max_rules,
            )
        except RuleLimitError:
            raise RequestError(
                ErrorCode.LIMIT_EXCEEDED, f"at most {self._max_rules} alert rules per user"
            ) from None
        self._engine.add(rule, user)
        return _wire(rule)

    async def delete(self, user: str, rule_id: str) -> None:
        """Delete one of the user's active rules; `not_found` if it is not one (any more)."""
        if not await asyncio.to_thread(self._store.delete_rule, user, rule_id):
            raise RequestError(ErrorCode.NOT_FOUND, f"no active alert rule {rule_id[:64]!r}")
        self._engine.remove(rule_id)

    async def ack(self, user: str, ids: list[str]) -> list[str]:
        """Acknowledge fired alerts; the ids newly acknowledged (others are ignored)."""
        return await asyncio.to_thread(self._store.ack, user, ids)

    async def pending(self, user: str) -> list[Wire]:
        """The user's unacknowledged fired alerts (`protocol.FiredAlert` dicts), oldest first."""
        return [_wire(alert) for alert in await asyncio.to_thread(self._store.pending, user)]

    # -- ticks ---------------------------------------------------------------------------------

    def on_quote(self, quote: Mapping[str, Any]) -> None:
        """Evaluate one quote; call on the event loop for every tick. Never blocks."""
        if not self._running:
            return
        fired = self._engine.evaluate(quote)
        if not fired:
            return
        price = float(quote["last"])
        ts = int(quote.get("ts") or now_ms())
        for user, rule in fired:
            task = asyncio.create_task(self._fire(user, rule, price, ts), name=f"alert:{rule.id}")
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)

    async def _fire(self, user: str, rule: AlertRule, price: float, ts: int) -> None:
        try:
            alert = await asyncio.to_thread(self._store.record_fired, user, rule, price, ts)
        except Exception:
            log.exception("alerts: could not persist firing of %s; will retry", rule.id)
            if rule.id not in self._engine:
                self._engine.add(rule, user)
            return
        if alert is None:  # deleted meanwhile
            return
        try:
            self._publish(user, _wire(alert))
        except Exception:
            log.exception("alerts: publishing %s failed; it stays pending", alert.id)

    # `list` last: inside the class body, the name shadows the builtin from here on.
    async def list(self, user: str) -> list[Wire]:
        """The user's active rules (`protocol.AlertRule` dicts), oldest first."""
        return [_wire(rule) for rule in await asyncio.to_thread(self._store.list_rules, user)]


def _wire(model: AlertRule | FiredAlert) -> Wire:
    return model.model_dump(mode="json")
