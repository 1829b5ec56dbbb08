"""The live chart: it gains bars as trades come in, holds still while paused (the feed keeps
flowing), catches up on resume and on "Go live", and redraws with the right channel's bars when
the symbol (from the watchlist or the movers) or the interval changes.

What the chart drew is read from its DOM hooks (`data-points`, `data-last-t`, `data-paused`,
`data-following`, `data-revision`), its accessible name ("AAPL 1s price chart, last 217.71") and
the bars plotly holds (their spacing tells the interval apart).
"""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page

from tests.browser.conftest import CHART
from tests.browser.helpers import chart_hooks, last_cell, wait_chart, wait_chart_drawn

INTERVAL = '[data-testid="chart-interval"]'
PAUSE = '[data-testid="chart-pause"]'
GO_LIVE = '[data-testid="chart-go-live"]'
SPACING_JS = """() => {
    const x = document.querySelector(".mp-live-chart__plot")?.data?.[0]?.x ?? [];
    let best = Infinity;
    for (let i = 1; i < x.length; i++) best = Math.min(best, x[i] - x[i - 1]);
    return best;
}"""
INTERVAL_MS = {"1s": 1_000, "1m": 60_000, "5m": 300_000}


def choose_interval(page: Page, interval: str) -> None:
    """Pick `interval` and wait until the chart is redrawn from that channel's bars."""
    revision = int(chart_hooks(page)["revision"])
    page.locator(INTERVAL).get_by_role("radio", name=interval).click()
    wait_chart(page, f"Number(d.revision) > {revision} && Number(d.points) > 2")
    page.wait_for_function(f"() => ({SPACING_JS})() === {INTERVAL_MS[interval]}")


def last_t(page: Page) -> int:
    return int(chart_hooks(page)["lastT"])


def chart_close(page: Page) -> float:
    """The last drawn close, from the chart's accessible name."""
    label = page.get_attribute(CHART, "aria-label") or ""
    match = re.search(r"last ([\d,.]+)$", label)
    assert match, label
    return float(match.group(1).replace(",", ""))


def number_in(text: str) -> float:
    match = re.search(r"[\d,]+\.\d+", text)
    assert match, text
    return float(match.group(0).replace(",", ""))


def wait_quote_after(page: Page, symbol: str, ts_ms: int) -> None:
    """`symbol`'s watchlist cell shows a trade stamped after `ts_ms`: the feed is flowing."""
    page.wait_for_function(
        f"""() => Number(document.querySelector({json.dumps(last_cell(symbol))})
            ?.dataset.ts) > {ts_ms}""",
        timeout=15_000,
    )


def wait_symbol_charted(page: Page, symbol: str, revision: int) -> None:
    wait_chart(page, f"Number(d.revision) > {revision} && Number(d.points) > 0")
    page.wait_for_function(
        f"""() => document.querySelector({json.dumps(CHART)})
            .getAttribute("aria-label").startsWith({json.dumps(symbol + " ")})
            && /last [\\d,.]+$/.test(document.querySelector({json.dumps(CHART)})
            .getAttribute("aria-label"))"""
    )


def drag_zoom(page: Page) -> None:
    """Drag across the middle of the plot (plotly zooms to that range), then leave the chart."""
    box = page.locator(CHART).bounding_box()
    assert box is not None
    y = box["y"] + box["height"] * 0.4
    page.mouse.move(box["x"] + box["width"] * 0.3, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=8)
    page.mouse.up()
    page.mouse.move(0, 0)


def test_chart_gains_bars_holds_while_paused_and_catches_up(live_page: Page) -> None:
    page = live_page
    wait_chart_drawn(page)
    choose_interval(page, "1s")
    first = last_t(page)
    wait_chart(page, f"Number(d.lastT) > {first}")  # a new one-second bar, drawn live
    assert int(chart_hooks(page)["points"]) > 2

    page.click(PAUSE)
    wait_chart(page, "d.paused === 'true'")
    assert page.inner_text(PAUSE) == "Resume"
    held = last_t(page)
    wait_quote_after(page, "AAPL", held + 2_500)  # two newer bars exist by now
    assert last_t(page) == held, "the chart drew while paused"

    page.click(PAUSE)
    wait_chart(page, f"d.paused === 'false' && Number(d.lastT) >= {held + 2_000}", 5_000)

    # Zoomed away from the live edge, the chart stops following it; "Go live" returns there,
    # and un-pauses a paused chart at the same time.
    drag_zoom(page)
    wait_chart(page, "d.following === 'false' && d.paused === 'false'")
    page.click(PAUSE)
    wait_chart(page, "d.paused === 'true'")
    held = last_t(page)
    wait_quote_after(page, "AAPL", held + 1_500)
    page.click(GO_LIVE)
    wait_chart(page, f"d.following === 'true' && d.paused === 'false' && Number(d.lastT) > {held}")
    assert page.inner_text(PAUSE) == "Pause"


def test_switching_symbol_and_interval_redraws_from_the_new_channel(live_page: Page) -> None:
    page = live_page
    wait_chart_drawn(page)
    assert chart_hooks(page)["lastT"]

    revision = int(chart_hooks(page)["revision"])
    page.click('[data-symbol="MSFT"] .mp-symbol-button')
    wait_symbol_charted(page, "MSFT", revision)
    assert page.get_attribute('[data-symbol="MSFT"]', "data-selected") == "true"
    assert page.get_attribute('[data-symbol="AAPL"]', "data-selected") == "false"
    assert "MSFT · Microsoft" in page.inner_text('[data-widget="chart"] h2')
    assert abs(chart_close(page) / number_in(page.inner_text(last_cell("MSFT"))) - 1) < 0.02

    # The lists re-rank twice a second: read a mover's symbol and price together, then click
    # the row by its symbol.
    symbol, price_text = page.eval_on_selector(
        '[data-mover]:not([data-mover="MSFT"])',
        "(row) => [row.dataset.mover, row.querySelector('.mp-mover-last').innerText]",
    )
    price = number_in(price_text)
    revision = int(chart_hooks(page)["revision"])
    page.locator(f'[data-mover="{symbol}"]').first.click()
    wait_symbol_charted(page, symbol, revision)
    assert page.get_attribute(f'[data-mover="{symbol}"]', "aria-current") == "true"
    assert abs(chart_close(page) / price - 1) < 0.02

    choose_interval(page, "5m")
    assert chart_hooks(page)["lastT"]
    choose_interval(page, "1s")
    assert page.get_attribute(CHART, "aria-label").startswith(f"{symbol} 1s price chart")
