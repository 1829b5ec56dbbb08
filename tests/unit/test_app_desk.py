"""`Desk` (`marketpulse.streaming.desk`): feed events folded once, and what each widget is
handed, and when."""

from __future__ import annotations

from marketpulse.feed import (
    Batch,
    ChannelReset,
    ConnectionStatus,
    LinkState,
    LinkStateChanged,
    SubscriptionRefused,
)
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
from tests.support.market_data import source_status

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
    desk.fold([batch(("price:AAPL", quote("AAPL", 1.0)))], now_ms=10)
    desk.fold([batch(("price:AAPL", quote("AAPL", 2.0)))], now_ms=20)
    moved = desk.take_quotes()
    assert list(moved) == ["AAPL"] and moved["AAPL"].last == 2.0
    assert desk.take_quotes() == {}
    assert desk.received_at["quotes"] == 20


def test_the_chart_gets_its_window_on_a_reset_then_only_tails() -> None:
    desk = Desk(chart_points=5)
    desk.follow_chart(CHART)
    desk.fold([reset(CHART, bar(1, 10.0), bar(2, 11.0))], now_ms=1)
    first = desk.take_chart()
    assert first is not None and first.reset and [p["t"] for p in first.points] == [1, 2]
    assert desk.take_chart() is None

    desk.fold([batch((CHART, bar(2, 12.0)))], now_ms=2)
    tail = desk.take_chart()
    assert tail is not None and not tail.reset
    assert [(p["t"], p["c"]) for p in tail.points] == [(2, 12.0)]

    desk.fold([batch((CHART, bar(3, 13.0)))], now_ms=3)
    tail = desk.take_chart()
    # The previous tail's bar comes again (carried), in case the browser merged two deltas.
    assert tail is not None and [(p["t"], p["c"]) for p in tail.points] == [(2, 12.0), (3, 13.0)]


def test_bars_of_a_channel_the_chart_does_not_follow_are_ignored() -> None:
    desk = Desk()
    desk.follow_chart(CHART)
    desk.take_chart()
    desk.fold([batch(("bars:1m:MSFT", bar(1, 1.0, "MSFT")))], now_ms=1)
    assert desk.take_chart() is None and desk.points == []


def test_a_chart_not_shown_for_a_while_is_caught_up_with_its_whole_window() -> None:
    desk = Desk(chart_points=50)
    desk.follow_chart(CHART)
    desk.fold([reset(CHART, bar(0, 1.0))], now_ms=0)
    desk.take_chart()
    for start in range(1, TAIL_LIMIT + 3):
        desk.fold([batch((CHART, bar(start, float(start))))], now_ms=start)
    delta = desk.take_chart()
    assert delta is not None and delta.reset and len(delta.points) == TAIL_LIMIT + 3


def test_following_another_channel_starts_an_empty_window_until_its_snapshot() -> None:
    desk = Desk()
    desk.follow_chart(CHART)
    desk.fold([reset(CHART, bar(1, 1.0))], now_ms=0)
    desk.take_chart()
    desk.follow_chart("bars:1m:MSFT")
    delta = desk.take_chart()
    assert delta is not None and delta.reset and delta.points == []


def test_redraw_sends_the_whole_window_again() -> None:
    desk = Desk()
    desk.follow_chart(CHART)
    desk.fold([reset(CHART, bar(1, 1.0))], now_ms=0)
    desk.take_chart()
    desk.redraw_chart()
    delta = desk.take_chart()
    assert delta is not None and delta.reset and len(delta.points) == 1


def test_news_is_kept_newest_first_bounded_and_new_items_handed_over_once() -> None:
    desk = Desk(news_limit=3)
    desk.fold([reset("news", news("a", 1), news("b", 2))], now_ms=5)
    assert [row.id for row in desk.news] == ["b", "a"]
    assert sorted(row.id for row in desk.take_news()) == ["a", "b"]
    desk.fold([batch(("news", news("c", 3)), ("news", news("d", 4)))], now_ms=6)
    desk.fold([batch(("news", news("d", 4)))], now_ms=7)  # a duplicate
    assert [row.id for row in desk.news] == ["d", "c", "b"]
    assert [row.id for row in desk.take_news()] == ["d", "c"]
    assert desk.take_news() == []


def test_any_delivery_keeps_the_news_feed_current() -> None:
    desk = Desk()
    desk.fold([batch(("price:AAPL", quote("AAPL", 1.0)))], now_ms=42)
    assert desk.received_at["news"] == 42


