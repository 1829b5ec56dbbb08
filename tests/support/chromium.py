"""Chromium for the browser tests and benchmarks: where it is, and the flags it runs with here.

Playwright cannot download browsers on these machines: Debian's `chromium` package is used,
without the network features that would reach out (updates, sync, QUIC) and without a sandbox
(containers run as root).
"""

from __future__ import annotations

from playwright.sync_api import Browser, Playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def launch(playwright: Playwright, executable: str = CHROMIUM) -> Browser:
    """Headless Chromium, launched and driven by Playwright."""
    return playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
