"""The settings change what the dashboard looks like: light and dark themes (page and chart), and
the blue / orange scheme for up and down (table, breadth, chart candles), red / green otherwise.

Colours are read as the browser computed them (`getComputedStyle`, plotly's resolved layout).
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Callable

from playwright.sync_api import Page

from tests.browser.conftest import AppServer, wait_all_rows_filled
from tests.browser.helpers import choose_settings, wait_chart_drawn, wait_live

LOOK_JS = """() => {
    const colour = (selector, property) => {
        const el = document.querySelector(selector);
        return el ? getComputedStyle(el)[property] : null;
    };
    const plot = document.querySelector(".mp-live-chart__plot");
    return {
        panel: colour(".mp-panel", "backgroundColor"),
        text: colour(".mp-fresh-title", "color"),
        up: colour(".mp-breadth-adv", "backgroundColor"),
        down: colour(".mp-breadth-dec", "backgroundColor"),
        chartPaper: plot?._fullLayout?.paper_bgcolor ?? null,
        chartUp: plot?._fullData?.[0]?.increasing?.line?.color ?? null,
        chartDown: plot?._fullData?.[0]?.decreasing?.line?.color ?? null,
    };
}"""


def rgb(css: str) -> tuple[float, float, float]:
    """A computed colour (`rgb(…)`, `color(display-p3 …)` or `#rrggbb`) as 0-1 channels."""
    if css.startswith("#"):
        return tuple(int(css[i : i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]  # a tuple from a generator has no fixed length; this one has three
    parts = [float(part) for part in re.findall(r"[\d.]+", css.split("(", 1)[1])[:3]]
    scale = 1 if css.startswith("color(") else 255
    return parts[0] / scale, parts[1] / scale, parts[2] / scale


def lightness(css: str) -> float:
    return colorsys.rgb_to_hls(*rgb(css))[1]


def hue(css: str) -> str:
    """The colour family a user sees, from the hue angle: red, orange, green or blue."""
    angle = colorsys.rgb_to_hls(*rgb(css))[0] * 360
    for family, start, end in (("orange", 15, 50), ("green", 80, 180), ("blue", 180, 260)):
        if start <= angle < end:
            return family
    return "red" if angle < 15 or angle >= 330 else f"other ({angle:.0f}°)"


def dashboard_look(page: Page, app_server: AppServer) -> dict[str, str]:
    page.goto(app_server.url)
    wait_live(page)
    wait_all_rows_filled(page)
    wait_chart_drawn(page)
    page.wait_for_selector(".mp-breadth-adv")
    page.wait_for_function(f"() => Object.values(({LOOK_JS})()).every((v) => v !== null)")
    return page.evaluate(LOOK_JS)


def test_theme_switches_the_page_and_the_chart(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = new_page()
    dark = dashboard_look(page, app_server)  # the default
    assert lightness(dark["panel"]) < 0.2 < 0.8 < lightness(dark["text"])
    assert lightness(dark["chartPaper"]) < 0.2

    choose_settings(page, app_server.url, theme="light")
    light = dashboard_look(page, app_server)
    assert lightness(light["panel"]) > 0.9 > 0.3 > lightness(light["text"])
    assert light["chartPaper"] == "#ffffff"


def test_blue_orange_scheme_recolours_up_and_down(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = new_page()
    red_green = dashboard_look(page, app_server)
    assert (hue(red_green["up"]), hue(red_green["down"])) == ("green", "red")
    assert (hue(red_green["chartUp"]), hue(red_green["chartDown"])) == ("green", "red")

    choose_settings(page, app_server.url, scheme="blue-orange")
    blue_orange = dashboard_look(page, app_server)
    assert (hue(blue_orange["up"]), hue(blue_orange["down"])) == ("blue", "orange")
    assert (hue(blue_orange["chartUp"]), hue(blue_orange["chartDown"])) == ("blue", "orange")
    cells = page.eval_on_selector_all(
        ".mp-col-change.mp-trend-up, .mp-col-change.mp-trend-down",
        "(cells) => cells.map((c) => [c.matches('.mp-trend-up'), getComputedStyle(c).color])",
    )
    assert cells, "no row moved since the previous close"
    for is_up, colour in cells:
        assert hue(colour) == ("blue" if is_up else "orange"), (is_up, colour)
