"""Chart data shaping (`marketpulse.display.chart`) and the live chart's palette contrast."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marketpulse.display.chart import (
    CHART_MODES,
    DEFAULT_INTERVAL,
    DEFAULT_MAX_POINTS,
    INTERVALS,
    ChartPoint,
    changed_points,
    merge_points,
    point_of,
    tail_points,
)
from realtime_server.protocol import BAR_INTERVALS, Bar

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z, a multiple of every interval
MINUTE = 60_000
PALETTE_JS = Path(__file__).resolve().parents[2] / "marketpulse" / "components" / "chart_palette.js"


def bar(i: int, close: float = 100.0, volume: int = 10, closed: bool = False) -> Bar:
    return Bar(
        symbol="ACME",
        interval="1m",
        start=T0 + i * MINUTE,
        open=100.0,
        high=max(100.0, close),
        low=min(100.0, close),
        close=close,
        volume=volume,
        trades=3,
        closed=closed,
    )


def starts(window: list[ChartPoint]) -> list[int]:
    return [(p["t"] - T0) // MINUTE for p in window]


def window_of(*indices: int) -> list[ChartPoint]:
    return merge_points([], [bar(i) for i in indices], 1000)


# -- constants --------------------------------------------------------------------------------


def test_intervals_are_the_feeds_bar_intervals() -> None:
    assert set(INTERVALS) <= set(BAR_INTERVALS)
    assert DEFAULT_INTERVAL in INTERVALS
    assert CHART_MODES == ("candles", "line")
    assert DEFAULT_MAX_POINTS == 300


# -- point_of ---------------------------------------------------------------------------------


def test_point_of_keeps_what_is_drawn() -> None:
    b = Bar(
        symbol="ACME",
        interval="1s",
        start=T0,
        open=1.5,
        high=2.25,
        low=1.25,
        close=2.0,
        volume=700,
        trades=9,
        closed=True,
    )
    assert point_of(b) == {"t": T0, "o": 1.5, "h": 2.25, "l": 1.25, "c": 2.0, "v": 700}


# -- merge_points -----------------------------------------------------------------------------


def test_merge_into_an_empty_window_sorts_by_start() -> None:
    assert starts(merge_points([], [bar(2), bar(0), bar(1)], 10)) == [0, 1, 2]


def test_a_bar_with_the_last_start_replaces_the_last_point() -> None:
    window = window_of(0, 1)
    merged = merge_points(window, [bar(1, close=105.0)], 10)
    assert starts(merged) == [0, 1]
    assert merged[-1]["c"] == 105.0
    assert merged[0] is window[0]  # untouched points are shared, not copied


def test_a_newer_bar_is_appended() -> None:
    assert starts(merge_points(window_of(0, 1), [bar(2)], 10)) == [0, 1, 2]


def test_the_given_window_is_not_modified() -> None:
    window = window_of(0, 1)
    before = [dict(p) for p in window]
    merged = merge_points(window, [bar(1, close=99.0), bar(2)], 10)
    assert merged is not window
    assert window == before


def test_an_older_bar_replaces_or_is_inserted_in_order() -> None:
    window = window_of(0, 2, 4)
    assert starts(merge_points(window, [bar(3)], 10)) == [0, 2, 3, 4]
    replaced = merge_points(window, [bar(2, close=90.0)], 10)
    assert starts(replaced) == [0, 2, 4]
    assert replaced[1]["c"] == 90.0


def test_the_window_keeps_the_newest_max_points() -> None:
    assert starts(merge_points(window_of(0, 1, 2), [bar(3), bar(4)], 3)) == [2, 3, 4]


def test_a_bar_older_than_a_full_window_is_dropped() -> None:
    window = window_of(5, 6, 7)
    assert merge_points(window, [bar(1)], 3) == window


def test_the_last_of_several_updates_to_one_bar_wins() -> None:
    merged = merge_points([], [bar(0, close=101.0), bar(0, close=102.0), bar(0, close=99.5)], 5)
    assert [p["c"] for p in merged] == [99.5]


def test_max_points_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_points"):
        merge_points([], [bar(0)], 0)


# -- changed_points and tail_points -----------------------------------------------------------


def test_changed_points_are_the_new_and_the_different_ones() -> None:
    before = window_of(0, 1, 2)
    after = merge_points(before, [bar(2, close=101.0), bar(3)], 10)
    assert starts(changed_points(before, after)) == [2, 3]
    assert changed_points(after, after) == []


def test_points_trimmed_off_the_front_are_not_changes() -> None:
    before = window_of(0, 1, 2)
    after = merge_points(before, [bar(3)], 3)
    assert starts(changed_points(before, after)) == [3]


def test_a_tail_is_the_changes_plus_the_carried_points_current_values() -> None:
    before = window_of(0, 1)
    first = merge_points(before, [bar(1, close=103.0, closed=True), bar(2)], 10)
    carry = [p["t"] for p in changed_points(before, first)]
    assert starts(tail_points(before, first)) == [1, 2]

    second = merge_points(first, [bar(2, close=104.0)], 10)
    tail = tail_points(first, second, carry)
    assert starts(tail) == [1, 2]  # bar 1 carried, so a lost first tail heals here
    assert [p["c"] for p in tail] == [103.0, 104.0]


def test_a_quiet_flush_sends_nothing() -> None:
    window = window_of(0, 1)
    assert tail_points(window, window) == []


def test_a_carried_point_trimmed_away_is_not_sent() -> None:
    before = window_of(0, 1)
    after = merge_points(before, [bar(2)], 2)
    assert starts(tail_points(before, after, carry=[T0])) == [2]


# -- the healing claim, against a model of the browser's tail application ---------------------


def apply_tail(drawn: list[ChartPoint], tail: list[ChartPoint], max_points: int) -> None:
    """What `chart_points.js` does with a tail: by t, replace or insert; trim the oldest."""
    for point in tail:
        ts = [p["t"] for p in drawn]
        if point["t"] in ts:
            drawn[ts.index(point["t"])] = point
        else:
            drawn.append(point)
            drawn.sort(key=lambda p: p["t"])
    del drawn[: max(0, len(drawn) - max_points)]


flushes = st.lists(
    st.lists(
        st.tuples(st.integers(0, 2), st.floats(90, 110, allow_nan=False)), min_size=1, max_size=4
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=300, deadline=None)
@given(flushes=flushes, lost=st.lists(st.booleans(), max_size=30))
def test_the_browser_converges_when_no_two_tails_in_a_row_are_lost(
    flushes: list[list[tuple[int, float]]], lost: list[bool]
) -> None:
    # Each flush updates the forming bar or opens the next (0: same, 1-2: later bars).
    max_points = 5
    window: list[ChartPoint] = []
    drawn: list[ChartPoint] = []
    carry: list[int] = []
    forming = 0
    previous_lost = False
    for n, flush in enumerate(flushes):
        bars = []
        for step, close in flush:
            forming += step
            bars.append(bar(forming, close=close))
        after = merge_points(window, bars, max_points)
        tail = tail_points(window, after, carry)
        carry = [p["t"] for p in changed_points(window, after)]
        window = after
        drop = n < len(lost) and lost[n] and not previous_lost and n < len(flushes) - 1
        if not drop:
            apply_tail(drawn, tail, max_points)
        previous_lost = drop
    assert drawn == window


# -- the chart's colours ----------------------------------------------------------------------


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _palettes() -> dict[str, dict]:
    text = PALETTE_JS.read_text(encoding="utf-8")
    block = re.search(r"/\* palette-json \*/(.*?)/\* end-palette-json \*/", text, re.DOTALL)
    assert block, "chart_palette.js lost its palette-json markers"
    return json.loads(block.group(1))


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("scheme", ["red-green", "blue-orange"])
def test_chart_colours_meet_wcag_aa_on_their_background(theme: str, scheme: str) -> None:
    palette = _palettes()[theme]
    background = palette["background"]
    colours = {
        "text": palette["text"],
        "muted": palette["muted"],
        "line": palette["line"],
        "up": palette[scheme]["up"],
        "down": palette[scheme]["down"],
    }
    for role, colour in colours.items():
        assert _contrast(colour, background) >= 4.5, f"{theme} {scheme} {role} {colour}"
