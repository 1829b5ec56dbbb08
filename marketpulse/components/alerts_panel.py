"""`alerts_panel(...)`: the user's active price alert rules and the history of fired alerts.

The page puts it in a titled section; this is what goes inside (its lists have h3 headings).

Each rule has a delete button; a guest is asked to log in instead. Creating a rule is the
dialog's job (`alert_dialog`). Test hooks: `data-testid="alerts-panel"`, `"alert-rules"`,
`"fired-alerts"`, `"alert-delete"`, `"alerts-guest"`; each rule has `data-alert-rule`, each fired
alert `data-fired-alert`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import reflex as rx
from reflex.event import EventCallback
from reflex.vars.object import ObjectVar
from reflex.vars.sequence import ArrayVar

from marketpulse.components.scripts import client_script
from marketpulse.components.time_format import local_time

Handler = EventCallback[str]

RULES_HEADING_ID = "mp-alert-rules-heading"
FIRED_HEADING_ID = "mp-fired-alerts-heading"


def _delete_button(rule: ObjectVar, on_delete: Handler) -> rx.Component:
    # Focus moves to a neighbour's button (or the list's heading) before the row goes away, so
    # a keyboard user keeps their place; the script runs first, while the row still exists.
    move_focus = client_script(
        f"(() => {{ const li = document.querySelector("
        f'`[data-alert-rule="${{CSS.escape({rule.id!s})}}"]`); '
        "const next = li?.nextElementSibling ?? li?.previousElementSibling; "
        f"(next?.querySelector('button') ?? document.getElementById('{RULES_HEADING_ID}'))"
        "?.focus(); })()",
        rule.id,  # type: ignore[arg-type]  # mypy: ObjectVar's overloaded __getattr__ (python/mypy#15692)
    )
    return rx.icon_button(
        rx.icon("trash-2", size=14, aria_hidden="true"),
        on_click=[move_focus, on_delete(rule.id)],  # type: ignore[call-overload]  # mypy: ObjectVar's overloaded __getattr__ (python/mypy#15692)
        variant="soft",
        color_scheme="gray",
        size="1",
        aria_label="Delete alert " + rule.description,  # type: ignore[operator]  # mypy: ObjectVar's overloaded __getattr__ (python/mypy#15692)
        data_testid="alert-delete",
    )


def _rule_item(rule: ObjectVar, on_delete: Handler) -> rx.Component:
    return rx.el.li(
        rx.el.div(
            rx.text(rule.description, weight="medium", size="2", class_name="mp-num"),
            rx.cond(rule.note != "", rx.text(rule.note, size="1", class_name="mp-muted")),
            rx.text("Set at ", local_time(rule.created_at), size="1", class_name="mp-muted"),  # type: ignore[arg-type]  # mypy: ObjectVar's overloaded __getattr__ (python/mypy#15692)
            class_name="mp-alert-text",
        ),
        _delete_button(rule, on_delete),
        key=rule.id,
        class_name="mp-alert-item",
        data_alert_rule=rule.id,
    )


def _fired_item(alert: ObjectVar) -> rx.Component:
    return rx.el.li(
        rx.icon("bell-ring", size=14, aria_hidden="true", class_name="mp-alert-fired-icon"),
        rx.el.time(local_time(alert.ts), class_name="mp-num mp-muted mp-alert-time"),  # type: ignore[arg-type]  # mypy: ObjectVar's overloaded __getattr__ (python/mypy#15692)
        rx.text(alert.message, size="2", class_name="mp-alert-text"),
        key=alert.id,
        class_name="mp-alert-item mp-alert-fired",
        data_fired_alert=alert.id,
    )


def _subsection(
    title: str,
    heading_id: str,
    items: ArrayVar[Sequence[Any]],
    render: Callable,
    empty: str,
    test_id: str,
) -> rx.Component:
    return rx.el.div(
        rx.heading(title, as_="h3", size="2", weight="medium", id=heading_id, tab_index=-1),
        rx.cond(
            items.length() > 0,
            rx.el.ul(
                rx.foreach(items, render),
                class_name="mp-alert-list",
                aria_labelledby=heading_id,
                data_testid=test_id,
            ),
            rx.text(empty, size="2", class_name="mp-muted mp-alert-empty"),
        ),
        class_name="mp-alert-section",
    )


def _guest() -> rx.Component:
    return rx.text(
        rx.link("Log in", href="/login", underline="always"),
        " to set price alerts.",
        size="2",
        data_testid="alerts-guest",
    )


def alerts_panel(
    rules: ArrayVar[Sequence[Any]],
    fired: ArrayVar[Sequence[Any]],
    is_guest: rx.Var[bool],
    on_delete: Handler,
) -> rx.Component:
    """Active `rules` (`AlertRuleRow`s; a delete button sends the rule's id to `on_delete`) and
    the `fired` history (`FiredAlertRow`s, newest first); a guest is asked to log in."""
    return rx.el.div(
        rx.cond(
            is_guest,
            _guest(),
            rx.fragment(
                _subsection(
                    "Active",
                    RULES_HEADING_ID,
                    rules,
                    lambda rule: _rule_item(rule, on_delete),
                    "No active alerts. Use the bell beside a symbol to create one.",
                    "alert-rules",
                ),
                _subsection(
                    "Fired",
                    FIRED_HEADING_ID,
                    fired,
                    _fired_item,
                    "No alert has fired yet.",
                    "fired-alerts",
                ),
            ),
        ),
        class_name="mp-alerts",
        data_testid="alerts-panel",
    )