def test_summary_and_fired_alerts_are_handed_over_once() -> None:
    desk = Desk()
    fired = FiredAlert(
        id="f1", rule_id="r1", symbol="AAPL", condition="above", threshold=1.0, price=1.5,
        ts=1, message="AAPL rose above 1.00",
    )  # fmt: skip
    desk.fold([batch(("summary", summary(1)), ("alerts:alice", fired))], now_ms=9)
    taken = desk.take_summary()
    assert taken is not None and taken.ts == 1 and desk.take_summary() is None
    assert [a.id for a in desk.take_fired()] == ["f1"] and desk.take_fired() == []
    assert desk.received_at["summary"] == 9


def test_the_latest_quote_per_symbol_wins_across_batches() -> None:
    desk = Desk()
    desk.fold(
        [
            batch(("price:AAPL", quote("AAPL", 1.0)), ("price:MSFT", quote("MSFT", 2.0))),
            batch(("price:AAPL", quote("AAPL", 1.5))),
            batch(("price:NVDA", quote("NVDA", 3.0)), ("price:AAPL", quote("AAPL", 1.7))),
        ],
        now_ms=1,
    )
    assert {s: q.last for s, q in desk.take_quotes().items()} == {
        "AAPL": 1.7,
        "MSFT": 2.0,
        "NVDA": 3.0,
    }


def test_the_newest_link_status_is_handed_over_once_and_quotes_survive_it() -> None:
    desk = Desk()
    status = ConnectionStatus(LinkState.RECONNECTING, attempt=2, next_retry_at=99, reason="x")
    desk.fold(
        [
            LinkStateChanged(LinkState.CONNECTING),
            batch(("price:AAPL", quote("AAPL", 1.0))),
            LinkStateChanged(LinkState.RECONNECTING, status),
        ],
        now_ms=1,
    )
    assert desk.take_link() == status and desk.take_link() is None
    assert list(desk.take_quotes()) == ["AAPL"]
    desk.fold([LinkStateChanged(LinkState.LIVE)], now_ms=2)
    taken = desk.take_link()
    assert taken is not None and taken.state is LinkState.LIVE and taken.attempt == 0


def test_an_empty_run_changes_nothing() -> None:
    desk = Desk()
    desk.fold([], now_ms=5)
    assert desk.take_quotes() == {} and desk.take_link() is None and desk.received_at == {}


def test_a_reset_replaces_what_came_before_it_and_later_updates_apply_on_top() -> None:
    desk = Desk(news_limit=10)
    desk.follow_chart("bars:1s:AAPL")
    one_s = "bars:1s:AAPL"

    def bar_1s(start: int, close: float, closed: bool = False) -> Bar:
        return bar(start, close).model_copy(update={"interval": "1s", "closed": closed})

    desk.fold(
        [
            batch((one_s, bar_1s(0, 1.0))),
            ChannelReset(
                items={one_s: (bar_1s(0, 5.0),), "price:AAPL": (quote("AAPL", 5.0),)},
                positions={one_s: Position(epoch="e", seq=8)},
                reason="resubscribe",
            ),
            batch((one_s, bar_1s(0, 6.0, closed=True)), (one_s, bar_1s(1000, 7.0))),
        ],
        now_ms=3,
    )
    assert [(p["t"], p["c"]) for p in desk.points] == [(0, 6.0), (1000, 7.0)]
    assert desk.take_quotes()["AAPL"].last == 5.0


def test_channels_refused_on_a_resubscription_are_handed_over_once() -> None:
    desk = Desk()
    desk.fold([SubscriptionRefused(("price:ZZZ",), "unknown_symbol", "no such symbol")], 1)
    assert desk.take_refused() == {"price:ZZZ": "unknown_symbol"}
    assert desk.take_refused() == {}


def test_the_sources_newest_status_is_handed_over_once_with_when_it_arrived() -> None:
    desk = Desk()
    desk.fold([reset("source", source_status(clock=10))], now_ms=4)
    first = desk.take_source()
    assert first is not None and first.clock == 10 and desk.source_at == 4
    assert desk.take_source() is None
    desk.fold(
        [
            batch(("source", source_status("retrying", clock=11))),
            batch(("source", source_status("retrying", clock=12)), ("price:AAPL", quote("A", 1))),
        ],
        now_ms=7,
    )
    newest = desk.take_source()
    assert newest is not None and (newest.state, newest.clock) == ("retrying", 12)
    assert desk.source_at == 7 and "quotes" in desk.received_at
    assert desk.take_source() is None
