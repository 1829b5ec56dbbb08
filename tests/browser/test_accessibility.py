"""axe-core finds nothing on any page: the dashboard, /login and /settings, in the dark and the
light theme, with either colour scheme, at desktop and phone widths, with the alert dialog open
and with toasts of every kind on screen.

axe-core comes from npm (tests/interop/package.json, installed by `script/setup.sh --test`) and
runs its default rule set (WCAG 2.x A and AA plus best practices) on the live page, prices and
all, as it is at that moment.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import DESKTOP, MOBILE, AppServer
from tests.browser.helpers import (
    TOAST,
    axe_violations,
    choose_settings,
    register,
    wait_dashboard_filled,
)

PAGES = ("", "login", "settings")


def assert_clean(page: Page, where: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{where}:\n" + "\n".join(violations)


def visit(page: Page, app_server: AppServer, path: str) -> None:
    page.goto(app_server.url + path)
    if path:
        page.wait_for_selector('[data-testid="app-link-indicator"][data-state="live"]')
    else:
        wait_dashboard_filled(page)


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_every_page_in_both_themes_at_both_widths(
    new_page: Callable[..., Page], app_server: AppServer, theme: str
) -> None:
    page = new_page()
    choose_settings(page, app_server.url, theme=theme)
    for viewport in (DESKTOP, MOBILE):
        page.set_viewport_size(viewport)
        for path in PAGES:
            visit(page, app_server, path)
            assert_clean(page, f"/{path} {theme} {viewport['width']}px")


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_the_dashboard_in_blue_orange(
    new_page: Callable[..., Page], app_server: AppServer, theme: str
) -> None:
    # The scheme recolours the up/down text, marks and tints of the dashboard only.
    page = new_page()
    choose_settings(page, app_server.url, theme=theme, scheme="blue-orange")
    visit(page, app_server, "")
    for viewport in (DESKTOP, MOBILE):
        page.set_viewport_size(viewport)
        assert_clean(page, f"/ {theme} blue-orange {viewport['width']}px")


def show_info_toast(page: Page) -> None:
    page.click('[data-symbol="AAPL"] [data-testid="alert-button"]')  # a guest: "Log in to …"
    page.wait_for_selector(f'{TOAST}[data-type="info"]')


def test_alert_dialog_and_toasts_in_both_themes(
    new_page: Callable[..., Page], app_server: AppServer
) -> None:
    page = new_page()
    visit(page, app_server, "")
    show_info_toast(page)
    assert_clean(page, "info toast, dark")
    choose_settings(page, app_server.url, theme="light")
    visit(page, app_server, "")
    show_info_toast(page)
    assert_clean(page, "info toast, light")

    register(page, app_server.url, f"axe-{secrets.token_hex(4)}")  # a new account: dark
    for theme in ("dark", "light"):
        if theme == "light":
            choose_settings(page, app_server.url, theme=theme)
            visit(page, app_server, "")
        page.click('[data-symbol="AAPL"] [data-testid="alert-button"]')
        page.wait_for_selector('[data-testid="alert-dialog"]')
        assert_clean(page, f"alert dialog, {theme}")

        # "Rises to 1.00 or above" fires at once: a success toast, then the alert's warning.
        page.fill("#mp-alert-threshold", "1")
        page.click('[data-testid="alert-create"]')
        page.wait_for_selector(f'{TOAST}[data-type="success"]')
        page.wait_for_selector(f'{TOAST}[data-type="warning"]')
        page.fill('[data-testid="add-symbol-input"]', "ZZZZ")
        page.click('[data-testid="add-symbol-button"]')
        page.wait_for_selector(f'{TOAST}[data-type="error"]')
        page.mouse.move(0, 0)  # nothing hovered: the toasts stay as they are
        assert_clean(page, f"toasts, {theme}")
