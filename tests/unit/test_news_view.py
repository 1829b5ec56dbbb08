"""`marketpulse.display.news`: merging, filtering and announcing headlines for the news widget."""

from __future__ import annotations

from marketpulse.display.news import (
    MAX_SPOKEN_HEADLINE,
    REPEAT_MARK,
    NewsRow,
    announcement,
    merge_news,
    news_row,
    touching,
)
from realtime_server.protocol import NewsItem, Sentiment


def item(
    id: str, ts: int, symbols: list[str] | None = None, headline: str = "", **extra: object
) -> NewsItem:
    fields: dict[str, object] = {
        "id": id,
        "ts": ts,
        "headline": headline or f"Headline {id}",
        "body": f"Body {id}",
        "symbols": symbols if symbols is not None else ["AAPL"],
        "sectors": ["Technology"],
        "sentiment": Sentiment.NEUTRAL,
        "source": "Wire",
    }
    fields.update(extra)
    return NewsItem.model_validate(fields)


def ids(rows: list[NewsRow]) -> list[str]:
    return [row.id for row in rows]


def test_a_row_carries_the_item_as_display_values() -> None:
    row = news_row(item("n1", 1_700_000_000_000, ["AAPL", "MSFT"], sentiment=Sentiment.POSITIVE))
    assert row == NewsRow(
        id="n1",
        ts=1_700_000_000_000,
        headline="Headline n1",
        body="Body n1",
        symbols=["AAPL", "MSFT"],
        sentiment="positive",
        source="Wire",
    )
    assert type(row.sentiment) is str


def test_merge_puts_the_newest_first_whatever_the_arrival_order() -> None:
    rows = merge_news([], [item("a", 10), item("b", 30), item("c", 20)], limit=10)
    assert ids(rows) == ["b", "c", "a"]
    rows = merge_news(rows, [item("d", 25), item("e", 5)], limit=10)
    assert ids(rows) == ["b", "d", "c", "a", "e"]


def test_equal_times_put_the_later_arrival_first() -> None:
    rows = merge_news([], [item("a", 10), item("b", 10)], limit=10)
    assert ids(rows) == ["b", "a"]
    rows = merge_news(rows, [item("c", 10)], limit=10)
    assert ids(rows) == ["c", "b", "a"]


def test_a_repeated_id_is_shown_once_in_its_first_place() -> None:
    rows = merge_news([], [item("a", 10), item("b", 20)], limit=10)
    rows = merge_news(rows, [item("a", 99), item("c", 30), item("c", 30)], limit=10)
    assert ids(rows) == ["c", "b", "a"]
    assert rows[2].ts == 10


def test_merge_caps_the_list_and_returns_fresh_rows() -> None:
    old = merge_news([], [item(str(n), n) for n in range(5)], limit=10)
    rows = merge_news(old, [item("new", 100)], limit=3)
    assert ids(rows) == ["new", "4", "3"]
    assert rows is not old
    assert all(row is not before for row in rows for before in old)
    assert rows[1].symbols is not old[0].symbols
    assert merge_news(old, [], limit=0) == []


def test_touching_keeps_the_rows_naming_any_symbol() -> None:
    rows = merge_news(
        [],
        [item("a", 1, ["AAPL"]), item("b", 2, ["MSFT", "NVDA"]), item("c", 3, []), item("d", 4)],
        limit=10,
    )
    assert ids(touching(rows, {"NVDA", "AAPL"})) == ["d", "b", "a"]
    assert ids(touching(rows, ["msft"])) == ["b"]
    assert touching(rows, []) == []


def test_announcement_names_one_headline_and_counts_several() -> None:
    one = news_row(item("a", 1, headline="Apple jumps 4% on services revenue"))
    assert announcement([one]) == "New headline: Apple jumps 4% on services revenue"
    assert announcement([one, one, one]) == "3 new headlines"
    assert announcement([]) == ""


def test_announcement_accepts_feed_items_and_shortens_long_headlines() -> None:
    long = "Markets  " + "word " * 60
    text = announcement([item("a", 1, headline=long)])
    assert text.startswith("New headline: Markets word")
    assert text.endswith("…")
    assert len(text) == len("New headline: ") + MAX_SPOKEN_HEADLINE


def test_a_repeated_announcement_still_changes_the_live_region() -> None:
    rows = [news_row(item("a", 1)), news_row(item("b", 2))]
    first = announcement(rows)
    second = announcement(rows, previous=first)
    assert second == "2 new headlines" + REPEAT_MARK
    assert announcement(rows, previous=second) == first
    assert announcement(rows[:1], previous=first) == "New headline: Headline a"
