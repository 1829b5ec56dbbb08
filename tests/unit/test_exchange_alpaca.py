"""The Alpaca adapter logs in by message, reads the snapshots for each symbol's quote, day
bar and previous close, subscribes, and reads the IEX stream's arrays (trades, quotes, daily
bars); a refused key is `KeyRefusedError`, other stream errors end the connection. The
messages are those Alpaca's market data documentation gives."""

from __future__ import annotations

import json

import pytest

from realtime_server.sources.base import DayStats
from realtime_server.sources.exchanges.alpaca import AlpacaAdapter, AlpacaKey
from realtime_server.sources.exchanges.events import (
    BookUpdate,
    DayUpdate,
    ExchangeClosedError,
    ExchangeError,
    KeyRefusedError,
    MalformedMessageError,
    Subscribed,
    Ticker,
    Trade,
)
from tests.support.fake_exchange import FakeAlpaca
from tests.support.fake_exchange.alpaca import KEY_ID, SECRET
from tests.support.fake_exchange.scripted_link import ScriptedLink

KEY = AlpacaKey(KEY_ID, SECRET)
CONNECTED = [{"T": "success", "msg": "connected"}]
AUTHENTICATED = [{"T": "success", "msg": "authenticated"}]
TRADE = {
    "T": "t", "i": 96921, "S": "AAPL", "x": "V", "p": 126.55, "s": 1,
    "t": "2021-02-22T15:51:44.208Z", "c": ["@", "I"], "z": "C",
}  # fmt: skip


def adapter(data_url: str = "http://127.0.0.1:9") -> AlpacaAdapter:
    return AlpacaAdapter(["AAPL"], KEY, data_url)


def test_the_stream_s_arrays_of_trades_quotes_and_daily_bars() -> None:
    quote = {
        "T": "q", "S": "AMD", "bx": "U", "bp": 87.66, "bs": 1, "ax": "Q", "ap": 87.68,
        "as": 4, "t": "2021-02-22T15:51:45.335689322Z", "c": ["R"], "z": "C",
    }  # fmt: skip
    daily = {
        "T": "d", "S": "AAPL", "o": 126.0, "h": 127.1, "l": 125.5, "c": 126.55, "v": 120_500,
        "t": "2021-02-22T05:00:00Z", "n": 1200, "vw": 126.3,
    }  # fmt: skip
    raw = json.dumps([TRADE, quote, daily, {"T": "b", "S": "AAPL"}])
    assert list(adapter().parse(raw)) == [
        Trade("AAPL", 126.55, 1.0, 1614009104208),
        BookUpdate("AMD", 87.66, 87.68, 1.0, 4.0),
        DayUpdate("AAPL", 126.0, 127.1, 125.5, 120_500.0, 126.3),
    ]
    assert list(adapter().parse(json.dumps([{"T": "subscription", "trades": ["AAPL"]}]))) == [
        Subscribed()
    ]
    error = [{"T": "error", "code": 405, "msg": "symbol limit exceeded"}]
    assert list(adapter().parse(json.dumps(error))) == [ExchangeError("symbol limit exceeded")]


@pytest.mark.parametrize(
    "raw",
    ['{"T": "t"}', "[1]", json.dumps([{**TRADE, "p": "cheap"}]), json.dumps([{"S": "AAPL"}])],
)
def test_anything_else_is_malformed(raw: str) -> None:
    with pytest.raises(MalformedMessageError):
        adapter().parse(raw)


async def test_login_snapshots_then_subscribe() -> None:
    with FakeAlpaca(["AAPL"]) as fake:
        link = ScriptedLink(CONNECTED, AUTHENTICATED)
        events = list(await adapter(fake.http_url).open(link))
        state = fake.state("AAPL")
    assert link.sent[0] == {"action": "auth", "key": KEY_ID, "secret": SECRET}
    assert link.sent[1] == {
        "action": "subscribe",
        "trades": ["AAPL"],
        "quotes": ["AAPL"],
        "dailyBars": ["AAPL"],
    }
    ticker, last = events
    assert isinstance(ticker, Ticker) and isinstance(last, Trade)
    assert (ticker.bid, ticker.ask, ticker.bid_size) == (state.bid, state.ask, 3.0)
    assert ticker.day == DayStats(
        open=state.open_24h,
        high=state.high_24h,
        low=state.low_24h,
        volume=round(state.volume_24h),
        prev_close=state.prev_close,
        vwap=round(state.price * 0.995, 2),
    )
    assert (last.product, last.price, last.size) == ("AAPL", state.price, 100.0)


async def test_a_refused_key_and_other_refusals() -> None:
    refused = ScriptedLink(CONNECTED, [{"T": "error", "code": 402, "msg": "auth failed"}])
    with pytest.raises(KeyRefusedError):
        await adapter().open(refused)
    limit = ScriptedLink(
        CONNECTED, [{"T": "error", "code": 406, "msg": "connection limit exceeded"}]
    )
    with pytest.raises(ExchangeClosedError, match="connection limit exceeded"):
        await adapter().open(limit)
    with FakeAlpaca(["AAPL"]) as fake:  # the stream took the key, the data API does not
        fake.refuse_key = True
        with pytest.raises(KeyRefusedError):
            await adapter(fake.http_url).open(ScriptedLink(CONNECTED, AUTHENTICATED))
    with pytest.raises(ExchangeClosedError, match="snapshots unavailable"):  # nothing there
        await adapter().open(ScriptedLink(CONNECTED, AUTHENTICATED))


def test_the_key_never_shows_in_a_repr() -> None:
    assert SECRET not in repr(KEY) and KEY_ID not in repr(KEY)
    assert SECRET not in repr(adapter().__dict__)
