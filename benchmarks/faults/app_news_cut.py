"""Fault 10: headlines the app's news widget never shows after its feed link was cut.

    flock /tmp/marketpulse-browser.lock python -m benchmarks.faults.app_news_cut [--cuts 8,30]

The production app (`reflex run --env prod`) reaches the real feed server through a TCP proxy
(`tests/support/tcp_proxy.py`); one dashboard tab in headless Chromium records every headline
its news widget ever shows (a MutationObserver on `data-news-id`), and an observer client
straight on the feed server records what the server published. Per cut: the proxy refuses
everything for that many seconds while headlines flow, then lets the link through again; once
the tab's feed badge is live and five more headlines were published, the figure is the
headlines published from just before the cut to then that the widget never showed.

Each cut gets a feed server of its own (same port, so the app's feed URL holds) publishing
headlines at a rate that keeps the trial's headlines within the widget's 50 rows, and more
during the cut than the 20 a poll returns: what the widget has not shown is then lost, not
scrolled away.
"""

from __future__ import annotations

import argparse
import asyncio

from playwright.async_api import Browser, async_playwright

from benchmarks.common import run_main
from marketpulse.feed import FeedClient
from tests.support.app_server import AppFiles, AppServer, start_app
from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.support.feed_server import FeedServerProcess
from tests.support.ports import free_port
from tests.support.processes import cleanup_on_exit
from tests.support.recorder import Recorder
from tests.support.tcp_proxy import TcpProxy

LIVE = '[data-testid="connection-indicator"][data-state="live"]'
WATCH_JS = """() => {
    window.__news = new Set();
    const take = () => document.querySelectorAll('[data-news-id]')
        .forEach((row) => window.__news.add(row.dataset.newsId));
    take();
    new MutationObserver(take).observe(document.body, {subtree: true, childList: true});
}"""
SEEN_JS = "() => [...window.__news]"
WIDGET_ROWS = 40
"""Headlines published over a trial up to the link's return, at most: the widget shows 50."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.faults.app_news_cut", description=__doc__
    )
    p.add_argument("--cuts", default="8,30", help="seconds the link is cut, one trial each")
    return p.parse_args(argv)


async def trial(
    browser: Browser, app: AppServer, proxy: TcpProxy, files: AppFiles, cut_s: float
) -> tuple[int, int]:
    """(headlines never shown, headlines published) for one cut of `cut_s` seconds."""
    per_minute = 60 * WIDGET_ROWS / (cut_s + 6)
    server = FeedServerProcess(
        proxy.upstream_port,
        FEED_AMBIENT_NEWS_PER_MINUTE=f"{per_minute:.0f}",
        FEED_JWT_PUBLIC_KEY_FILE=str(files.public_key),
    )
    await asyncio.to_thread(server.start)
    observer = FeedClient()
    published = Recorder(observer)
    context = await browser.new_context()
    try:
        await observer.connect(server.url)
        await observer.subscribe(["news"])
        page = await context.new_page()
        await page.goto(app.url)
        await page.wait_for_selector(LIVE, timeout=30_000)
        await page.evaluate(WATCH_JS)
        await published.until(lambda: len(published.news()) >= 3, timeout=30)
        await page.wait_for_timeout(1_500)
        first = published.news()[-1][0] - 2
        proxy.cut()
        await asyncio.sleep(cut_s)
        proxy.restore()
        await page.wait_for_selector(LIVE, timeout=60_000)
        last = published.news()[-1][0] + 5
        await published.until(lambda: published.news()[-1][0] >= last, timeout=60)
        wanted = dict(published.news())[last]
        await page.wait_for_function("(id) => window.__news.has(id)", arg=wanted, timeout=30_000)
        seen = set(await page.evaluate(SEEN_JS))
    finally:
        await context.close()
        await published.close()
        await observer.close()
        await asyncio.to_thread(server.close)
    window = {news_id for seq, news_id in published.news() if first <= seq <= last}
    return len(window - seen), len(window)


async def run(cuts: list[float]) -> list[tuple[float, int, int]]:
    files = AppFiles.create()
    proxy = await TcpProxy(free_port()).start()
    app: AppServer | None = None
    try:
        app = await asyncio.to_thread(start_app, proxy.url, files)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            try:
                figures = []
                for cut_s in cuts:
                    lost, total = await trial(browser, app, proxy, files, cut_s)
                    print(f"cut {cut_s:.0f} s: {lost} of {total} headlines never shown")
                    figures.append((cut_s, lost, total))
                return figures
            finally:
                await browser.close()
    finally:
        if app is not None:
            await asyncio.to_thread(app.stop)
        await proxy.close()
        files.remove()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with cleanup_on_exit():
        figures = asyncio.run(run([float(cut) for cut in args.cuts.split(",")]))
    lost = "; ".join(f"{cut:.0f} s cut: {n} of {total}" for cut, n, total in figures)
    print(f"headlines the news widget never showed: {lost}")
    return 0


if __name__ == "__main__":
    run_main(main)
