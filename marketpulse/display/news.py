"""The news feed's display rows: feed headlines merged, filtered and announced.

Pure Python (no Reflex), so the rules are unit-tested on their own: the list is newest first
(by source time, ties by arrival), each headline appears once however often the feed repeats
it (a subscribe snapshot may overlap the next batch), and it is capped. `announcement` is the
short sentence the news widget's polite live region speaks for what just arrived.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence

from marketpulse.display.newest_first import merge_newest
from realtime_server.protocol import NewsItem

MAX_SPOKEN_HEADLINE = 140
"""A longer headline is cut (with an ellipsis) in the announcement: the list shows it whole."""

REPEAT_MARK = "\N{NO-BREAK SPACE}"
"""Appended when an announcement would repeat the previous one word for word: screen readers
speak a live region only when its text changes."""


@dataclasses.dataclass
class NewsRow:
    """One headline as the browser renders it."""

    id: str
    ts: int
    """Source timestamp, ms since the epoch (shown as the browser's local time)."""
    headline: str
    body: str
    symbols: list[str]
    sentiment: str
    """positive, negative or neutral."""
    source: str


def news_row(item: NewsItem) -> NewsRow:
    """The display row of a feed headline."""
    return NewsRow(
        id=item.id,
        ts=item.ts,
        headline=item.headline,
        body=item.body,
        symbols=list(item.symbols),
        sentiment=str(item.sentiment),
        source=item.source,
    )


def _copy(row: NewsRow) -> NewsRow:
    # Field by field, not `dataclasses.replace`: `row` may be one of the state's change-tracking
    # proxies, and the copy must hold plain values (including a plain list of symbols).
    return NewsRow(
        id=row.id,
        ts=row.ts,
        headline=row.headline,
        body=row.body,
        symbols=list(row.symbols),
        sentiment=row.sentiment,
        source=row.source,
    )


def merge_news(rows: Sequence[NewsRow], items: Iterable[NewsItem], limit: int) -> list[NewsRow]:
    """A new list: `items` added to `rows` (already newest first), newest first, at most `limit`;
    each id once (see `merge_newest`)."""
    return merge_newest(rows, items, news_row, _copy, limit)


def touching(rows: Iterable[NewsRow], symbols: Collection[str]) -> list[NewsRow]:
    """The rows (copies, in order) that name at least one of `symbols`."""
    wanted = {symbol.upper() for symbol in symbols}
    return [_copy(row) for row in rows if wanted.intersection(row.symbols)]


def _spoken(headline: str) -> str:
    headline = " ".join(headline.split())
    if len(headline) <= MAX_SPOKEN_HEADLINE:
        return headline
    return headline[: MAX_SPOKEN_HEADLINE - 1].rstrip() + "…"


def announcement(new_items: Sequence[NewsRow | NewsItem], previous: str = "") -> str:
    """What the live region says for `new_items`: `New headline: …`, `3 new headlines`, or ``.

    Pass the text currently in the region as `previous`: an identical sentence gets a trailing
    no-break space, so a second "2 new headlines" in a row is still spoken.
    """
    if not new_items:
        return ""
    if len(new_items) == 1:
        text = f"New headline: {_spoken(new_items[0].headline)}"
    else:
        text = f"{len(new_items)} new headlines"
    return text + REPEAT_MARK if text == previous else text
