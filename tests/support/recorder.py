"""`Recorder`: reads a feed client's inbox in the background, so a test can wait on what the
client handed over (link states, updates) with a timeout."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

from marketpulse.feed import Batch, FeedClient, FeedEvent, LinkState, LinkStateChanged
from realtime_server.protocol import NewsItem, Quote


def states(events: list[FeedEvent]) -> list[LinkState]:
    """The link states among `events`, in order."""
    return [e.state for e in events if isinstance(e, LinkStateChanged)]


class Recorder:
    """Every event a client hands over, in order, and waits on conditions over them."""

    def __init__(self, client: FeedClient) -> None:
        self.client = client
        self.events: list[FeedEvent] = []
        self._changed = asyncio.Event()
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            self.events.extend(await self.client.next_events())
            self._changed.set()

    async def until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `condition` holds, re-checking whenever events arrive."""
        async with asyncio.timeout(timeout):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    def mark(self) -> int:
        return len(self.events)

    def since(self, mark: int) -> list[FeedEvent]:
        return self.events[mark:]

    def states(self, mark: int = 0) -> list[LinkState]:
        return states(self.events[mark:])

    def reached(self, state: LinkState, mark: int = 0) -> Callable[[], bool]:
        """Whether the recorded events (from `mark` on) include a change to `state`; once
        they do, everything the client queued before that change has been recorded too."""
        return lambda: state in self.states(mark)

    def updates(self, channel: str, mark: int = 0) -> list[tuple[int, object]]:
        """(seq, data) of every update of `channel` handed over from `mark` on, in order."""
        return [
            (u.seq, u.data)
            for e in self.events[mark:]
            if isinstance(e, Batch)
            for u in e.updates
            if u.channel == channel
        ]

    def news(self) -> list[tuple[int, str]]:
        """(seq, id) of every `news` update handed over, in order."""
        return [(seq, data.id) for seq, data in self.updates("news") if isinstance(data, NewsItem)]

    def quotes(self, mark: int = 0) -> list[tuple[int, int]]:
        """(seq, source ts) of every AAPL quote update from `mark` on."""
        return [(s, d.ts) for s, d in self.updates("price:AAPL", mark) if isinstance(d, Quote)]

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
