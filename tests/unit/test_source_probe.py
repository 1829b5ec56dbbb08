"""`SourceProbe` (`marketpulse.streaming.source_probe`): what a page without a feed is told of
the source — the newest status a tab saw, else one request to the feed, never a guess."""

from __future__ import annotations

import asyncio

from marketpulse.display.source import source_view
from marketpulse.feed import FeedConnectError
from marketpulse.streaming.source_probe import SourceProbe
from realtime_server.protocol import SourceStatus
from tests.support.market_data import source_status


class FakeFeeds:
    """Feed URLs that answer with a status, fail, or have none; counting every request."""

    def __init__(self, answers: dict[str, SourceStatus | Exception | None]) -> None:
        self.answers = answers
        self.asked: list[tuple[str, str | None]] = []
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self, url: str, token: str | None) -> SourceStatus | None:
        self.asked.append((url, token))
        await self.gate.wait()
        answer = self.answers[url]
        if isinstance(answer, Exception):
            raise answer
        return answer


class Clock:
    def __init__(self, now: int = 10_000) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


async def test_a_recent_view_from_a_tab_is_used_without_asking_the_feed() -> None:
    feeds, clock = FakeFeeds({}), Clock()
    probe = SourceProbe(max_age_ms=5_000, fetch=feeds)
    probe.remember(source_view(source_status(clock=1), 9_000), at_ms=9_000)
    view = await probe.latest(["http://feed"], None, clock)
    assert view is not None and view.label == "Simulated market"
    assert feeds.asked == []


async def test_an_old_view_is_asked_again_once_for_pages_opening_together() -> None:
    feeds, clock = FakeFeeds({"http://feed": source_status("retrying", clock=2)}), Clock()
    probe = SourceProbe(max_age_ms=5_000, fetch=feeds)
    probe.remember(source_view(source_status(clock=1), 0), at_ms=0)
    feeds.gate.clear()
    pages = [asyncio.create_task(probe.latest(["http://feed"], "tok", clock)) for _ in range(3)]
    await asyncio.sleep(0)
    feeds.gate.set()
    views = await asyncio.gather(*pages)
    assert [v.state if v else None for v in views] == ["retrying"] * 3
    assert feeds.asked == [("http://feed", "tok")]  # one request for the three pages


async def test_the_next_url_is_asked_when_one_fails_and_none_answer_is_none() -> None:
    feeds = FakeFeeds({"http://a": FeedConnectError("refused"), "http://b": source_status(clock=3)})
    probe = SourceProbe(fetch=feeds)
    view = await probe.latest(["http://a", "http://b"], None, Clock())
    assert view is not None and [url for url, _ in feeds.asked] == ["http://a", "http://b"]

    nothing = SourceProbe(fetch=FakeFeeds({"http://a": FeedConnectError("x"), "http://b": None}))
    assert await nothing.latest(["http://a", "http://b"], None, Clock()) is None


async def test_an_older_view_never_replaces_a_newer_one() -> None:
    probe = SourceProbe(fetch=FakeFeeds({}))
    probe.remember(source_view(source_status("retrying"), 0), at_ms=2_000)
    probe.remember(source_view(source_status("ok"), 0), at_ms=1_000)
    view = probe.recent(2_500)
    assert view is not None and view.state == "retrying"
    assert probe.recent(2_000 + probe.max_age_ms + 1) is None
