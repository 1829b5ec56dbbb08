"""`ExchangeFeed`: a live exchange's websocket as a `Source`.

    connect ─► adapter.open (login, subscribe) ─► receive ─► adapter.parse ─► events
       ▲                                                      │
       └── backoff (full jitter) ◄── lost: unreachable, closed, silent, exchange error

Per event: trades are checked against the product's trade numbers (`sequence.py`: a gap
resubscribes the product, a repeat is dropped) and become ticks with the exchange's own best
bid/ask and day statistics (`book.py`); tickers update those. A missed trade that comes back
late (Kraken's snapshot after a resubscribe) is older than the quote: it goes to `on_history`
(the bars), not to the live quote. A message the adapter cannot read is counted and dropped
with one short log line (its first bytes, never a key). The connection itself is `link.py`.

The feed says how it is doing in `health()`: `starting`, `ok` once the exchange answers,
`retrying` with a reason a user can read ("Coinbase unreachable") and the time of the next
attempt, or `down` when the exchange refused the API key (retrying would not help). Nothing
is invented while it is not `ok`: no tick is made without an exchange's trade.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import websockets

from realtime_server.protocol import SourceKind, SourceState
from realtime_server.sources.base import (
    Instrument,
    JumpSink,
    SourceHealth,
    SourceInfo,
    Tick,
    TickSink,
)
from realtime_server.sources.exchanges.adapter import Adapter
from realtime_server.sources.exchanges.backoff import Backoff
from realtime_server.sources.exchanges.book import ProductBooks
from realtime_server.sources.exchanges.events import (
    BookUpdate,
    DayUpdate,
    Event,
    ExchangeClosedError,
    ExchangeError,
    Heartbeat,
    KeyRefusedError,
    MalformedMessageError,
    Subscribed,
    Ticker,
    Trade,
)
from realtime_server.sources.exchanges.link import (
    FeedOptions,
    LostError,
    SilentError,
    WebsocketLink,
    clean,
    open_websocket,
)
from realtime_server.sources.exchanges.sequence import Order, TradeNumbers

log = logging.getLogger(__name__)

PREFIX_CHARS = 60
"""How much of a malformed message a log line shows."""


@dataclass(slots=True)
class FeedCounts:
    """What a feed counted since it started (`/metrics`)."""

    reconnects: int = 0
    malformed: int = 0
    repeats: int = 0
    """Trades received again (a snapshot after a resubscribe), dropped."""
    out_of_order: int = 0
    """Messages whose sequence was not past the last one, dropped."""
    no_ticker: int = 0
    """Trades dropped while too many waited for their product's first ticker."""
    gaps: int = 0
    recovered: int = 0
    """Missed trades received after the resubscribe (added to the bars)."""
    errors: int = 0
    """Errors the exchange reported."""


