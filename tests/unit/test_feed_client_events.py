"""Coalescing of feed events (`marketpulse.feed.events`), and the link states the connection
indicator relies on."""

from __future__ import annotations

from marketpulse.feed import (
    ChannelReset,
    ConnectionStatus,
    LinkState,
    LinkStateChanged,
    Resynced,
    SubscriptionRefused,
    coalesce,
)
from realtime_server.protocol import (
    Bar,
    Batch,
    FiredAlert,
    NewsItem,
    Position,
    Quote,
    Summary,
    Update,
)


def quote(symbol: str, last: float, ts: int = 1) -> Quote:
    return Quote(
        symbol=symbol, last=last, bid=last - 0.01, ask=last + 0.01, bid_size=100, ask_size=100,
        open=last, high=last, low=last, prev_close=last, change=0.0, change_pct=0.0, volume=10,
        vwap=last, ts=ts,
    )  # fmt: skip


def news(n: int) -> NewsItem:
    return NewsItem(
        id=f"n{n}", ts=n, headline=f"headline {n}", body="", symbols=[], sectors=[],
        sentiment="neutral", source="wire",
    )  # fmt: skip


def alert(alert_id: str) -> FiredAlert:
    return FiredAlert(
        id=alert_id, rule_id="r1", symbol="AAPL", condition="above", threshold=1.0, price=2.0,
        ts=1, message="AAPL rose above 1.00",
    )  # fmt: skip


def bar(start: int, close: float, closed: bool = False) -> Bar:
    return Bar(
        symbol="AAPL", interval="1s", start=start, open=1, high=2, low=1, close=close, volume=1,
        trades=1, closed=closed,
    )  # fmt: skip


def batch(*quotes: Quote, seq: int = 1) -> Batch:
    return Batch(
        server_ts=0,
        updates=[Update(channel=f"price:{q.symbol}", seq=seq, data=q) for q in quotes],
    )


def test_latest_quote_per_channel_wins_across_batches() -> None:
    folded = coalesce(
        [
            batch(quote("AAPL", 1.0), quote("MSFT", 2.0)),
            batch(quote("AAPL", 1.5)),
            batch(quote("NVDA", 3.0), quote("AAPL", 1.7)),
        ]
    )
    assert {ch: q.last for ch, q in folded.quotes.items()} == {
        "price:AAPL": 1.7,
        "price:MSFT": 2.0,
        "price:NVDA": 3.0,
    }
    assert folded.batches == 3
    assert folded.state is None


def test_latest_link_state_wins_and_quotes_survive_state_changes() -> None:
    folded = coalesce(
        [
            LinkStateChanged(LinkState.RECONNECTING),
            batch(quote("AAPL", 1.0)),
            LinkStateChanged(LinkState.LIVE),
        ]
    )
    assert folded.state is LinkState.LIVE
    assert list(folded.quotes) == ["price:AAPL"]
    assert folded.batches == 1


def test_empty_run_folds_to_nothing() -> None:
    folded = coalesce([])
    assert folded.quotes == {}
    assert folded.state is None
    assert folded.batches == 0


def test_link_states_cover_the_indicator_states() -> None:
    indicator_states = {"live", "connecting", "reconnecting", "polling", "offline", "unauthorized"}
    assert indicator_states <= {state.value for state in LinkState}


# -- the fields added for bars, news, summary, alerts and resets --------------------------------


def test_resets_replace_earlier_updates_and_feed_quotes_and_summary() -> None:
    summary = Summary(
        ts=1, indices=[], advancers=1, decliners=2, unchanged=3, gainers=[], losers=[],
        most_active=[],
    )  # fmt: skip
    status = ConnectionStatus(LinkState.RECONNECTING, attempt=2, next_retry_at=99, reason="x")
    folded = coalesce(
        [
            Batch(
                server_ts=0,
                updates=[
                    Update(channel="news", seq=1, data=news(1)),
                    Update(channel="bars:1s:AAPL", seq=1, data=bar(0, 1.0)),
                ],
            ),
            LinkStateChanged(LinkState.RECONNECTING, status),
            ChannelReset(
                items={"news": (news(7), news(8)), "price:AAPL": (quote("AAPL", 5.0),)},
                positions={"news": Position(epoch="e", seq=8)},
                reason="resubscribe",
            ),
            Resynced(recovered=False, replayed={}, reset=("news",)),
            Batch(
                server_ts=1,
                updates=[
                    Update(channel="news", seq=9, data=news(9)),
                    Update(channel="bars:1s:AAPL", seq=2, data=bar(0, 2.0)),
                    Update(channel="bars:1s:AAPL", seq=3, data=bar(0, 3.0, closed=True)),
                    Update(channel="bars:1s:AAPL", seq=4, data=bar(1000, 4.0)),
                    Update(channel="summary", seq=5, data=summary),
                    Update(channel="alerts:bob", seq=6, data=alert("a1")),
                ],
            ),
            SubscriptionRefused(("price:ZZZ",), "unknown_symbol", "no such symbol"),
        ]
    )
    assert folded.resets == {"news": (news(7), news(8)), "price:AAPL": (quote("AAPL", 5.0),)}
    assert folded.news == {"news": [news(9)]}  # news(1) came before the reset: replaced
    assert [(b.start, b.close, b.closed) for b in folded.bars["bars:1s:AAPL"]] == [
        (0, 3.0, True),  # the forming bar's updates fold into its final value
        (1000, 4.0, False),
    ]
    assert folded.quotes["price:AAPL"].last == 5.0
    assert folded.summary == summary
    assert [a.id for a in folded.alerts] == ["a1"]
    assert folded.status == status
    assert folded.state is LinkState.RECONNECTING
    assert folded.resynced == Resynced(recovered=False, replayed={}, reset=("news",))
    assert [r.code for r in folded.refused] == ["unknown_symbol"]
    assert folded.batches == 2


def test_link_state_events_compare_by_state_alone() -> None:
    detailed = LinkStateChanged(LinkState.LIVE, ConnectionStatus(LinkState.LIVE, url="u"))
    assert detailed == LinkStateChanged(LinkState.LIVE)
