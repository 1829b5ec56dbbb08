"""Desktop and mobile screenshots of the live dashboard, for the README (docs/screenshots/)."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page

from tests.browser.conftest import (
    DESKTOP,
    MOBILE,
    SCREENSHOTS,
    AppServer,
    wait_all_rows_filled,
    wait_live,
)


def _capture(page: Page, app_server: AppServer, name: str) -> None:
    page.goto(app_server.url)
    wait_live(page)
    wait_all_rows_filled(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / name)
    assert (SCREENSHOTS / name).stat().st_size > 10_000


def test_desktop_screenshot(new_page: Callable[..., Page], app_server: AppServer) -> None:
    _capture(new_page(viewport=DESKTOP), app_server, "dashboard-desktop.png")


def test_mobile_screenshot_fits_the_width(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = new_page(viewport=MOBILE, is_mobile=True, has_touch=True)
    _capture(page, app_server, "dashboard-mobile.png")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px on a phone"