class ExchangeFeed:
    """A `Source` fed by one exchange's websocket, through its `Adapter`."""

    def __init__(
        self,
        adapter: Adapter,
        options: FeedOptions,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.adapter = adapter
        self.options = options
        self.info = SourceInfo(
            name=adapter.name,
            kind=SourceKind.LIVE,
            label=f"Live · {adapter.title}",
            market=adapter.market,
            news="none",
        )
        self.counts = FeedCounts()
        self._clock = clock
        self._instruments = tuple(p.instrument() for p in adapter.products.products)
        self._backoff = Backoff(
            options.backoff_base_s, options.backoff_cap_s, random.Random(options.seed)
        )
        self._health = SourceHealth(SourceState.STARTING, f"Connecting to {adapter.title}")
        self._numbers = TradeNumbers()
        self._books = ProductBooks()
        self._history: TickSink | None = None

    def instruments(self) -> Sequence[Instrument]:
        return self._instruments

    def health(self) -> SourceHealth:
        return self._health

    def clock_ms(self) -> int:
        return int(self._clock() * 1000)

    async def run(
        self,
        sink: TickSink,
        on_jump: JumpSink | None = None,
        on_history: TickSink | None = None,
    ) -> None:
        """Connect, stream, and reconnect after every loss, until cancelled or the key is
        refused. (No past is fetched: charts start with what the feed sees from now on;
        `on_history` receives only missed trades recovered after a gap.)"""
        title = self.adapter.title
        self._history = on_history
        while True:
            try:
                await self._session(sink)
            except KeyRefusedError:
                self._health = SourceHealth(SourceState.DOWN, f"{title} refused the API key")
                log.error("exchange refused the API key", extra={"source": self.adapter.name})
                return
            except LostError as lost:
                reason = lost.reason
            except Exception:  # a bug must not end a live feed: log it, retry as after a loss
                log.exception("exchange feed failed", extra={"source": self.adapter.name})
                reason = f"{title} feed failed"
            delay = self._backoff.next_delay()
            self.counts.reconnects += 1
            self._health = SourceHealth(
                SourceState.RETRYING, reason, retry_at_ms=self.clock_ms() + int(delay * 1000)
            )
            log.warning(
                "exchange connection lost",
                extra={
                    "source": self.adapter.name,
                    "reason": reason,
                    "retry_in_s": round(delay, 2),
                },
            )
            await asyncio.sleep(delay)

    async def _session(self, sink: TickSink) -> None:
        """One connection, from opening to its loss (`LostError`, `KeyRefusedError`)."""
        title, opts = self.adapter.title, self.options
        ws = await open_websocket(self.adapter.url(opts.url), opts, title)
        self._numbers.forget()
        idle = opts.idle_s if self.adapter.heartbeats else None
        link = WebsocketLink(ws, idle)
        try:
            async with ws:
                await self._handle(await self._open(link), sink, link)
                while True:
                    raw = await link.receive()
                    try:
                        events = self.adapter.parse(raw)
                    except MalformedMessageError as why:
                        self._malformed(raw, str(why))
                        continue
                    await self._handle(events, sink, link)
        except SilentError:
            raise LostError(f"{title} went silent (nothing for {opts.idle_s:g} s)") from None
        except websockets.ConnectionClosed:
            raise LostError(f"{title} closed the connection") from None
        except ExchangeClosedError as closed:
            raise LostError(f"{title}: {clean(str(closed))}") from None
        except (OSError, TimeoutError):
            raise LostError(f"{title} unreachable") from None

    async def _open(self, link: WebsocketLink) -> Sequence[Event]:
        """The adapter's login and subscriptions, within the opening timeout."""
        title = self.adapter.title
        try:
            async with asyncio.timeout(self.options.open_timeout_s):
                return await self.adapter.open(link)
        except TimeoutError:
            raise LostError(f"{title} did not answer") from None
        except MalformedMessageError as why:
            raise LostError(f"{title} answered unexpectedly ({why})") from None

    async def _handle(self, events: Sequence[Event], sink: TickSink, link: WebsocketLink) -> None:
        ticks: list[Tick] = []
        late: list[Tick] = []
        resync: list[str] = []
        for event in events:
            if isinstance(event, ExchangeError):
                self._exchange_error(event)
                continue
            self._alive(data=not isinstance(event, Subscribed))
            if isinstance(event, Trade):
                tick, order = self._trade(event, resync)
                if tick is not None:
                    (late if order is Order.RECOVERED else ticks).append(tick)
            elif isinstance(event, Ticker):
                product = self.adapter.products.by_venue(event.product)
                if product is not None and self._in_order("ticker", event.product, event):
                    ticks += self._books.ticker(product.symbol, event)
            elif isinstance(event, BookUpdate):
                product = self.adapter.products.by_venue(event.product)
                if product is not None:
                    ticks += self._books.quote(product.symbol, event)
            elif isinstance(event, DayUpdate):
                product = self.adapter.products.by_venue(event.product)
                if product is not None:
                    self._books.day(product.symbol, event)
            elif isinstance(event, Heartbeat):
                self._heartbeat(event, resync)
        self.counts.no_ticker = self._books.dropped_waiting
        if ticks:
            sink(ticks)
        if late and self._history is not None:
            self._history(late)
        for venue_id in resync:
            self._numbers.resync(venue_id)
            for message in self.adapter.resync(venue_id):
                await link.send(message)

    def _trade(self, trade: Trade, resync: list[str]) -> tuple[Tick | None, Order]:
        product = self.adapter.products.by_venue(trade.product)
        if product is None or not self._in_order("trade", trade.product, trade):
            return None, Order.REPEAT
        order = Order.NEXT
        if trade.trade_id is not None:
            order = self._numbers.trade(trade.product, trade.trade_id)
            if order is Order.REPEAT:
                self.counts.repeats += 1
                return None, order
            if order is Order.GAP:
                self._gap(trade.product, resync)
            if order is Order.RECOVERED:
                self.counts.recovered += 1
        return self._books.trade(product.symbol, trade), order

    def _heartbeat(self, beat: Heartbeat, resync: list[str]) -> None:
        if beat.product is None or beat.last_trade_id is None:
            return
        if not self._in_order("heartbeat", beat.product, beat):
            return
        if self._numbers.heartbeat(beat.product, beat.last_trade_id):
            self._gap(beat.product, resync)

    def _in_order(self, kind: str, venue_id: str, event: Trade | Ticker | Heartbeat) -> bool:
        if event.sequence is None or self._numbers.fresh(f"{kind}:{venue_id}", event.sequence):
            return True
        self.counts.out_of_order += 1
        return False

    def _gap(self, venue_id: str, resync: list[str]) -> None:
        self.counts.gaps += 1
        log.warning(
            "exchange trades missed: resubscribing",
            extra={"source": self.adapter.name, "product": venue_id},
        )
        if venue_id not in resync:
            resync.append(venue_id)

    def _alive(self, *, data: bool) -> None:
        if self._health.state is not SourceState.OK:
            self._health = SourceHealth(SourceState.OK)
            log.info("exchange connected", extra={"source": self.adapter.name})
        if data:
            self._backoff.reset()

    def _exchange_error(self, error: ExchangeError) -> None:
        self.counts.errors += 1
        log.warning(
            "exchange reported an error",
            extra={
                "source": self.adapter.name,
                "product": error.product,
                "text": clean(error.text),
            },
        )
        if error.product is None:
            raise ExchangeClosedError(error.text)

    def _malformed(self, raw: str | bytes, why: str) -> None:
        self.counts.malformed += 1
        start = raw[:PREFIX_CHARS]
        log.warning(
            "malformed exchange message dropped",
            extra={
                "source": self.adapter.name,
                "why": why,
                "start": clean(start if isinstance(start, str) else repr(start), PREFIX_CHARS),
            },
        )
