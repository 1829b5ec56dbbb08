"""Price alerts for display and from the form: rule and fired-alert rows, the alert form's parser.

Pure Python (no Reflex), unit-tested on its own. `describe_rule` is the one wording of a rule
("AAPL above 230.00", "AAPL moves 5% from 224.67") used by the list and the delete buttons'
labels. `parse_alert_form` turns the dialog's raw strings into an `AlertDraft` within the
protocol's limits (`alert_create`), or raises `AlertFormError` with a message for the user, so
the feed is asked only for what it can accept.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable, Mapping, Sequence

from marketpulse.display.newest_first import merge_newest
from marketpulse.display.quotes import format_price
from realtime_server.protocol import SYMBOL_PATTERN, AlertCondition, AlertRule, FiredAlert

MAX_NOTE = 200
"""The protocol's limit on a rule's note (`alert_create.note`)."""
MAX_PRICE_DECIMALS = 8
"""Most decimal places an alert's price is shown with (a satoshi)."""
MAX_THRESHOLD = 1e9
"""The protocol's exclusive upper bound on a threshold."""
MAX_MOVE_PCT = 100.0

_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")
"""`1,234.50`: commas as thousands separators (any other comma is refused, not guessed at)."""
_DECIMAL = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)")


class AlertFormError(ValueError):
    """The alert form's input cannot make a rule; `message` says why, for the user."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        """The form field at fault (`symbol`, `condition`, `threshold`, `note`), if one is."""


@dataclasses.dataclass(frozen=True)
class AlertDraft:
    """A valid `alert_create` request's fields."""

    symbol: str
    condition: AlertCondition
    threshold: float
    note: str = ""


@dataclasses.dataclass
class AlertRuleRow:
    """One active rule as the alerts panel shows it."""

    id: str
    symbol: str
    condition: str
    threshold: str
    """`230.00` for a price, `5%` for a move."""
    description: str
    created_at: int
    """ms since the epoch."""
    note: str = ""


@dataclasses.dataclass
class FiredAlertRow:
    """One fired alert in the panel's history."""

    id: str
    rule_id: str
    symbol: str
    message: str
    price: str
    """The trade price that fired the rule, formatted."""
    ts: int
    """ms since the epoch."""


def format_percent(value: float) -> str:
    """`5%`, `2.5%`, `0.25%`: no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".") + "%"


def format_alert_price(value: float) -> str:
    """A threshold or trade price with the places it has: cents at least (`230.00`), more
    for a coin's (`0.12345`), at most `MAX_PRICE_DECIMALS`."""
    fraction = f"{value:.{MAX_PRICE_DECIMALS}f}".rstrip("0").partition(".")[2]
    return format_price(value, max(2, len(fraction)))


def _threshold_text(condition: AlertCondition | str, threshold: float) -> str:
    if condition == AlertCondition.MOVE_PCT:
        return format_percent(threshold)
    return format_alert_price(threshold)


def describe_rule(
    symbol: str,
    condition: AlertCondition | str,
    threshold: float,
    reference_price: float | None = None,
) -> str:
    """`AAPL above 230.00`, `AAPL below 200.00`, `AAPL moves 5% from 224.67` (`AAPL moves 5%`
    without a reference price)."""
    if condition == AlertCondition.MOVE_PCT:
        text = f"{symbol} moves {format_percent(threshold)}"
        return f"{text} from {format_alert_price(reference_price)}" if reference_price else text
    if condition in (AlertCondition.ABOVE, AlertCondition.BELOW):
        return f"{symbol} {AlertCondition(condition).value} {format_alert_price(threshold)}"
    return f"{symbol} {condition} {threshold:g}"


def rule_row(rule: AlertRule) -> AlertRuleRow:
    return AlertRuleRow(
        id=rule.id,
        symbol=rule.symbol,
        condition=str(rule.condition),
        threshold=_threshold_text(rule.condition, rule.threshold),
        description=describe_rule(
            rule.symbol, rule.condition, rule.threshold, rule.reference_price
        ),
        created_at=rule.created_at,
        note=rule.note,
    )


def fired_row(alert: FiredAlert) -> FiredAlertRow:
    return FiredAlertRow(
        id=alert.id,
        rule_id=alert.rule_id,
        symbol=alert.symbol,
        message=alert.message,
        price=format_alert_price(alert.price),
        ts=alert.ts,
    )


def _copy_fired(row: FiredAlertRow) -> FiredAlertRow:
    # Field by field: `row` may be a state change-tracking proxy (see `marketpulse.display.quotes`).
    return FiredAlertRow(
        id=row.id,
        rule_id=row.rule_id,
        symbol=row.symbol,
        message=row.message,
        price=row.price,
        ts=row.ts,
    )


def merge_fired(
    rows: Sequence[FiredAlertRow], alerts: Iterable[FiredAlert], limit: int
) -> list[FiredAlertRow]:
    """A new list: `alerts` added to `rows` (already newest first), newest first by `ts`, each
    id once, at most `limit` (see `merge_newest`)."""
    return merge_newest(rows, alerts, fired_row, _copy_fired, limit)


def _parse_symbol(raw: str) -> str:
    symbol = raw.strip().upper()
    if not symbol:
        raise AlertFormError("Choose a symbol for the alert.", "symbol")
    if not SYMBOL_PATTERN.match(symbol):
        raise AlertFormError(f"“{raw.strip()}” is not a valid symbol.", "symbol")
    return symbol


def _parse_condition(raw: str) -> AlertCondition:
    try:
        return AlertCondition(raw.strip().lower())
    except ValueError:
        raise AlertFormError(
            "Choose when the alert fires: above a price, below a price, or a move by a percentage.",
            "condition",
        ) from None


def _parse_number(raw: str) -> float:
    text = raw.strip().removeprefix("$").removesuffix("%").strip()
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    # float() also reads "nan", "inf" and "1e3": only plain decimals are meant here.
    if not math.isfinite(value) or not _DECIMAL.fullmatch(text):
        raise AlertFormError("Enter the threshold as a number, for example 230.50.", "threshold")
    return value


def _parse_threshold(raw: str, condition: AlertCondition) -> float:
    if not raw.strip():
        raise AlertFormError("Enter a threshold.", "threshold")
    value = _parse_number(raw)
    if condition == AlertCondition.MOVE_PCT:
        if not 0 < value <= MAX_MOVE_PCT:
            raise AlertFormError(
                "Enter a move of more than 0% and at most 100%, for example 5.", "threshold"
            )
        return value
    if value <= 0:
        raise AlertFormError("The price must be greater than zero.", "threshold")
    if value >= MAX_THRESHOLD:
        raise AlertFormError("The price must be below 1,000,000,000.", "threshold")
    return value


def _parse_note(raw: str) -> str:
    note = raw.strip()
    if len(note) > MAX_NOTE:
        raise AlertFormError(
            f"The note can be at most {MAX_NOTE} characters (it has {len(note)}).", "note"
        )
    return note


def parse_alert_form(form: Mapping[str, str]) -> AlertDraft:
    """The draft rule of the dialog's fields `symbol`, `condition`, `threshold` and `note`.

    Raises `AlertFormError` for the first field at fault, in the form's order.
    """
    symbol = _parse_symbol(str(form.get("symbol", "")))
    condition = _parse_condition(str(form.get("condition", "")))
    threshold = _parse_threshold(str(form.get("threshold", "")), condition)
    note = _parse_note(str(form.get("note", "")))
    return AlertDraft(symbol=symbol, condition=condition, threshold=threshold, note=note)
