"""`Desk` (`marketpulse.streaming.desk`): what each widget is handed, and when."""

from __future__ import annotations

from marketpulse.feed import Batch, ChannelReset, coalesce
from marketpulse.streaming.desk import TAIL_LIMIT, Desk
from realtime_server.protocol import (
    Bar,
    FiredAlert,
    IndexLevel,
    NewsItem,
    Position,
    Quote,
    Summary,
    Update,
)

CHART = "bars:1m:AAPL"


def quote(symbol: str, last: float, ts: int = 1) -> Quote:
    return Quote(
        symbol=symbol, last=last, bid=last - 0.01, ask=last + 0.01, bid_size=1, ask_size=1,
        open=last, high=last, low=last, prev_close=last, change=0.0, change_pct=0.0,
        volume=10, vwap=last, ts=ts,
    )  # fmt: skip


def bar(start: int, close: float, symbol: str = "AAPL") -> Bar:
    return Bar(
        symbol=symbol, interval="1m", start=start, open=close, high=close, low=close,
        close=close, volume=5, trades=1, closed=False,
    )  # fmt: skip


def news(item_id: str, ts: int, symbols: tuple[str, ...] = ("AAPL",)) -> NewsItem:
    return NewsItem(
        id=item_id, ts=ts, headline=f"headline {item_id}", body="", symbols=list(symbols),
        sectors=[], sentiment="neutral", source="sim",
    )  # fmt: skip


def summary(ts: int) -> Summary:
    return Summary(
        ts=ts, indices=[IndexLevel(name="MP50", value=1.0, change=0.0, change_pct=0.0)],
        advancers=1, decliners=0, unchanged=0, gainers=[], losers=[], most_active=[],
    )  # fmt: skip


def batch(*updates: tuple[str, object]) -> Batch:
    return Batch(
        server_ts=1,
        updates=[Update(channel=ch, seq=i + 1, data=data) for i, (ch, data) in enumerate(updates)],
    )


def reset(channel: str, *items: object) -> ChannelReset:
    return ChannelReset(
        items={channel: tuple(items)},
        positions={channel: Position(epoch="e", seq=len(items))},
        reason="subscribe",
    )


def test_moved_quotes_are_handed_over_once_latest_value_per_symbol() -> None:
    desk = Desk()
    desk.absorb(coalesce([batch(("price:AAPL", quote("AAPL", 1.0)))]), now_ms=10)
    desk.absorb(coalesce([batch(("price:AAPL", quote("AAPL", 2.0)))]), now_ms=20)
    moved = desk.take_quotes()
    assert list(moved) == ["AAPL"] and moved["AAPL"].last == 2.0
    assert desk.take_quotes() == {}
    assert desk.received_at["quotes"] == 20


def test_the_chart_gets_its_window_on_a_reset_then_only_tails() -> None:
    desk = Desk(chart_points=5)
    desk.follow_chart(CHART)
    desk.absorb(coalesce([reset(CHART, bar(1, 10.0), bar(2, 11.0))]), now_ms=1)
    first = desk.take_chart()
    assert first is not None and first.reset and [p["t"] for p in first.points] == [1, 2]
    assert desk.take_chart() is None

    desk.absorb(coalesce([batch((CHART, bar(2, 12.0)))]), now_ms=2)
    tail = desk.take_chart()
    assert tail is not None and not tail.reset
    assert [(p["t"], p["c"]) for p in tail.points] == [(2, 12.0)]

    desk.absorb(coalesce([batch((CHART, bar(3, 13.0)))]), now_ms=3)
    tail = desk.take_chart()
    # The previous tail's bar comes again (carried), in case the browser merged two deltas.
    assert tail is not None and [(p["t"], p["c"]) for p in tail.points] == [(2, 12.0), (3, 13.0)]


def test_bars_of_a_channel_the_chart_does_not_follow_are_ignored() -> None:
    desk = Desk()
    desk.follow_chart(CHART)
    desk.take_chart()
    desk.absorb(coalesce([batch(("bars:1m:MSFT", bar(1, 1.0, "MSFT")))]), now_ms=1)
    assert desk.take_chart() is None and desk.points == []


def test_a_chart_not_shown_for_a_while_is_caught_up_with_its_whole_window() -> None:
    desk = Desk(chart_points=50)
    desk.follow_chart(CHART)
    desk.absorb(coalesce([reset(CHART, bar(0, 1.0))]), now_ms=0)
    desk.take_chart()
    for start in range(1, TAIL_LIMIT + 3):
        desk.absorb(coalesce([batch((CHART, bar(start, float(start))))]), now_ms=start)
    delta = desk.take_chart()
    assert delta is not None and delta.reset and len(delta.points) == TAIL_LIMIT + 3


def test_following_another_channel_starts_an_empty_window_until_its_snapshot() -> None:
    desk = Desk()
    desk.follow_chart(CHART)
    desk.absorb(coalesce([reset(CHART, bar(1, 1.0))]), now_ms=0)
    desk.take_chart()
    desk.follow_chart("bars:1m:MSFT")
    delta = desk.take_chart()
    assert delta is not None and delta.reset and delta.points == []


def test_redraw_sends_the_whole_window_again() -> None:
    desk = Desk()
    desk.follow_chart(CHART)
    desk.absorb(coalesce([reset(CHART, bar(1, 1.0))]), now_ms=0)
    desk.take_chart()
    desk.redraw_chart()
    delta = desk.take_chart()
    assert delta is not None and delta.reset and len(delta.points) == 1


def test_news_is_kept_newest_first_bounded_and_new_items_handed_over_once() -> None:
    desk = Desk(news_limit=3)
    desk.absorb(coalesce([reset("news", news("a", 1), news("b", 2))]), now_ms=5)
    assert [row.id for row in desk.news] == ["b", "a"]
    assert sorted(row.id for row in desk.take_news()) == ["a", "b"]
    desk.absorb(coalesce([batch(("news", news("c", 3)), ("news", news("d", 4)))]), now_ms=6)
    desk.absorb(coalesce([batch(("news", news("d", 4)))]), now_ms=7)  # a duplicate
    assert [row.id for row in desk.news] == ["d", "c", "b"]
    assert [row.id for row in desk.take_news()] == ["d", "c"]
    assert desk.take_news() == []


def test_any_delivery_keeps_the_news_feed_current() -> None:
    desk = Desk()
    desk.absorb(coalesce([batch(("price:AAPL", quote("AAPL", 1.0)))]), now_ms=42)
    assert desk.received_at["news"] == 42


def test_summary_and_fired_alerts_are_handed_over_once() -> None:
    desk = Desk()
    fired = FiredAlert(
        id="f1", rule_id="r1", symbol="AAPL", condition="above", threshold=1.0, price=1.5,
        ts=1, message="AAPL rose above 1.00",
    )  # fmt: skip
    desk.absorb(coalesce([batch(("summary", summary(1)), ("alerts:alice", fired))]), now_ms=9)
    taken = desk.take_summary()
    assert taken is not None and taken.ts == 1 and desk.take_summary() is None
    assert [a.id for a in desk.take_fired()] == ["f1"] and desk.take_fired() == []
    assert desk.received_at["summary"] == 9
