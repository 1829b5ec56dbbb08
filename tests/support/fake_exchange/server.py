"""`FakeExchange`: the websocket server, its thread and loop, its clock of trades, and the
faults a test can script. Each exchange's subclass says what it answers and what it sends.

The server runs on its own event loop in a daemon thread, so that a test's blocking waits
(the feed server's start) never stall it; every scripting method is safe to call from the
test's thread. Every `beat_s` each product trades once and each subscribed connection is sent
that exchange's messages for it (plus its heartbeats); `go_silent` stops all sending with the
connections left open.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from tests.support.fake_exchange.market import FakeMarket, FakeTrade, ProductState
from tests.support.ports import LOOPBACK, free_port


@dataclass
class Client:
    """One connection to the fake, and what it subscribed to (the exchange's names; where an
    exchange subscribes per channel, `channel:product`)."""

    ws: ServerConnection
    products: set[str] = field(default_factory=set)
    ready: bool = False
    """Logged in, where the exchange wants a login."""


class FakeExchange:
    """A fake exchange; subclasses speak one exchange's messages."""

    name = "fake"

    def __init__(
        self,
        prices: dict[str, float],
        *,
        places: dict[str, int] | None = None,
        beat_s: float = 0.05,
        port: int | None = None,
    ) -> None:
        self.market = FakeMarket(prices, places)
        self.beat_s = beat_s
        self.port = port or free_port()
        self.received: list[Any] = []
        """Every JSON message clients sent, in order."""
        self.connections = 0
        """Connections opened so far."""
        self._clients: dict[ServerConnection, Client] = {}
        self._silent = False
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=f"fake-{self.name}", daemon=True)
        self._started = threading.Event()
        self._server: Server | None = None
        self._stop: asyncio.Future[None] | None = None

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"ws://{LOOPBACK}:{self.port}"

    @property
    def http_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> FakeExchange:
        self._thread.start()
        if not self._started.wait(5):
            raise RuntimeError(f"fake {self.name} did not start")
        return self

    def close(self) -> None:
        """Stop serving and cut every connection (again: nothing)."""
        if not self._thread.is_alive():
            return
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set_result, None)
        self._thread.join(5)

    def __enter__(self) -> FakeExchange:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- scripting (from the test's thread) ------------------------------------------------

    def skip_trade(self, product: str) -> None:
        """The product's next trade number is skipped: its trade is never sent."""
        self._loop.call_soon_threadsafe(self.market.skip, product)

    def drop_connections(self) -> None:
        """Every connection is cut at once, with no closing handshake."""

        def drop() -> None:
            for ws in list(self._clients):
                ws.transport.abort()

        self._loop.call_soon_threadsafe(drop)

    def go_silent(self) -> None:
        """Nothing more is sent (trades, tickers, heartbeats); connections stay open."""
        self._silent = True

    def resume(self) -> None:
        self._silent = False

    def send_raw(self, text: str) -> None:
        """Send `text` as is to every connection (garbage, a malformed message); not while
        silent."""
        asyncio.run_coroutine_threadsafe(self._broadcast([text]), self._loop).result(5)

    def messages(self, predicate: Callable[[Any], bool] = lambda _: True) -> list[Any]:
        with self._lock:
            return [m for m in self.received if predicate(m)]

    def wait_for(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"fake {self.name}: condition not met in {timeout} s")
            time.sleep(0.02)

    # -- what subclasses say ---------------------------------------------------------------

    async def on_open(self, client: Client) -> None:
        """A connection opened (the exchange's greeting, a URL's subscriptions)."""

    async def on_message(self, client: Client, message: Any) -> None:
        """A JSON message from the client (subscribe, auth ...)."""

    def frames(self, client: Client, trade: FakeTrade) -> list[Any]:
        """The exchange's messages for one trade (the trade, its ticker) to one client."""
        return []

    def heartbeats(self, client: Client) -> list[Any]:
        """Messages sent each beat whatever trades (an exchange's heartbeat)."""
        return []

    def http(self, request: Request) -> tuple[int, Any] | None:
        """An HTTP answer (status, JSON) for a plain GET, or None for a websocket."""
        return None

    def state(self, product: str) -> ProductState:
        """A product's current price, trade number and day figures (read from the test)."""
        return self.market.products[product]

    # -- the server ------------------------------------------------------------------------

    async def send(self, client: Client, messages: Iterable[Any]) -> None:
        """Send JSON values (or text as is) to one client; nothing while silent."""
        for message in messages:
            if self._silent:
                return
            text = message if isinstance(message, str) else json.dumps(message)
            try:
                await client.ws.send(text)
            except ConnectionClosed:
                return

    async def _broadcast(self, texts: list[str]) -> None:
        for client in list(self._clients.values()):
            await self.send(client, texts)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())
        self._loop.close()

    async def _main(self) -> None:
        self._stop = self._loop.create_future()
        async with serve(
            self._handle, LOOPBACK, self.port, process_request=self._process_request
        ) as server:
            self._server = server
            beats = asyncio.create_task(self._beats())
            self._started.set()
            await self._stop
            beats.cancel()
            for ws in list(self._clients):
                ws.transport.abort()

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return None
        answer = self.http(request)
        if answer is None:
            return connection.respond(404, "not found\n")
        status, body = answer
        response = connection.respond(status, json.dumps(body))
        response.headers["Content-Type"] = "application/json"
        return response

    async def _handle(self, ws: ServerConnection) -> None:
        client = Client(ws)
        self._clients[ws] = client
        self.connections += 1
        try:
            await self.on_open(client)
            async for raw in ws:
                try:
                    message = json.loads(raw)
                except ValueError:
                    continue
                with self._lock:
                    self.received.append(message)
                await self.on_message(client, message)
        except ConnectionClosed:
            pass
        finally:
            self._clients.pop(ws, None)

    async def _beats(self) -> None:
        while True:
            await asyncio.sleep(self.beat_s)
            if self._silent:
                continue
            trades = [self.market.step(p) for p in self.market.products]
            for client in list(self._clients.values()):
                if not client.ready:
                    continue
                out: list[Any] = []
                for trade in trades:
                    out += self.frames(client, trade)
                out += self.heartbeats(client)
                await self.send(client, out)
