"""Protocol values for tests: quotes, bars, headlines, summaries, fired alerts, source statuses,
batches, and catalogs.

Each builder takes the fields a test cares about and fills the rest with plain, valid values.
"""

from __future__ import annotations

from collections.abc import Mapping

from marketpulse.display.catalog import Catalog
from realtime_server.protocol import (
    Bar,
    Batch,
    CatalogAck,
    ChannelData,
    FiredAlert,
    IndexLevel,
    Instrument,
    NewsItem,
    Quote,
    SourceStatus,
    Summary,
    Update,
)


def catalog(names: Mapping[str, str], decimals: Mapping[str, int] | None = None) -> Catalog:
    """The app's catalog of a feed that trades `names` (symbol: name), quoted in cents or at
    `decimals` places."""
    places = decimals or {}
    instruments = [
        Instrument(symbol=s, name=n, sector="Test", price_decimals=places.get(s, 2))
        for s, n in names.items()
    ]
    return Catalog.of(CatalogAck(id="c", source="test", instruments=instruments))


def quote(symbol: str, last: float, ts: int = 1, change_pct: float = 0.0) -> Quote:
    return Quote(
        symbol=symbol, last=last, bid=last - 0.01, ask=last + 0.01, bid_size=100, ask_size=100,
        open=last, high=last, low=last, prev_close=last, change=change_pct, change_pct=change_pct,
        volume=10, vwap=last, ts=ts,
    )  # fmt: skip


def bar(
    start: int,
    close: float,
    closed: bool = False,
    *,
    symbol: str = "AAPL",
    interval: str = "1s",
) -> Bar:
    return Bar(
        symbol=symbol, interval=interval, start=start, open=1, high=2, low=1, close=close,
        volume=1, trades=1, closed=closed,
    )  # fmt: skip


def news(n: int | str, ts: int | None = None, symbols: tuple[str, ...] = ()) -> NewsItem:
    return NewsItem(
        id=f"n{n}", ts=int(n) if ts is None else ts, headline=f"headline {n}", body="",
        symbols=list(symbols), sectors=[], sentiment="neutral", source="wire",
    )  # fmt: skip


def summary(ts: int = 1) -> Summary:
    return Summary(
        ts=ts, indices=[IndexLevel(name="MP50", value=1.0, change=0.0, change_pct=0.0)],
        advancers=1, decliners=0, unchanged=0, gainers=[], losers=[], most_active=[],
    )  # fmt: skip


def alert(alert_id: str, symbol: str = "AAPL") -> FiredAlert:
    return FiredAlert(
        id=alert_id, rule_id="r1", symbol=symbol, condition="above", threshold=1.0, price=2.0,
        ts=1, message=f"{symbol} rose above 1.00",
    )  # fmt: skip


def source_status(state: str = "ok", clock: int = 1, **changes: object) -> SourceStatus:
    """The simulator's status (`state`, its clock at `clock`), with any field changed."""
    fields: dict[str, object] = {
        "name": "simulator", "kind": "simulated", "label": "Simulated market", "state": state,
        "clock": clock, "session": "always",
    }  # fmt: skip
    return SourceStatus.model_validate(fields | changes)


def batch(*quotes: Quote, seq: int = 1) -> Batch:
    """A batch of quotes on their price channels, all at `seq`."""
    return Batch(
        server_ts=0,
        updates=[Update(channel=f"price:{q.symbol}", seq=seq, data=q) for q in quotes],
    )


def updates(*items: tuple[str, ChannelData], first_seq: int = 1) -> Batch:
    """A batch of (channel, data) updates with consecutive seqs."""
    return Batch(
        server_ts=1,
        updates=[
            Update(channel=channel, seq=first_seq + i, data=data)
            for i, (channel, data) in enumerate(items)
        ],
    )
