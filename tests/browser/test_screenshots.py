"""Screenshots of the live dashboard: full pages at 1440, 768 and 375 px wide in the dark and the
light theme, each taken once the data is live (every watchlist row filled, the chart drawn,
movers and news in), and checked for sideways scrolling at each width.

`dashboard-<width>-<theme>.png`; `dashboard-desktop.png` (1440, dark) and
`dashboard-mobile.png` (375, dark) are the ones the README shows (with `dashboard-replay.png`
and `dashboard-live.png`, which `test_source_badge.py` takes while its feed runs them). One
page per theme is resized from wide to narrow: the layout is CSS media queries and the chart
follows its box.

The suite writes them to a temporary folder and never touches the committed pictures;
`./script/screenshots.sh` refreshes `docs/screenshots/` by pointing `SCREENSHOTS_DIR_ENV` there.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import AppServer
from tests.browser.helpers import choose_settings, wait_chart_drawn, wait_dashboard_filled

SCREENSHOTS_DIR_ENV = "MARKETPULSE_SCREENSHOTS_DIR"
"""Where to write the pictures instead of a temporary folder (`./script/screenshots.sh`)."""
VIEWPORTS = [
    {"width": 1440, "height": 900},
    {"width": 768, "height": 1024},
    {"width": 375, "height": 812},
]
README_COPIES = {(1440, "dark"): "dashboard-desktop.png", (375, "dark"): "dashboard-mobile.png"}
WATCHLIST_HIDDEN_JS = """() => {
    const viewport = document.querySelector(".mp-watchlist .mp-grid-scroll");
    return viewport.scrollWidth - viewport.clientWidth;
}"""
CHART_FITS_JS = """() => {
    const box = document.querySelector('[data-testid="live-chart"]');
    const svg = box?.querySelector(".main-svg");
    return Boolean(svg) && Math.abs(svg.getBoundingClientRect().width - box.clientWidth) < 2;
}"""


@pytest.fixture(scope="module")
def screenshot_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get(SCREENSHOTS_DIR_ENV)
    if not chosen:
        return tmp_path_factory.mktemp("screenshots")
    folder = Path(chosen)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_dashboard_screenshots(
    new_page: Callable[..., Page], app_server: AppServer, theme: str, screenshot_dir: Path
) -> None:
    page = new_page()
    if theme != "dark":  # dark is the default
        choose_settings(page, app_server.url, theme=theme)
    page.goto(app_server.url)
    wait_dashboard_filled(page)
    page.wait_for_selector('[data-testid="movers"] [data-mover]')
    page.wait_for_selector('[data-testid="news-feed"] [data-news-id]')
    for viewport in VIEWPORTS:
        width = viewport["width"]
        page.set_viewport_size(viewport)
        page.wait_for_function(CHART_FITS_JS)  # plotly redrew at the new width
        wait_chart_drawn(page)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
        hidden = page.evaluate(WATCHLIST_HIDDEN_JS)
        assert hidden <= 0, f"{hidden}px of the watchlist are scrolled out of view at {width}px"
        image = page.screenshot(full_page=True, animations="disabled")
        assert len(image) > 10_000
        names = [f"dashboard-{width}-{theme}.png"]
        if (width, theme) in README_COPIES:
            names.append(README_COPIES[width, theme])
        for name in names:
            (screenshot_dir / name).write_bytes(image)
