"""`marketpulse.display.alerts`: rule wording, display rows, the alert form's parser, history."""

from __future__ import annotations

import pytest

from marketpulse.display.alerts import (
    MAX_NOTE,
    AlertDraft,
    AlertFormError,
    AlertRuleRow,
    FiredAlertRow,
    describe_rule,
    fired_row,
    format_alert_price,
    merge_fired,
    parse_alert_form,
    rule_row,
)
from realtime_server.protocol import AlertCondition, AlertRule, FiredAlert


def fired(id: str, ts: int, price: float = 231.5) -> FiredAlert:
    return FiredAlert(
        id=id,
        rule_id=f"r-{id}",
        symbol="AAPL",
        condition=AlertCondition.ABOVE,
        threshold=230.0,
        price=price,
        ts=ts,
        message=f"AAPL rose to {price}",
    )


def form(**fields: str) -> dict[str, str]:
    return {"symbol": "AAPL", "condition": "above", "threshold": "230", "note": ""} | fields


@pytest.mark.parametrize(
    ("condition", "threshold", "reference", "text"),
    [
        (AlertCondition.ABOVE, 230.0, None, "AAPL above 230.00"),
        (AlertCondition.BELOW, 200.0, 224.67, "AAPL below 200.00"),
        (AlertCondition.MOVE_PCT, 5.0, 224.67, "AAPL moves 5% from 224.67"),
        (AlertCondition.MOVE_PCT, 2.5, None, "AAPL moves 2.5%"),
        ("above", 1234.5, None, "AAPL above 1,234.50"),
        ("move_pct", 0.25, 1000.0, "AAPL moves 0.25% from 1,000.00"),
    ],
)
def test_describe_rule(
    condition: AlertCondition | str, threshold: float, reference: float | None, text: str
) -> None:
    assert describe_rule("AAPL", condition, threshold, reference) == text


def test_rule_row_formats_the_threshold_for_its_condition() -> None:
    rule = AlertRule(
        id="r1",
        symbol="AAPL",
        condition=AlertCondition.MOVE_PCT,
        threshold=5.0,
        reference_price=224.67,
        created_at=1_700_000_000_000,
        note="earnings",
    )
    assert rule_row(rule) == AlertRuleRow(
        id="r1",
        symbol="AAPL",
        condition="move_pct",
        threshold="5%",
        description="AAPL moves 5% from 224.67",
        created_at=1_700_000_000_000,
        note="earnings",
    )
    above = rule.model_copy(update={"condition": AlertCondition.ABOVE, "threshold": 230.0})
    assert rule_row(above).threshold == "230.00"
    assert type(rule_row(above).condition) is str


@pytest.mark.parametrize(
    ("value", "text"),
    [(230.0, "230.00"), (230.5, "230.50"), (0.12345, "0.12345"), (64012.5, "64,012.50"),
     (1e-9, "0.00"), (0.000012345678, "0.00001235")],
)  # fmt: skip
def test_alert_prices_keep_their_places_cents_at_least(value: float, text: str) -> None:
    assert format_alert_price(value) == text


def test_fired_row_formats_the_price() -> None:
    assert fired_row(fired("f1", 5, price=1231.456)) == FiredAlertRow(
        id="f1",
        rule_id="r-f1",
        symbol="AAPL",
        message="AAPL rose to 1231.456",
        price="1,231.456",  # the places the trade had, as the message says
        ts=5,
    )


def test_merge_fired_is_newest_first_without_repeats() -> None:
    rows = merge_fired([], [fired("a", 10), fired("b", 30)], limit=10)
    rows = merge_fired(rows, [fired("a", 10), fired("c", 20), fired("d", 30)], limit=10)
    assert [row.id for row in rows] == ["d", "b", "c", "a"]
    assert [row.id for row in merge_fired(rows, [], limit=2)] == ["d", "b"]


@pytest.mark.parametrize(
    ("fields", "draft"),
    [
        ({}, AlertDraft("AAPL", AlertCondition.ABOVE, 230.0, "")),
        (
            {"symbol": " aapl ", "condition": "below", "threshold": " 1,234.5 ", "note": " hi "},
            AlertDraft("AAPL", AlertCondition.BELOW, 1234.5, "hi"),
        ),
        ({"threshold": "$230.50"}, AlertDraft("AAPL", AlertCondition.ABOVE, 230.5, "")),
        (
            {"condition": "move_pct", "threshold": "2.5%"},
            AlertDraft("AAPL", AlertCondition.MOVE_PCT, 2.5, ""),
        ),
        (
            {"condition": "move_pct", "threshold": "100"},
            AlertDraft("AAPL", AlertCondition.MOVE_PCT, 100.0, ""),
        ),
        ({"threshold": ".5"}, AlertDraft("AAPL", AlertCondition.ABOVE, 0.5, "")),
        ({"note": "x" * MAX_NOTE}, AlertDraft("AAPL", AlertCondition.ABOVE, 230.0, "x" * 200)),
    ],
)
def test_parse_alert_form_accepts(fields: dict[str, str], draft: AlertDraft) -> None:
    assert parse_alert_form(form(**fields)) == draft


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"symbol": ""}, "symbol", "Choose a symbol"),
        ({"symbol": "AA PL"}, "symbol", "not a valid symbol"),
        ({"condition": "sideways"}, "condition", "Choose when the alert fires"),
        ({"condition": ""}, "condition", "Choose when the alert fires"),
        ({"threshold": ""}, "threshold", "Enter a threshold"),
        ({"threshold": "abc"}, "threshold", "as a number"),
        ({"threshold": "1,5"}, "threshold", "as a number"),
        ({"threshold": "nan"}, "threshold", "as a number"),
        ({"threshold": "inf"}, "threshold", "as a number"),
        ({"threshold": "1e3"}, "threshold", "as a number"),
        ({"threshold": "0"}, "threshold", "greater than zero"),
        ({"threshold": "-5"}, "threshold", "greater than zero"),
        ({"threshold": "1000000000"}, "threshold", "below 1,000,000,000"),
        ({"condition": "move_pct", "threshold": "0"}, "threshold", "more than 0%"),
        ({"condition": "move_pct", "threshold": "100.5"}, "threshold", "at most 100%"),
        ({"note": "x" * (MAX_NOTE + 1)}, "note", "at most 200 characters (it has 201)"),
    ],
)
def test_parse_alert_form_refuses(fields: dict[str, str], field: str, message: str) -> None:
    with pytest.raises(AlertFormError) as caught:
        parse_alert_form(form(**fields))
    assert caught.value.field == field
    assert message in caught.value.message
    assert str(caught.value) == caught.value.message


def test_missing_fields_are_refused_in_form_order() -> None:
    with pytest.raises(AlertFormError) as caught:
        parse_alert_form({})
    assert caught.value.field == "symbol"
    with pytest.raises(AlertFormError) as caught:
        parse_alert_form({"symbol": "AAPL", "condition": "above"})
    assert caught.value.field == "threshold"
