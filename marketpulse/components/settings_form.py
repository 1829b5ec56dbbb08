"""`settings_form(...)`: the preferences as radio groups and a switch, applied on change.

A pure function of the current values and their change handlers (`Prefs`), so the page binds
it to `PreferencesState`. Each group has a visible legend; the choices come from
`marketpulse.display.preferences`. Test hooks: `data-setting="<field>"` on each group.
"""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.event import EventType

from marketpulse.display.preferences import COLOR_SCHEMES, REDUCED_MOTION, THEMES


@dataclasses.dataclass(frozen=True)
class Prefs:
    """The vars and handlers the form binds to."""

    color_scheme: rx.Var[str]
    reduced_motion: rx.Var[str]
    update_rate: rx.Var[str]
    announcements: rx.Var[bool]
    theme: rx.Var[str]
    on_color_scheme: EventType[str]
    on_reduced_motion: EventType[str]
    on_update_rate: EventType[str]
    on_announcements: EventType[bool]
    on_theme: EventType[str]


def _choices(
    legend: str,
    field: str,
    value: rx.Var[str],
    on_change: EventType[str],
    choices: dict[str, str],
    hint: str = "",
) -> rx.Component:
    legend_id = f"setting-{field}"
    return rx.flex(
        rx.text(legend, id=legend_id, weight="medium", size="3"),
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        rx.radio_group.root(
            rx.flex(
                *[
                    rx.text(
                        rx.flex(rx.radio_group.item(value=key), label, spacing="2", align="center"),
                        as_="label",
                        size="2",
                    )
                    for key, label in choices.items()
                ],
                direction="column",
                spacing="2",
            ),
            value=value,
            on_change=on_change,
            name=field,
            aria_labelledby=legend_id,
        ),
        direction="column",
        spacing="2",
        data_setting=field,
        class_name="mp-setting",
    )


def settings_form(prefs: Prefs, update_rates_ms: list[int]) -> rx.Component:
    """Every preference, each applied (and saved) as soon as it changes."""
    rates = {
        str(ms): f"Every {ms} ms" if ms < 1000 else f"Every {ms / 1000:g} s"
        for ms in update_rates_ms
    }
    return rx.flex(
        _choices("Theme", "theme", prefs.theme, prefs.on_theme, THEMES),
        _choices(
            "Price colours",
            "color_scheme",
            prefs.color_scheme,
            prefs.on_color_scheme,
            COLOR_SCHEMES,
            hint="Blue / orange stays distinct for red-green colour blindness.",
        ),
        _choices(
            "Reduced motion",
            "reduced_motion",
            prefs.reduced_motion,
            prefs.on_reduced_motion,
            REDUCED_MOTION,
            hint="Reduced motion shows a still tint instead of a flash when a price moves.",
        ),
        _choices(
            "Price updates",
            "update_rate_ms",
            prefs.update_rate,
            prefs.on_update_rate,
            rates,
            hint="How often prices may change on screen.",
        ),
        rx.flex(
            rx.switch(
                id="setting-announcements-switch",
                checked=prefs.announcements,
                on_change=prefs.on_announcements,
            ),
            rx.el.label(
                "Announce the biggest price move to screen readers (every 20 s)",
                html_for="setting-announcements-switch",
                class_name="mp-label",
            ),
            spacing="2",
            align="center",
            data_setting="announcements",
            class_name="mp-setting",
        ),
        direction="column",
        spacing="5",
    )
