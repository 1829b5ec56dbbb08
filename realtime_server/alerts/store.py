"""Durable alert state: rules and fired alerts in any SQLAlchemy database (SQLite by default).

`AlertStore` is synchronous (the service calls it through `asyncio.to_thread`) and safe to use
from several threads. Every state change is a single guarded statement or one transaction, so
concurrent callers cannot break these invariants:

- a user never holds more than `max_active` active rules (the new row is inserted, then counted,
  in one transaction: the insert holds SQLite's write lock until the commit);
- a rule fires at most once: `record_fired` flips the rule from active to fired and inserts its
  fired alert in one transaction, and `fired_alerts.rule_id` is unique besides;
- a rule is fired or deleted, never both (both are `UPDATE … WHERE status = 'active'`);
- an alert id is reported newly acknowledged by exactly one `ack` call.

SQLite connections use WAL (readers never block the writer) and a busy timeout. Tables are
created on start; there are no migrations yet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from sqlalchemy import ColumnElement, Engine, create_engine, event, func, update
from sqlalchemy import select as sa_select
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, SQLModel, col, select

from realtime_server.alerts.engine import describe
from realtime_server.alerts.records import (
    TABLES,
    AlertRuleRecord,
    FiredAlertRecord,
    RuleStatus,
    new_id,
)
from realtime_server.clock import now_ms
from realtime_server.protocol import AlertCondition, AlertRule, FiredAlert

DEFAULT_URL = "sqlite:///marketpulse-alerts.db"
BUSY_TIMEOUT_MS = 5_000


class RuleLimitError(Exception):
    """Creating the rule would take the user past `max_active` active rules."""


class AlertStore:
    """Rules and fired alerts, per user. Returns protocol models, never ORM rows."""

    def __init__(
        self,
        url: str = DEFAULT_URL,
        *,
        clock: Callable[[], int] = now_ms,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    ) -> None:
        self._clock = clock
        self._engine, self._lock = _connect(url, busy_timeout_ms)
        SQLModel.metadata.create_all(self._engine, tables=TABLES)

    def close(self) -> None:
        self._engine.dispose()

    # -- rules ---------------------------------------------------------------------------------

    def create_rule(
        self,
        user: str,
        symbol: str,
        condition: AlertCondition,
        threshold: float,
        reference_price: float | None = None,
        note: str = "",
        *,
        max_active: int | None = None,
    ) -> AlertRule:
        """Persist a new active rule. Raises `RuleLimitError` past `max_active` active rules."""
        record = AlertRuleRecord(
            id=new_id("r_"),
            user=user,
            symbol=symbol,
            condition=AlertCondition(condition).value,
            threshold=threshold,
            reference_price=reference_price,
            note=note,
            created_at=self._clock(),
        )
        with self._session() as session:
            session.add(record)
            session.flush()
            if max_active is not None:
                active = session.scalar(
                    sa_select(func.count()).select_from(AlertRuleRecord).where(_is_active(user))
                )
                if (active or 0) > max_active:
                    session.rollback()
                    raise RuleLimitError(f"at most {max_active} active alert rules per user")
            session.commit()
            return record.to_wire()

    def list_rules(self, user: str) -> list[AlertRule]:
        """The user's active rules, oldest first."""
        query = select(AlertRuleRecord).where(_is_active(user)).order_by(col(AlertRuleRecord.seq))
        with self._session() as session:
            return [record.to_wire() for record in session.exec(query)]

    def active_rules(self) -> list[tuple[str, AlertRule]]:
        """Every active rule with its user, oldest first: what the engine watches at start."""
        query = (
            select(AlertRuleRecord)
            .where(AlertRuleRecord.status == RuleStatus.ACTIVE.value)
            .order_by(col(AlertRuleRecord.seq))
        )
        with self._session() as session:
            return [(record.user, record.to_wire()) for record in session.exec(query)]

    def delete_rule(self, user: str, rule_id: str) -> bool:
        """Retire one of the user's active rules; False if it is not one (any more)."""
        statement = (
            update(AlertRuleRecord)
            .where(col(AlertRuleRecord.id) == rule_id, _is_active(user))
            .values(status=RuleStatus.DELETED.value)
        )
        with self._session() as session:
            deleted = session.exec(statement).rowcount == 1
            session.commit()
            return deleted

    # -- fired alerts --------------------------------------------------------------------------

    def record_fired(self, user: str, rule: AlertRule, price: float, ts: int) -> FiredAlert | None:
        """Mark `rule` fired and store its fired alert, atomically.

        Idempotent: when the rule already fired, returns the alert stored then (unchanged).
        Returns None when the rule is not the user's, or was deleted before it could fire.
        """
        mark = (
            update(AlertRuleRecord)
            .where(col(AlertRuleRecord.id) == rule.id, _is_active(user))
            .values(status=RuleStatus.FIRED.value, fired_at=self._clock())
        )
        with self._session() as session:
            if session.exec(mark).rowcount == 1:
                record = FiredAlertRecord(
                    id=new_id("f_"),
                    user=user,
                    rule_id=rule.id,
                    symbol=rule.symbol,
                    condition=rule.condition.value,
                    threshold=rule.threshold,
                    price=price,
                    ts=ts,
                    message=describe(rule, price),
                )
                session.add(record)
                session.commit()
                return record.to_wire()
            session.rollback()
            existing = session.exec(
                select(FiredAlertRecord).where(
                    FiredAlertRecord.rule_id == rule.id, FiredAlertRecord.user == user
                )
            ).first()
            return None if existing is None else existing.to_wire()

    def pending(self, user: str) -> list[FiredAlert]:
        """The user's unacknowledged fired alerts, oldest first (by trade time, then firing)."""
        query = (
            select(FiredAlertRecord)
            .where(FiredAlertRecord.user == user, col(FiredAlertRecord.acked).is_(False))
            .order_by(col(FiredAlertRecord.ts), col(FiredAlertRecord.seq))
        )
        with self._session() as session:
            return [record.to_wire() for record in session.exec(query)]

    def ack(self, user: str, ids: Iterable[str]) -> list[str]:
        """Acknowledge fired alerts; returns the ids this call acknowledged, in request order.

        Unknown ids, other users' ids and ids already acknowledged are ignored.
        """
        now = self._clock()
        acked: list[str] = []
        with self._session() as session:
            for alert_id in dict.fromkeys(ids):
                statement = (
                    update(FiredAlertRecord)
                    .where(
                        col(FiredAlertRecord.id) == alert_id,
                        col(FiredAlertRecord.user) == user,
                        col(FiredAlertRecord.acked).is_(False),
                    )
                    .values(acked=True, acked_at=now)
                )
                if session.exec(statement).rowcount == 1:
                    acked.append(alert_id)
            session.commit()
        return acked

    # -- plumbing ------------------------------------------------------------------------------

    @contextmanager
    def _session(self) -> Iterator[Session]:
        with self._lock or nullcontext(), Session(self._engine, expire_on_commit=False) as session:
            yield session


def _is_active(user: str) -> ColumnElement[bool]:
    return (col(AlertRuleRecord.user) == user) & (
        col(AlertRuleRecord.status) == RuleStatus.ACTIVE.value
    )


def _connect(url: str, busy_timeout_ms: int) -> tuple[Engine, threading.Lock | None]:
    """An engine for `url`; for SQLite, WAL and a busy timeout on every connection.

    An in-memory SQLite database lives in one connection, shared by every thread: a lock
    (returned alongside) then serialises sessions.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True), None
    in_memory = parsed.database in (None, "", ":memory:")
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000},
        **({"poolclass": StaticPool} if in_memory else {}),
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    return engine, threading.Lock() if in_memory else None
