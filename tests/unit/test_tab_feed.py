"""`TabFeed` (`marketpulse.streaming.tab_feed`): what one tab is given, round by round.

Values in (feed events, sync results, a `TabView`), a `Delivery` out: every decision the tab's
feed task makes, checked without Reflex, a browser or a network.
"""

from __future__ import annotations

import dataclasses

import pytest

from marketpulse.feed import (
    ChannelReset,
    ConnectionStatus,
    FeedMetricsSnapshot,
    LinkState,
    LinkStateChanged,
    SubscriptionRefused,
)
from marketpulse.streaming.alert_jobs import AlertOutcome, AlertRequest
from marketpulse.streaming.announce import biggest_move
from marketpulse.streaming.plan import FeedPlan, SyncResult
from marketpulse.streaming.rounds import WIDGETS, TabView
from marketpulse.streaming.tab_feed import (
    GUEST_REFUSED,
    METRICS_EVERY_S,
    SYNC_EVERY_S,
    USER_REFUSED,
    TabFeed,
)
from realtime_server.protocol import CatalogAck, Instrument, Position, Quote
from tests.support.market_data import (
    alert,
    bar,
    news,
    quote,
    source_status,
    summary,
    updates,
)

CHART = ("1m", "AAPL")
CATALOG = CatalogAck(
    id="c",
    source="simulator",
    instruments=[
        Instrument(symbol="AAPL", name="Apple Inc.", sector="Technology"),
        Instrument(symbol="MSFT", name="Microsoft Corp.", sector="Technology"),
    ],
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def view(**changes: object) -> TabView:
    base = TabView(subject="", user_id=0, symbols=("AAPL", "MSFT"), throttle_ms=250, chart=CHART)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def no_metrics() -> FeedMetricsSnapshot | None:
    return None


def make() -> tuple[TabFeed, Clock]:
    clock = Clock()
    return TabFeed(clock=clock), clock


def test_the_plan_is_the_views_subscription() -> None:
    tab, _ = make()
    assert tab.plan(view(subject="u-1")) == FeedPlan("u-1", ("AAPL", "MSFT"), 250, CHART)
    assert tab.plan(view()).channels == [
        "price:AAPL",
        "price:MSFT",
        "bars:1m:AAPL",
        "summary",
        "news",
        "source",
    ]
    assert tab.plan(view(subject="u-1")).channels[-1] == "alerts:u-1"


def test_quotes_are_delivered_once_with_the_catalogs_names() -> None:
    tab, _ = make()
    tab.desk.fold([updates(("price:AAPL", quote("AAPL", 1.0)))], now_ms=5)
    first = tab.deliver(view(), 10, no_metrics)
    assert first.watchlist is not None
    assert first.watchlist.symbols == ("AAPL", "MSFT") and not first.watchlist.named_by.known
    assert first.watchlist.moved["AAPL"].last == 1.0
    assert first.freshness == {"quotes": 5, "news": 5}
    tab.took_sync(SyncResult(plan=tab.plan(view()), catalog=CATALOG))
    second = tab.deliver(view(), 20, no_metrics)
    assert second.watchlist is not None and second.watchlist.moved == {}
    assert second.watchlist.named_by.names == {"AAPL": "Apple Inc.", "MSFT": "Microsoft Corp."}
    assert second.catalog is not None and second.catalog.source == "simulator"
    assert second.chart_instrument == ("Apple Inc.", 2)
    third = tab.deliver(view(), 30, no_metrics)
    assert third.catalog is None and third.chart_instrument is None  # once each


def test_a_paused_or_hidden_tab_gets_the_link_but_no_data_then_catches_up() -> None:
    tab, _ = make()
    tab.begin(view())
    tab.desk.fold(
        [
            LinkStateChanged(LinkState.LIVE, ConnectionStatus(LinkState.LIVE)),
            ChannelReset(
                items={"bars:1m:AAPL": (bar(0, 1.0, interval="1m"),), "summary": (summary(),)},
                positions={"bars:1m:AAPL": Position(epoch="e", seq=1)},
                reason="subscribe",
            ),
            updates(("price:AAPL", quote("AAPL", 2.0))),
        ],
        now_ms=1,
    )
    paused = tab.deliver(view(showing=False), 2, no_metrics)
    assert paused.link is not None and paused.link.state is LinkState.LIVE
    assert paused.watchlist is None and paused.chart is None and paused.summary is None
    shown = tab.deliver(view(), 3, no_metrics)
    assert shown.watchlist is not None and shown.watchlist.moved["AAPL"].last == 2.0
    assert shown.chart is not None and shown.chart.reset and len(shown.chart.points) == 1
    assert shown.summary is not None and shown.link is None


def test_a_folded_widget_gets_nothing_and_is_caught_up_when_opened() -> None:
    tab, _ = make()
    tab.begin(view())
    closed = view(open_widgets=WIDGETS - {"chart", "movers", "news"})
    tab.deliver(closed, 0, no_metrics)
    tab.desk.fold(
        [
            updates(("bars:1m:AAPL", bar(0, 1.0, interval="1m")), ("news", news(1))),
            updates(("summary", summary(5)), first_seq=3),
        ],
        now_ms=1,
    )
    folded = tab.deliver(closed, 2, no_metrics)
    assert folded.chart is None and folded.news is None
    assert folded.summary is not None and not folded.movers  # the header strip still shows it
    opened = tab.deliver(view(), 3, no_metrics)
    assert opened.chart is not None and opened.chart.reset  # its whole window
    assert opened.news is not None and [row.id for row in opened.news.rows] == ["n1"]
    assert opened.summary is not None and opened.summary.ts == 5 and opened.movers


def test_news_is_delivered_again_when_the_watchlist_changes() -> None:
    tab, _ = make()
    tab.desk.fold([updates(("news", news(1, symbols=("MSFT",))))], now_ms=1)
    first = tab.deliver(view(), 2, no_metrics)
    assert first.news is not None and [r.id for r in first.news.fresh] == ["n1"]
    assert tab.deliver(view(), 3, no_metrics).news is None  # nothing new
    edited = tab.deliver(view(symbols=("MSFT",), watchlist_version=1), 4, no_metrics)
    assert edited.news is not None and edited.news.fresh == []
    assert edited.news.symbols == ("MSFT",)


def test_refused_symbols_are_hidden_with_one_notice_and_not_asked_for_again() -> None:
    tab, _ = make()
    stored = view(subject="u-1", user_id=7, symbols=("AAPL", "ZZZZ"))
    tab.took_sync(SyncResult(plan=tab.plan(stored), refused={"price:ZZZZ": "unknown_symbol"}))
    tab.desk.fold([SubscriptionRefused(("bars:1m:AAPL",), "forbidden", "no")], now_ms=1)
    out = tab.deliver(stored, 2, no_metrics)
    assert out.watchlist is not None and out.watchlist.symbols == ("AAPL",)
    assert [n.text for n in out.notices] == [
        "ZZZZ is not traded on this feed, so it is not shown.",
        "You may not view AAPL, so it is not shown.",
    ]
    # Hidden, not deleted: the view still holds the user's list; the plan leaves it out, so
    # the feed is not asked again and the notice is not repeated.
    assert tab.plan(stored).symbols == ("AAPL",)
    tab.took_sync(SyncResult(plan=tab.plan(stored), refused={"price:ZZZZ": "unknown_symbol"}))
    assert tab.deliver(stored, 3, no_metrics).notices == []
    # A feed that trades it again (another source after a restart) shows it again.
    trades_it = CATALOG.model_copy(
        update={
            "instruments": [*CATALOG.instruments, Instrument(symbol="ZZZZ", name="Z", sector="Z")]
        }
    )
    tab.took_sync(SyncResult(plan=tab.plan(stored), catalog=trades_it))
    assert tab.plan(stored).symbols == ("AAPL", "ZZZZ")


@pytest.mark.parametrize(("subject", "text"), [("", GUEST_REFUSED), ("u-1", USER_REFUSED)])
def test_a_refused_login_is_told_once_per_change(subject: str, text: str) -> None:
    tab, _ = make()
    tab.desk.fold([LinkStateChanged(LinkState.UNAUTHORIZED)], now_ms=1)
    out = tab.deliver(view(subject=subject), 2, no_metrics)
    assert [(n.level, n.text, n.key) for n in out.notices] == [("error", text, "feed-unauthorized")]
    assert tab.deliver(view(subject=subject), 3, no_metrics).notices == []


def test_link_figures_are_read_once_a_second() -> None:
    tab, clock = make()
    reads: list[int] = []

    def metrics() -> FeedMetricsSnapshot | None:
        reads.append(1)
        return None

    tab.deliver(view(), 1, metrics)
    tab.deliver(view(), 2, metrics)
    clock.now += METRICS_EVERY_S
    tab.deliver(view(), 3, metrics)
    assert len(reads) == 2


def test_fired_alerts_are_shown_once_and_acknowledged_after() -> None:
    tab, _ = make()
    user = view(subject="u-1")
    assert tab.alert_requests(user, live=False) == []  # the rules are listed once live
    tab.desk.fold([updates(("alerts:u-1", alert("f1")))], now_ms=1)
    out = tab.deliver(user, 2, no_metrics)
    assert [a.id for a in out.fired] == ["f1"] and not out.alerts_reset
    asked = tab.alert_requests(user, live=True)
    assert [r.kind for r in asked] == ["list", "ack"] and asked[1].alert_ids == ("f1",)
    assert tab.alert_requests(user, live=True) == []
    create = AlertRequest("create", "AAPL", "above", 1.0)
    assert tab.alert_requests(view(subject="u-1", alert_requests=(create,)), True) == [create]
    outcome = AlertOutcome(create, error="no")
    tab.took_outcomes([outcome])
    assert tab.deliver(user, 3, no_metrics).alert_outcomes == [outcome]


def test_another_user_resets_the_alerts_and_guests_send_no_alert_requests() -> None:
    tab, _ = make()
    tab.deliver(view(subject="u-1"), 1, no_metrics)
    switched = tab.deliver(view(subject="u-2"), 2, no_metrics)
    assert switched.alerts_reset
    guest = view(alert_requests=(AlertRequest("list"),))
    assert tab.alert_requests(guest, live=True) == []


def test_the_subscription_is_synced_on_change_and_every_half_second() -> None:
    tab, clock = make()
    plan = tab.plan(view())
    assert tab.due_for_sync(plan, link_changed=False)
    assert not tab.due_for_sync(plan, link_changed=False)
    assert tab.due_for_sync(plan, link_changed=True)
    assert tab.due_for_sync(tab.plan(view(throttle_ms=500)), link_changed=False)
    clock.now += SYNC_EVERY_S
    assert tab.due_for_sync(tab.plan(view(throttle_ms=500)), link_changed=False)


def test_the_spoken_summary_waits_its_interval() -> None:
    tab, clock = make()
    tab.desk.fold([updates(("price:AAPL", quote("AAPL", 2.0, change_pct=1.5)))], now_ms=1)
    said = tab.deliver(view(announce=True), 2, no_metrics).announcement
    assert said == "Biggest move: AAPL 2.00, up 1.50 percent."
    assert tab.deliver(view(announce=True), 3, no_metrics).announcement == ""
    clock.now += 60
    assert tab.deliver(view(announce=False), 4, no_metrics).announcement == ""


@pytest.mark.parametrize(
    ("quotes", "expected"),
    [
        ({}, ""),
        (
            {
                "AAPL": quote("AAPL", 228.5, change_pct=0.4),
                "NVDA": quote("NVDA", 135.4, change_pct=-1.25),
            },
            "Biggest move: NVDA 135.40, down 1.25 percent.",
        ),
        (
            {"TSLA": quote("TSLA", 1331.2, change_pct=2.0)},
            "Biggest move: TSLA 1,331.20, up 2.00 percent.",
        ),
        ({"AAPL": quote("AAPL", 228.5)}, "Biggest move: AAPL 228.50, unchanged."),
    ],
)
def test_announcement_names_the_biggest_mover(quotes: dict[str, Quote], expected: str) -> None:
    assert biggest_move(quotes, ["AAPL", "NVDA", "TSLA"]) == expected


def test_the_chart_follows_its_channel_from_the_first_event() -> None:
    tab, _ = make()
    tab.begin(view())  # before the subscription starts: its snapshot is the first event
    tab.desk.fold(
        [
            ChannelReset(
                items={
                    "bars:1m:AAPL": (bar(0, 1.0, interval="1m"), bar(60_000, 2.0, interval="1m"))
                },
                positions={"bars:1m:AAPL": Position(epoch="e", seq=2)},
                reason="subscribe",
            )
        ],
        now_ms=1,
    )
    out = tab.deliver(view(), 2, no_metrics)
    assert out.chart is not None and [p["t"] for p in out.chart.points] == [0, 60_000]


def test_the_source_badge_gets_each_new_status_in_words() -> None:
    tab, _ = make()
    tab.begin(view())
    tab.desk.fold([updates(("source", source_status(clock=5)))], now_ms=9)
    out = tab.deliver(view(), 10, no_metrics)
    assert out.source is not None
    assert (out.source.label, out.source.session, out.source.state) == (
        "Simulated market",
        "Open 24/7",
        "ok",
    )
    assert tab.deliver(view(), 11, no_metrics).source is None  # nothing new


def test_a_paused_tab_is_told_only_when_the_source_goes_down_or_comes_back() -> None:
    tab, _ = make()
    tab.begin(view())
    tab.desk.fold([updates(("source", source_status(clock=1)))], now_ms=1)
    assert tab.deliver(view(showing=False), 2, no_metrics).source is not None  # the first word
    tab.desk.fold([updates(("source", source_status(clock=2)))], now_ms=3)
    assert tab.deliver(view(showing=False), 4, no_metrics).source is None  # kept for later
    down = source_status("retrying", clock=3, reason="no message for 30 s", retry_at=9_000)
    tab.desk.fold([updates(("source", down))], now_ms=5)
    told = tab.deliver(view(showing=False), 6, no_metrics).source
    assert told is not None and (told.state, told.retry_at) == ("retrying", 9_000)
    tab.desk.fold([updates(("source", source_status(clock=4)))], now_ms=7)
    back = tab.deliver(view(showing=False), 8, no_metrics).source
    assert back is not None and back.state == "ok"
    tab.desk.fold([updates(("source", source_status(clock=5)))], now_ms=9)
    assert tab.deliver(view(showing=False), 10, no_metrics).source is None
    shown = tab.deliver(view(), 11, no_metrics).source  # shown again: the newest at once
    assert shown is not None and shown.state == "ok"


CRYPTO = CatalogAck(
    id="c",
    source="coinbase",
    instruments=[
        Instrument(symbol="BTC-USD", name="Bitcoin / USD", sector="Crypto"),
        Instrument(symbol="ETH-USD", name="Ethereum / USD", sector="Crypto"),
    ],
)


def test_a_guests_watchlist_of_another_market_starts_from_the_feeds_catalog() -> None:
    tab, _ = make()
    equities = view(chart=("1m", "AAPL"))
    refused = {"price:AAPL": "unknown_symbol", "price:MSFT": "unknown_symbol"}
    refused["bars:1m:AAPL"] = "unknown_symbol"
    tab.took_sync(SyncResult(plan=tab.plan(equities), refused=refused, catalog=CRYPTO))
    out = tab.deliver(equities, 1, no_metrics)
    assert out.watchlist_start == ("BTC-USD", "ETH-USD")
    assert out.chart_symbol == "BTC-USD"
    assert out.notices == []  # no notice per symbol of the list the tab left
    again = tab.deliver(
        view(symbols=("BTC-USD", "ETH-USD"), chart=("1m", "BTC-USD")), 2, no_metrics
    )
    assert again.watchlist_start == () and again.chart_symbol == ""


def test_a_users_list_is_theirs_but_a_chart_on_a_symbol_not_traded_here_moves() -> None:
    tab, _ = make()
    mixed = view(subject="u-1", user_id=7, symbols=("AAPL", "ETH-USD"))
    tab.took_sync(SyncResult(plan=tab.plan(mixed), catalog=CRYPTO))
    out = tab.deliver(mixed, 1, no_metrics)
    assert out.watchlist_start == () and out.chart_symbol == "ETH-USD"
    user = make()[0]
    stranger = view(subject="u-1", user_id=7)
    user.took_sync(SyncResult(plan=user.plan(stranger), catalog=CRYPTO))
    kept = user.deliver(stranger, 1, no_metrics)
    assert kept.watchlist_start == () and kept.chart_symbol == ""  # nothing to move to


def test_a_watchlist_of_this_market_is_left_as_it_is() -> None:
    tab, _ = make()
    tab.took_sync(SyncResult(plan=tab.plan(view()), catalog=CATALOG))
    out = tab.deliver(view(), 1, no_metrics)
    assert out.watchlist_start == () and out.chart_symbol == ""


def test_a_guests_default_list_partly_of_another_market_starts_from_the_catalog() -> None:
    tab, _ = make()
    partly = view(symbols=("BTC-USD", "AAPL"), chart=("1m", "BTC-USD"), default_watchlist=True)
    tab.took_sync(SyncResult(plan=tab.plan(partly), catalog=CRYPTO))
    assert tab.deliver(partly, 1, no_metrics).watchlist_start == ("BTC-USD", "ETH-USD")
    edited = make()[0]  # a list the guest made is theirs: only the symbols refused go
    mine = dataclasses.replace(partly, default_watchlist=False)
    edited.took_sync(SyncResult(plan=edited.plan(mine), catalog=CRYPTO))
    assert edited.deliver(mine, 1, no_metrics).watchlist_start == ()
