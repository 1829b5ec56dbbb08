"""`ExchangeFeed`: a live exchange's websocket as a `Source`.

    connect ─► adapter.open (login, subscribe) ─► receive ─► adapter.parse ─► events
       ▲                                                      │
       └── backoff (full jitter) ◄── lost: unreachable, closed, silent, exchange error

Per event: trades are checked against the product's trade numbers (`sequence.py`: a gap
resubscribes the product, a repeat is dropped) and become ticks with the exchange's own best
bid/ask and day statistics (`book.py`); tickers update those. A missed trade that comes back
late (Kraken's snapshot after a resubscribe) is older than the quote: it goes to `on_history`
(the bars), not to the live quote. A message the adapter cannot
read is counted and dropped with one short log line (its first bytes, never a key). The feed
says how it is doing in `health()`: `starting`, `ok` once the exchange answers, `retrying` with
a reason a user can read ("Coinbase unreachable") and the time of the next attempt, or `down`
when the exchange refused the API key (retrying would not help). Nothing is invented while it
is not `ok`: no tick is made without an exchange's trade.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
import websockets
from websockets.asyncio.client import ClientConnection, connect

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
from realtime_server.sources.exchanges.sequence import Order, TradeNumbers

log = logging.getLogger(__name__)

WIRE_LOG = logging.getLogger("realtime_server.exchanges.wire")
"""The websocket library's own logger for exchange connections, kept above debug: its debug
lines print frames, and a login frame holds the API key."""
WIRE_LOG.setLevel(logging.INFO)

PREFIX_CHARS = 60
"""How much of a malformed message a log line shows."""
REASON_CHARS = 80
"""How much of an exchange's own error text a user is shown."""
MAX_MESSAGE_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class FeedOptions:
    """How a feed connects: where, how long silence may last, how it backs off."""

    url: str
    idle_s: float = 15.0
    """With an exchange that sends heartbeats, silence this long means the link is dead;
    otherwise websocket pings at this interval, unanswered this long, do."""
    open_timeout_s: float = 10.0
    backoff_base_s: float = 1.0
    backoff_cap_s: float = 30.0
    seed: int | None = None
    """Seeds the jitter (tests); None: random."""


@dataclass(slots=True)
class FeedCounts:
    """What a feed counted since it started (`/metrics`)."""

    connects: int = 0
    reconnects: int = 0
    malformed: int = 0
    repeats: int = 0
    """Trades received again (a snapshot after a resubscribe), dropped."""
    out_of_order: int = 0
    """Messages whose sequence was not past the last one, dropped."""
    gaps: int = 0
    recovered: int = 0
    """Missed trades received after the resubscribe (added to the bars)."""
    errors: int = 0
    """Errors the exchange reported."""


class _LostError(Exception):
    """The connection is gone; `reason` says so to a user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _SilentError(Exception):
    """Nothing arrived for longer than the exchange's heartbeat allows."""


class _WebsocketLink:
    """The open websocket as an adapter sees it: JSON out, raw messages in, silence timed."""

    def __init__(self, ws: ClientConnection, idle_s: float | None) -> None:
        self._ws = ws
        self._idle_s = idle_s

    async def send(self, message: dict[str, Any] | list[Any]) -> None:
        await self._ws.send(orjson.dumps(message).decode())

    async def receive(self) -> str | bytes:
        try:
            async with asyncio.timeout(self._idle_s):
                return await self._ws.recv()
        except TimeoutError:
            raise _SilentError from None


def clean(text: str, limit: int = REASON_CHARS) -> str:
    """An exchange's text fit for a log line or a user: printable, one line, short."""
    flat = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


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
            except _LostError as lost:
                reason = lost.reason
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
        """One connection, from opening to its loss (`_LostError`, `KeyRefusedError`)."""
        title, opts = self.adapter.title, self.options
        try:
            ws = await connect(
                self.adapter.url(opts.url),
                open_timeout=opts.open_timeout_s,
                ping_interval=opts.idle_s,
                ping_timeout=opts.idle_s,
                close_timeout=1.0,
                max_size=MAX_MESSAGE_BYTES,
                compression=None,
                proxy=None,
                logger=WIRE_LOG,
            )
        except websockets.InvalidStatus as refused:
            status = refused.response.status_code
            if status in (401, 403):
                raise KeyRefusedError from None
            raise _LostError(f"{title} refused the connection (HTTP {status})") from None
        except (OSError, TimeoutError, websockets.InvalidHandshake, websockets.InvalidURI):
            raise _LostError(f"{title} unreachable") from None
        self.counts.connects += 1
        self._numbers.forget()
        idle = opts.idle_s if self.adapter.heartbeats else None
        link = _WebsocketLink(ws, idle)
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
        except _SilentError:
            raise _LostError(f"{title} went silent (nothing for {opts.idle_s:g} s)") from None
        except websockets.ConnectionClosed:
            raise _LostError(f"{title} closed the connection") from None
        except ExchangeClosedError as closed:
            raise _LostError(f"{title}: {clean(str(closed))}") from None
        except (OSError, TimeoutError):
            raise _LostError(f"{title} unreachable") from None

    async def _open(self, link: _WebsocketLink) -> Sequence[Event]:
        """The adapter's login and subscriptions, within the opening timeout."""
        title = self.adapter.title
        try:
            async with asyncio.timeout(self.options.open_timeout_s):
                return await self.adapter.open(link)
        except TimeoutError:
            raise _LostError(f"{title} did not answer") from None
        except MalformedMessageError as why:
            raise _LostError(f"{title} answered unexpectedly ({why})") from None

    async def _handle(self, events: Sequence[Event], sink: TickSink, link: _WebsocketLink) -> None:
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
