"""Coalescing of feed events, and the link states the connection indicator relies on."""

from __future__ import annotations

from marketpulse.feed import LinkState, LinkStateChanged, coalesce
from realtime_server.protocol import Batch, Quote, Update


def quote(symbol: str, last: float, ts: int = 1) -> Quote:
    return Quote(
        symbol=symbol, last=last, bid=last - 0.01, ask=last + 0.01, bid_size=100, ask_size=100,
        open=last, high=last, low=last, prev_close=last, change=0.0, change_pct=0.0, volume=10,
        vwap=last, ts=ts,
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
