"""`source_badge(source)`: the header's word on where the prices come from, on every page.

What the source is ("Simulated market", "Replay · 14 Mar 2013 · x60" with the replayed time
ticking beside it, "Live · Coinbase"), the market's session ("Market closed · pre-market in
2 h 10 min", "Open 24/7"), any delay, and, while the source is not ok, what is wrong and when
it retries ("Coinbase unreachable · retrying in 8 s", counted down in the browser). The words
come from `marketpulse.display.source`; the replayed clock is `source_badge.jsx` beside this
file (a shared asset).

The badge is not a live region (its clock ticks): a visually hidden polite status beside it
says, once, that the source went down or came back. Colour is never the only cue: the kind and
the trouble are words. Styles: `marketpulse.css` (`mp-source*`).

Test hooks: `data-testid="source-badge"` with `data-kind` and `data-state`; `"source-label"`,
`"source-clock"`, `"source-session"`, `"source-delay"`, `"source-trouble"` (its countdown
`"source-retry"`) and `"source-announcer"`.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType
from reflex.vars.number import NumberVar
from reflex.vars.sequence import StringVar
from reflex_base.components.component import field
from reflex_base.vars.base import Var

# Imported for its side effect too: the clock's module imports the shared one-second clock of
# freshness.jsx, which Reflex links into the build only when its wrapper is imported.
from marketpulse.components import freshness as _freshness  # noqa: F401
from marketpulse.components.link_hooks import countdown

_MODULE = rx.asset("source_badge.jsx", shared=True)

ICONS = {"simulated": "flask-conical", "replay": "history", "live": "radio"}
COLORS = {"simulated": "amber", "replay": "blue", "live": "green"}


class SourceClock(rx.Component):
    """`<SourceClock>`: a replay's market time, ticking in the browser."""

    library: str | None = _MODULE.importable_path
    tag: str | None = "SourceClock"

    at: Var[int] = field(doc="The replayed moment at `anchored_at`, ms since the epoch; 0 = none.")
    anchored_at: Var[int] = field(doc="When `at` was read (the app's clock, ms).")
    speed: Var[float] = field(doc="Market ms per wall ms.")
    running: Var[bool] = field(doc="Whether the replayed clock moves (the source is ok).")
    time_zone: Var[str] = field(doc="IANA time zone of the market.")
    zone_label: Var[str] = field(doc='Shown after the time ("ET").')


class SourceFigures:
    """The vars the badge reads (a plain holder, so pages pass one object)."""

    def __init__(
        self,
        *,
        kind: StringVar,
        state: StringVar,
        label: StringVar,
        session: StringVar,
        delay: StringVar,
        trouble: StringVar,
        retry_at: NumberVar[int],
        clock: NumberVar[int],
        clock_at: NumberVar[int],
        speed: NumberVar,
        zone: StringVar,
        zone_label: StringVar,
        announcement: StringVar,
    ) -> None:
        self.kind, self.state, self.label = kind, state, label
        self.session, self.delay = session, delay
        self.trouble, self.retry_at = trouble, retry_at
        self.clock, self.clock_at, self.speed = clock, clock_at, speed
        self.zone, self.zone_label = zone, zone_label
        self.announcement = announcement


def _kind(source: SourceFigures) -> rx.Component:
    ok = (source.state == "ok") | (source.state == "")
    return rx.badge(
        rx.match(
            source.kind,
            *[(kind, rx.icon(icon, size=14, aria_hidden="true")) for kind, icon in ICONS.items()],
            rx.fragment(),
        ),
        rx.el.span(source.label, data_testid="source-label"),
        rx.cond(
            source.kind == "replay",
            SourceClock.create(
                at=source.clock,
                anchored_at=source.clock_at,
                speed=source.speed,
                running=source.state == "ok",
                time_zone=source.zone,
                zone_label=source.zone_label,
                class_name="mp-num mp-source-clock",
                data_testid="source-clock",
            ),
        ),
        color_scheme=rx.cond(ok, rx.match(source.kind, *COLORS.items(), "gray"), "red"),
        variant="soft",
        # Step-12 text: the soft badges' step-11 text falls short of 4.5:1 in the light theme.
        high_contrast=True,
        size="2",
        radius="full",
        class_name="mp-source-kind",
    )


def _trouble(source: SourceFigures) -> rx.Component:
    return rx.el.span(
        source.trouble,
        rx.cond(
            source.retry_at > 0,
            rx.el.span(
                " · ",
                countdown(
                    source.retry_at,
                    lead="retrying in",
                    due="retrying now",
                    data_testid="source-retry",
                ),
            ),
        ),
        class_name="mp-source-trouble",
        data_testid="source-trouble",
    )


def _part(text: StringVar, test_id: str, class_name: str) -> rx.Component:
    return rx.cond(
        text != "", rx.el.span(text, class_name=class_name, data_testid=test_id), rx.fragment()
    )


def source_badge(source: SourceFigures, on_mount: EventType[()] | None = None) -> rx.Component:
    """The badge; `on_mount` runs when it first shows (pages without a feed ask for it)."""
    triggers: dict[str, EventType[()]] = {} if on_mount is None else {"on_mount": on_mount}
    return rx.el.div(
        rx.cond(source.label != "", _kind(source)),
        _part(source.session, "source-session", "mp-source-part"),
        _part(source.delay, "source-delay", "mp-source-part"),
        rx.cond(source.trouble != "", _trouble(source)),
        rx.el.span(
            source.announcement,
            class_name="mp-visually-hidden",
            role="status",
            data_testid="source-announcer",
        ),
        class_name="mp-source",
        role="group",
        aria_label="Market data source",
        data_testid="source-badge",
        data_kind=source.kind,
        data_state=source.state,
        **triggers,
    )
