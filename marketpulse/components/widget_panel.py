"""`widget_panel(...)`: a dashboard widget's frame — title, freshness, tools, fold button.

Every widget sits in a `freshness_section` (so it carries `data-freshness`, computed in the
browser) with `data-widget="<name>"`. Its tool row ends with a fold button (`aria-expanded`,
`aria-controls`); a folded widget renders nothing of its body, and the tab's feed task stops
sending it updates until it is unfolded.
"""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx
from reflex.event import EventType

from marketpulse.components.freshness import DELAYED_MS, STALE_MS, freshness_section


def _fold_button(
    widget: str, title: str, is_open: rx.Var[bool], on_toggle: EventType[()]
) -> rx.Component:
    return rx.icon_button(
        rx.cond(
            is_open,
            rx.icon("chevron-up", size=16, aria_hidden="true"),
            rx.icon("chevron-down", size=16, aria_hidden="true"),
        ),
        on_click=on_toggle,
        variant="ghost",
        color_scheme="gray",
        size="1",
        aria_expanded=is_open,
        aria_controls=f"mp-{widget}-body",
        aria_label=rx.cond(is_open, f"Fold {title}", f"Unfold {title}"),
        data_testid=f"fold-{widget}",
    )


def widget_panel(
    *body: rx.Component,
    widget: str,
    title: str,
    label: rx.Var[str] | str | None = None,
    updated_at: rx.Var[int],
    link: rx.Var[str],
    is_open: rx.Var[bool] | bool = True,
    on_toggle: EventType[()] | None = None,
    tools: Sequence[rx.Component] = (),
    delayed_ms: int = DELAYED_MS,
    stale_ms: int = STALE_MS,
) -> rx.Component:
    """The frame around `body`; `label` (default `title`) is the visible heading."""
    row = [*tools]
    if on_toggle is not None:
        shown = is_open if isinstance(is_open, rx.Var) else rx.Var.create(is_open)
        row.append(_fold_button(widget, title, shown, on_toggle))
    tool_row = rx.flex(
        *row, align="center", justify="end", wrap="wrap", spacing="2", class_name="mp-panel-tools"
    )
    return freshness_section(
        tool_row if row else rx.fragment(),
        rx.cond(is_open, rx.box(*body, id=f"mp-{widget}-body", class_name="mp-panel-body")),
        updated_at=updated_at,
        delayed_ms=delayed_ms,
        stale_ms=stale_ms,
        link=link,
        label=label if label is not None else title,
        class_name=f"mp-panel mp-panel-{widget}",
        data_widget=widget,
        id=f"mp-{widget}",
    )
