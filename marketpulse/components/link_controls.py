"""`pause_button(...)` and `link_details(...)`: the user's controls over the live link.

The pause button is always visible beside the connection indicator (WCAG 2.2.2: moving content
can be paused); while paused it says so and shows "Resume". The details button carries a
small quality gauge (0-3 bars, with a text label) and opens a popover with the link's figures:
state, median and p95 round trip, the reconnect attempt and a ticking countdown to the next
retry, and a "Reconnect now" button.

Test hooks: `data-testid="pause-live"` (with `data-paused`), `"link-details"` (with
`data-quality`), `"reconnect-now"`, `"link-rtt"`, `"link-attempt"`.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex.vars.number import NumberVar
from reflex.vars.sequence import StringVar

from marketpulse.components.link_hooks import countdown


class LinkFigures:
    """The vars the details read (a plain holder, so pages pass one object)."""

    def __init__(
        self,
        *,
        status: StringVar,
        attempt: NumberVar[int],
        next_retry_at: NumberVar[int],
        rtt_ms: NumberVar[int],
        rtt_p95_ms: NumberVar[int],
        quality: NumberVar[int],
        quality_label: StringVar,
        reason: StringVar,
    ) -> None:
        self.status = status
        self.attempt = attempt
        self.next_retry_at = next_retry_at
        self.rtt_ms = rtt_ms
        self.rtt_p95_ms = rtt_p95_ms
        self.quality = quality
        self.quality_label = quality_label
        self.reason = reason


def pause_button(paused: rx.Var[bool], on_toggle: EventType[()]) -> rx.Component:
    """Pause / resume every live update on the page."""
    return rx.button(
        rx.cond(
            paused,
            rx.icon("play", size=14, aria_hidden="true"),
            rx.icon("pause", size=14, aria_hidden="true"),
        ),
        rx.el.span(rx.cond(paused, "Resume", "Pause"), class_name="mp-control-label"),
        on_click=on_toggle,
        variant=rx.cond(paused, "solid", "soft"),
        color_scheme=rx.cond(paused, "amber", "gray"),
        size="2",
        aria_pressed=paused,
        aria_label=rx.cond(paused, "Resume live updates", "Pause live updates"),
        data_testid="pause-live",
        data_paused=paused,
    )


def _gauge(quality: NumberVar[int]) -> rx.Component:
    return rx.el.span(
        *[
            rx.el.span(
                class_name=rx.cond(quality >= level, "mp-gauge-bar mp-gauge-on", "mp-gauge-bar"),
            )
            for level in (1, 2, 3)
        ],
        class_name="mp-gauge",
        aria_hidden="true",
    )


def _figure(term: str, value: rx.Component | rx.Var | str, test_id: str) -> rx.Component:
    return rx.el.div(
        rx.el.dt(term, class_name="mp-muted"),
        rx.el.dd(value, class_name="mp-num", data_testid=test_id),
        class_name="mp-figure",
    )


def _ms(value: NumberVar[int]) -> rx.Var[str] | rx.Component:
    return rx.cond(value > 0, value.to_string() + " ms", "—")


def link_details(figures: LinkFigures, on_reconnect: EventType[()]) -> rx.Component:
    """The quality gauge button and its popover of link figures and the reconnect control."""
    retrying = (figures.status == "reconnecting") | (figures.status == "polling")
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                _gauge(figures.quality),
                rx.el.span(figures.quality_label, class_name="mp-control-label"),
                variant="soft",
                color_scheme="gray",
                size="2",
                aria_label="Connection details: " + figures.quality_label,
                data_testid="link-details",
                data_quality=figures.quality,
            )
        ),
        rx.popover.content(
            rx.heading("Price feed link", as_="h2", size="2", weight="medium"),
            rx.el.dl(
                _figure("State", figures.status, "link-state"),
                _figure("Quality", figures.quality_label, "link-quality"),
                _figure("Round trip (median)", _ms(figures.rtt_ms), "link-rtt"),
                _figure("Round trip (p95)", _ms(figures.rtt_p95_ms), "link-rtt-p95"),
                rx.cond(
                    retrying,
                    _figure(
                        "Reconnect attempt",
                        rx.el.span(
                            figures.attempt.to_string(),
                            # No retry is scheduled while an attempt is under way.
                            rx.cond(
                                figures.next_retry_at > 0,
                                rx.fragment(" · ", countdown(figures.next_retry_at)),
                            ),
                        ),
                        "link-attempt",
                    ),
                ),
                rx.cond(figures.reason != "", _figure("Last event", figures.reason, "link-reason")),
                class_name="mp-figures",
            ),
            rx.button(
                rx.icon("refresh-cw", size=14, aria_hidden="true"),
                "Reconnect now",
                on_click=on_reconnect,
                size="2",
                variant="soft",
                data_testid="reconnect-now",
            ),
            class_name="mp-link-popover",
            align="end",
        ),
    )
