"""The parts every live feed shares: reconnect delays (full jitter, seeded), trade-number
gaps, repeats and recoveries, trades waiting for a product's first ticker, and the words a
user or a log line is given from an exchange's text."""

from __future__ import annotations

import random

import pytest

from realtime_server.sources.base import DayStats
from realtime_server.sources.exchanges.backoff import Backoff
from realtime_server.sources.exchanges.book import PENDING_TRADES, ProductBooks
from realtime_server.sources.exchanges.events import BookUpdate, DayUpdate, Ticker, Trade
from realtime_server.sources.exchanges.link import clean
from realtime_server.sources.exchanges.sequence import Order, TradeNumbers

DAY = DayStats(open=100.0, high=110.0, low=90.0, volume=5_000.0, prev_close=99.0, vwap=101.0)


def test_backoff_is_full_jitter_under_a_doubling_ceiling_and_resets() -> None:
    backoff = Backoff(0.5, 4.0, random.Random(3))
    delays = [backoff.next_delay() for _ in range(8)]
    ceilings = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0]
    assert all(0 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    again = Backoff(0.5, 4.0, random.Random(3))
    assert [again.next_delay() for _ in range(8)] == delays  # seeded: the same draws
    assert len(set(delays)) == 8  # jittered, never in step
    backoff.reset()
    assert backoff.next_delay() <= 0.5
    many = Backoff(1.0, 1.0, random.Random(1))
    spread = [many.next_delay() for _ in range(2000)]
    assert min(spread) < 0.05 and max(spread) > 0.95  # the whole range [0, ceiling]
    with pytest.raises(ValueError):
        Backoff(2.0, 1.0)


def test_trade_numbers_find_gaps_repeats_and_the_missed_trades_coming_back() -> None:
    numbers = TradeNumbers()
    assert [numbers.trade("BTC", n) for n in (10, 11, 12)] == [Order.NEXT] * 3
    assert numbers.trade("BTC", 15) is Order.GAP  # 13 and 14 missed
    numbers.resync("BTC")
    # the snapshot after the resubscribe: seen trades repeat, missed ones are recovered
    assert [numbers.trade("BTC", n) for n in (11, 12, 13, 14, 15)] == [
        Order.REPEAT,
        Order.REPEAT,
        Order.RECOVERED,
        Order.RECOVERED,
        Order.REPEAT,
    ]
    assert numbers.trade("BTC", 13) is Order.REPEAT  # recovered once only
    assert numbers.trade("BTC", 40) is Order.NEXT  # past the resync: a new count
    assert numbers.trade("BTC", 41) is Order.NEXT
    assert numbers.trade("ETH", 7) is Order.NEXT  # each product apart


def test_a_heartbeat_past_the_last_trade_is_a_gap_and_a_reconnect_starts_afresh() -> None:
    numbers = TradeNumbers()
    numbers.trade("BTC", 20)
    assert numbers.heartbeat("BTC", 20) is False
    assert numbers.heartbeat("BTC", 22) is True  # 21 and 22 never arrived
    assert numbers.trade("BTC", 21) is Order.RECOVERED
    assert numbers.fresh("ticker:BTC", 5) and not numbers.fresh("ticker:BTC", 5)
    assert numbers.fresh("match:BTC", 5)  # per channel: a ticker and its match share it
    numbers.forget()
    assert numbers.fresh("ticker:BTC", 1)
    assert numbers.trade("BTC", 90) is Order.NEXT  # what passed while away is not a gap


def test_trades_wait_for_the_first_ticker_then_carry_its_book_and_day() -> None:
    books = ProductBooks()
    early = Trade("btcusd", 101.0, 0.5, ts=1_000)
    assert books.trade("BTC-USD", early) is None
    [tick] = books.ticker("BTC-USD", Ticker("btcusd", 100.5, 101.5, 2.0, 3.0, DAY))
    assert (tick.price, tick.bid, tick.ask, tick.ts, tick.day) == (101.0, 100.5, 101.5, 1_000, DAY)
    assert tick.volume == DAY.volume  # the exchange's day volume, not the trades seen
    books.quote("BTC-USD", BookUpdate("btcusd", 100.8, 101.2, 1.0, 1.0))
    books.day("BTC-USD", DayUpdate("btcusd", 100.0, 120.0, 80.0, 9_000.0, None))
    later = books.trade("BTC-USD", Trade("btcusd", 102.0, 1.0, ts=2_000))
    assert later is not None and (later.bid, later.ask) == (100.8, 101.2)
    assert later.day == DayStats(100.0, 120.0, 80.0, 9_000.0, prev_close=99.0, vwap=None)


def test_a_quote_alone_does_not_make_a_book_and_the_wait_is_bounded() -> None:
    books = ProductBooks()
    assert books.quote("AAPL", BookUpdate("AAPL", 1.0, 2.0, 1.0, 1.0)) == []  # no day yet
    books.day("AAPL", DayUpdate("AAPL", 1.0, 2.0, 1.0, 3.0))  # no previous close known
    for n in range(PENDING_TRADES + 5):
        assert books.trade("AAPL", Trade("AAPL", 1.5, 1.0, ts=n)) is None
    assert books.dropped_waiting == 5
    released = books.ticker("AAPL", Ticker("AAPL", 1.0, 2.0, 1.0, 1.0, DAY))
    assert [t.ts for t in released] == list(range(5, PENDING_TRADES + 5))


def test_exchange_text_is_made_printable_and_short() -> None:
    assert clean("bad\nthing\x00 here") == "bad thing  here"
    assert clean("x" * 500, 20) == "x" * 19 + "…"
