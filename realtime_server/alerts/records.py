"""The alert tables (SQLModel) and their conversion to the protocol's `AlertRule`/`FiredAlert`.

    alert_rules     one row per rule ever created; `status` active → fired | deleted, once
    fired_alerts    one row per fired rule (unique `rule_id`), pending until `acked`

Both tables have an integer `seq` primary key, which orders rows by insertion, and a unique
wire `id` (`r_` or `f_` and a uuid4 hex). Times are ms since the epoch.
"""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from realtime_server.protocol import AlertCondition, AlertRule, FiredAlert


class RuleStatus(StrEnum):
    ACTIVE = "active"
    FIRED = "fired"
    DELETED = "deleted"


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex}"


class AlertRuleRecord(SQLModel, table=True):
    __tablename__ = "alert_rules"
    __table_args__ = (Index("ix_alert_rules_user_status", "user", "status"),)

    seq: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True, max_length=64)
    user: str = Field(max_length=128)
    symbol: str = Field(max_length=15)
    condition: str = Field(max_length=16)
    threshold: float
    reference_price: float | None = None
    note: str = Field(default="", max_length=200)
    created_at: int
    status: str = Field(default=RuleStatus.ACTIVE.value, max_length=8, index=True)
    fired_at: int | None = None

    def to_wire(self) -> AlertRule:
        return AlertRule(
            id=self.id,
            symbol=self.symbol,
            condition=AlertCondition(self.condition),
            threshold=self.threshold,
            reference_price=self.reference_price,
            created_at=self.created_at,
            note=self.note,
        )


class FiredAlertRecord(SQLModel, table=True):
    __tablename__ = "fired_alerts"
    __table_args__ = (Index("ix_fired_alerts_user_acked", "user", "acked"),)

    seq: int | None = Field(default=None, primary_key=True)
    id: str = Field(unique=True, max_length=64)
    user: str = Field(max_length=128)
    rule_id: str = Field(unique=True, max_length=64)
    """Unique: a rule fires at most once, whatever happens."""
    symbol: str = Field(max_length=15)
    condition: str = Field(max_length=16)
    threshold: float
    price: float
    ts: int
    message: str
    acked: bool = False
    acked_at: int | None = None

    def to_wire(self) -> FiredAlert:
        return FiredAlert(
            id=self.id,
            rule_id=self.rule_id,
            symbol=self.symbol,
            condition=AlertCondition(self.condition),
            threshold=self.threshold,
            price=self.price,
            ts=self.ts,
            message=self.message,
        )


TABLES = [AlertRuleRecord.__table__, FiredAlertRecord.__table__]  # type: ignore[attr-defined]  # set by SQLAlchemy's declarative metaclass; SQLModel does not declare it
"""Only these are created: `SQLModel.metadata` is shared with any other table in the process."""
