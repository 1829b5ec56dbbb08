"""Freshness of a widget's data: `freshness_badge`, `freshness_dot` and `freshness_section`.

Thin Reflex wrappers around `freshness.jsx` (beside this file, shipped as a shared asset). The
browser computes the level every second from its own clock, so "updated 12 s ago" ticks and a
widget turns delayed, then stale, when updates stop, with nothing sent by the server:

* age < `delayed_ms` → live, age < `stale_ms` → delayed, else stale (age from `updated_at`,
  the newest data's timestamp in ms since the epoch; 0 means no data yet, shown as stale);
* never live unless `link` is "live": "polling" is at most delayed; "source_down" (the feed's
  source is not ok, `marketpulse.state.source.data_link`) is stale at once; any other link
  state (connecting, reconnecting, offline, unauthorized) is delayed at once, stale past
  `delayed_ms`.

DOM hooks: every element carries `data-freshness` (live|delayed|stale) and `data-has-data`.
None of them is a live region; `freshness_section(announce=True)` adds a polite status that
speaks level changes only. Styles: `widgets.css` (`mp-fresh*`).
"""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx
from reflex_base.components.component import field
from reflex_base.vars.base import Var

DELAYED_MS = 5_000
"""Default age (ms) from which data counts as delayed."""
STALE_MS = 30_000
"""Default age (ms) from which data counts as stale."""

# The module is linked next to the compiled app's assets; components import it at build time
# through `importable_path` ($/public/...), not through the versioned URL.
_MODULE = rx.asset("freshness.jsx", shared=True)


class _Freshness(rx.Component):
    """Props shared by the badge, the dot and the section."""

    library: str | None = _MODULE.importable_path

    updated_at: Var[int] = field(doc="Newest data's timestamp, ms since the epoch; 0 = none.")
    delayed_ms: Var[int] = field(doc="Age (ms) from which the data counts as delayed.")
    stale_ms: Var[int] = field(doc="Age (ms) from which the data counts as stale.")
    link: Var[str] = field(doc="Feed link state: live|connecting|reconnecting|polling|...")
    clock_offset_ms: Var[int] = field(doc="Data clock minus browser clock, ms (default 0).")


class Freshness(_Freshness):
    """`<Freshness>`: a badge with text, or a dot with a visually hidden label."""

    tag: str | None = "Freshness"

    variant: Var[Literal["badge", "dot"]] = field(doc="badge (default) or dot.")


class FreshnessSection(_Freshness):
    """`<FreshnessSection>`: a section with a title and badge in its header, children below."""

    tag: str | None = "FreshnessSection"

    label: Var[str] = field(doc="The section's title (its accessible name).")
    heading_level: Var[int] = field(doc="1-6: the title's heading level (default 2).")
    announce: Var[bool] = field(doc="Speak level changes in a polite status region.")


def _props(
    updated_at: Var[int] | int,
    delayed_ms: Var[int] | int,
    stale_ms: Var[int] | int,
    link: Var[str] | str,
    clock_offset_ms: Var[int] | int,
) -> dict[str, Any]:
    return {
        "updated_at": updated_at,
        "delayed_ms": delayed_ms,
        "stale_ms": stale_ms,
        "link": link,
        "clock_offset_ms": clock_offset_ms,
    }


def freshness_badge(
    updated_at: Var[int] | int,
    delayed_ms: Var[int] | int = DELAYED_MS,
    stale_ms: Var[int] | int = STALE_MS,
    link: Var[str] | str = "live",
    clock_offset_ms: Var[int] | int = 0,
    **props: Any,
) -> rx.Component:
    """A small badge: "Live", "Delayed · updated 12 s ago", "Stale · …", "No data yet"."""
    return Freshness.create(
        **_props(updated_at, delayed_ms, stale_ms, link, clock_offset_ms), variant="badge", **props
    )


def freshness_dot(
    updated_at: Var[int] | int,
    delayed_ms: Var[int] | int = DELAYED_MS,
    stale_ms: Var[int] | int = STALE_MS,
    link: Var[str] | str = "live",
    clock_offset_ms: Var[int] | int = 0,
    **props: Any,
) -> rx.Component:
    """A row-sized mark (filled, half-filled or hollow circle) with a tooltip and hidden text."""
    return Freshness.create(
        **_props(updated_at, delayed_ms, stale_ms, link, clock_offset_ms), variant="dot", **props
    )


def freshness_section(
    *children: rx.Component,
    updated_at: Var[int] | int,
    delayed_ms: Var[int] | int = DELAYED_MS,
    stale_ms: Var[int] | int = STALE_MS,
    link: Var[str] | str = "live",
    label: Var[str] | str,
    heading_level: int = 2,
    announce: bool = False,
    clock_offset_ms: Var[int] | int = 0,
    **props: Any,
) -> rx.Component:
    """`<section data-freshness=…>` titled `label`, its badge in the header, then `children`.

    Extra `props` (`id`, `class_name`, `data_*`, `aria_*`, style) land on the section element.
    """
    return FreshnessSection.create(
        *children,
        **_props(updated_at, delayed_ms, stale_ms, link, clock_offset_ms),
        label=label,
        heading_level=heading_level,
        announce=announce,
        **props,
    )
