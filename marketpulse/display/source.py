"""The source badge's words: where the prices on screen come from, and how that source is.

Pure Python (no Reflex): a feed `SourceStatus` (the `source` channel) becomes a `SourceView`,
the strings the header's badge shows —

* what the source is: "Simulated market", "Replay · 14 Mar 2013 · x60" (a multiplication
  sign, not an x), "Live · Coinbase";
* the market's session on the source's clock: "Market closed · pre-market in 2 h 10 min",
  "Pre-market · opens in 25 min", "Market open · closes in 3 h 5 min", "After hours",
  "Open 24/7" (market time: under a replay the countdown runs on the replayed clock);
* any delay: "Delayed 15 min";
* what is wrong while the source is not `ok`: the reason the source gave, in its own words
  ("Coinbase unreachable", "Coinbase went silent (nothing for 30 s)"), or, without one, its
  name and state ("Replay stopped"); and when it retries (`retry_at`; the browser counts
  "retrying in 8 s" down itself).

A replay's clock is shown ticking in the browser, from an anchor (`clock` read at `clock_at`
on the app's clock, running at `speed`); `reanchor` says when a new status has moved off the
anchor the browser is extrapolating, so a replay on track sends nothing to a page per second.
`announcement` is what a polite live region says when the source goes down or comes back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from realtime_server.protocol import MarketSessionState, SourceKind, SourceState, SourceStatus

UNKNOWN_LABEL = "Source unknown"
"""The badge when the feed could not be asked where its prices come from."""
NEW_YORK = "America/New_York"
"""The zone of every market with sessions (US equities, the NYSE calendar)."""
ZONE_LABELS = {NEW_YORK: "ET", "UTC": "UTC"}
TROUBLE_WORDS: dict[SourceState, str] = {
    SourceState.STARTING: "starting",
    SourceState.RETRYING: "unreachable",
    SourceState.DOWN: "stopped",
}
"""What a source that is not `ok` and gave no reason is, after its name: "Replay stopped"."""
TIMES = "\N{MULTIPLICATION SIGN}"
MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS


@dataclasses.dataclass(frozen=True, slots=True)
class SourceView:
    """The badge's words and the figures the browser ticks with."""

    kind: str
    """simulated, replay or live."""
    state: str
    """ok, starting, retrying or down."""
    label: str
    session: str
    """The market's session line ("" when the feed did not say)."""
    delay: str
    """E.g. "Delayed 15 min"; "" for a real-time source."""
    trouble: str
    """E.g. "Coinbase unreachable" while the source is not ok; "" when it is."""
    retry_at: int
    """When the source tries its upstream again (ms since the epoch); 0 when not retrying."""
    news: str
    """generated (headlines made up from the prices) or none (no news source)."""
    clock: int
    """The replayed moment (ms since the epoch) at `clock_at`; 0 unless a replay."""
    clock_at: int
    """When `clock` was read, on the app's clock (ms since the epoch)."""
    speed: float
    zone: str
    """The market's time zone (IANA name), for the clock and the date."""
    zone_label: str


def source_view(status: SourceStatus, received_at_ms: int) -> SourceView:
    """The badge's view of `status`, received at `received_at_ms` (the app's clock)."""
    zone = "UTC" if status.session is MarketSessionState.ALWAYS else NEW_YORK
    replay = status.kind is SourceKind.REPLAY
    return SourceView(
        kind=status.kind.value,
        state=status.state.value,
        label=badge_label(status, zone),
        session=session_line(status),
        delay=delay_words(status.delay_ms),
        trouble=trouble_words(status),
        retry_at=(status.retry_at or 0) if status.state is SourceState.RETRYING else 0,
        news=status.news,
        clock=status.clock if replay else 0,
        clock_at=received_at_ms if replay else 0,
        speed=status.speed,
        zone=zone,
        zone_label=ZONE_LABELS[zone],
    )


def badge_label(status: SourceStatus, zone: str = "UTC") -> str:
    """The source's name for a user ("Simulated market", "Live · Coinbase"); a replay's with
    its date and speed."""
    if status.kind is not SourceKind.REPLAY:
        return status.label
    day = dt.datetime.fromtimestamp(status.clock / 1000, ZoneInfo(zone))
    return f"{status.label} · {day.day} {day:%b %Y} · {speed_words(status.speed)}"


def trouble_words(status: SourceStatus) -> str:
    """What is wrong with a source that is not ok, for a user; "" when it is ok."""
    if status.state is SourceState.OK:
        return ""
    reason = " ".join(status.reason.split())
    return reason or f"{venue(status)} {TROUBLE_WORDS[status.state]}"


def venue(status: SourceStatus) -> str:
    """Who the trouble is with: the last part of the label ("Live · Coinbase": Coinbase)."""
    return status.label.rsplit(" · ", 1)[-1].strip() or status.name


def speed_words(speed: float) -> str:
    """x60, x1.5, x0.5 (with a multiplication sign)."""
    return f"{TIMES}{speed:g}"


def session_line(status: SourceStatus) -> str:
    """The market's session at the source's clock, with the time to its next change."""
    session, until = status.session, _until(status)
    if session is MarketSessionState.ALWAYS:
        return "Open 24/7"
    if session is MarketSessionState.AFTER:
        return "After hours"
    if session is MarketSessionState.REGULAR:
        return "Market open" + (f" · closes in {until}" if until else "")
    if session is MarketSessionState.PRE:
        return "Pre-market" + (f" · opens in {until}" if until else "")
    if until and status.next_session is MarketSessionState.PRE:
        return f"Market closed · pre-market in {until}"
    if until and status.next_session is MarketSessionState.REGULAR:
        return f"Market closed · opens in {until}"
    return "Market closed"


def delay_words(delay_ms: int) -> str:
    """How late the prices are ("Delayed 15 min", "Delayed 30 s"); "" for a real-time source."""
    if delay_ms <= 0:
        return ""
    if delay_ms < MINUTE_MS:
        return f"Delayed {-(-delay_ms // 1000)} s"
    return f"Delayed {duration_words(delay_ms)}"


def duration_words(ms: int) -> str:
    """A countdown's remaining time, rounded up to the minute: "25 min", "2 h 10 min",
    "2 d 8 h" (past two days the minutes do not matter)."""
    minutes = max(1, -(-ms // MINUTE_MS))
    if minutes < 60:
        return f"{minutes} min"
    if minutes >= 2 * 24 * 60:
        days, hours = divmod(minutes // 60, 24)
        return f"{days} d {hours} h" if hours else f"{days} d"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def reanchor(shown: SourceView | None, new: SourceView, tolerance_s: float = 1.0) -> bool:
    """Whether the browser's ticking clock must take `new`'s anchor: the kind or speed
    changed, or `new.clock` is more than `tolerance_s` of wall time off what the shown anchor
    extrapolates to (a replay that jumped, paused or drifted)."""
    if shown is None or shown.kind != new.kind or shown.speed != new.speed:
        return True
    expected = shown.clock + (new.clock_at - shown.clock_at) * shown.speed
    return abs(new.clock - expected) > tolerance_s * 1000 * max(new.speed, 1.0)


def announcement(shown: SourceView | None, new: SourceView) -> str:
    """What the badge's polite status region says: once when the source goes down, once when
    it is back; nothing for the first status of a page, nor while nothing changes."""
    if shown is None or (shown.state == SourceState.OK) == (new.state == SourceState.OK):
        return ""
    if new.state == SourceState.OK:
        return f"Market data source back: {new.label}."
    retrying = ", retrying" if new.state == SourceState.RETRYING else ""
    return f"Market data source down: {new.trouble}{retrying}."


def _until(status: SourceStatus) -> str:
    if status.next_session_change is None:
        return ""
    return duration_words(status.next_session_change - status.clock)
