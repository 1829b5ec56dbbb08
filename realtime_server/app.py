"""Assembly of the feed server: every part built and wired here, in plain sight.

    source ──ticks──► QuoteBook ──quote──► Hub.publish ──► ClientWriter (per connection)
                                                              └─► Socket.IO `batch` event

`FeedService` owns the running parts and their order: `start` launches the source after the
hub exists; `stop` stops the source first, then tells every client goodbye, then drops state.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence

import socketio
from starlette.applications import Starlette

from realtime_server.config import Settings
from realtime_server.health import health_routes
from realtime_server.hub.catalog import ChannelCatalog
from realtime_server.hub.channels import ChannelLog
from realtime_server.hub.hub import Hub, HubLimits
from realtime_server.market.quotes import QuoteBook
from realtime_server.protocol import NAMESPACE, price_channel
from realtime_server.sources.base import Source, Tick
from realtime_server.sources.simulator import SimulatorSource
from realtime_server.sources.universe import DEFAULT_UNIVERSE
from realtime_server.transport import create_socket_server

log = logging.getLogger(__name__)


def build_source(settings: Settings) -> Source:
    """The market data source named by the settings."""
    return SimulatorSource(
        universe=DEFAULT_UNIVERSE,
        seed=settings.seed,
        ticks_per_second=settings.ticks_per_second,
    )


class FeedService:
    """The running feed: source, quotes book, hub and Socket.IO server."""

    def __init__(self, settings: Settings, source: Source | None = None) -> None:
        self.settings = settings
        self.source = source or build_source(settings)
        self.book = QuoteBook(self.source.instruments())
        self.hub = Hub(
            ChannelCatalog(self.book.symbols),
            ChannelLog(),
            HubLimits(
                min_throttle_ms=settings.min_throttle_ms,
                max_throttle_ms=settings.max_throttle_ms,
                max_subscriptions=settings.max_subscriptions,
            ),
        )
        self.sio = create_socket_server(settings, self.hub)
        self.ticks_seen = 0
        self._channels = {symbol: price_channel(symbol) for symbol in self.book.symbols}
        self._source_task: asyncio.Task[None] | None = None

    def on_ticks(self, ticks: Sequence[Tick]) -> None:
        """The source's sink: fold each tick into its quote and publish the quote."""
        for tick in ticks:
            self.hub.publish(self._channels[tick.symbol], self.book.apply(tick))
        self.ticks_seen += len(ticks)

    def readiness(self) -> dict[str, bool]:
        task = self._source_task
        return {
            "source_running": task is not None and not task.done(),
            "quotes_complete": self.book.quoted_count == len(self.book.symbols),
        }

    async def start(self) -> None:
        self._source_task = asyncio.create_task(self._run_source(), name="source")
        log.info(
            "feed started",
            extra={"source": self.source.name, "symbols": len(self.book.symbols)},
        )

    async def stop(self) -> None:
        if self._source_task is not None:
            self._source_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._source_task
        for sid in self.hub.connected_sids():
            await self.sio.disconnect(sid, namespace=NAMESPACE)
        self.hub.close()
        log.info("feed stopped")

    async def _run_source(self) -> None:
        try:
            await self.source.run(self.on_ticks)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("source failed", extra={"source": self.source.name})
            raise


def create_app(settings: Settings | None = None) -> socketio.ASGIApp:
    """The ASGI application: Socket.IO at `/<socketio_path>`, HTTP routes beside it."""
    settings = settings or Settings()
    service = FeedService(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await service.stop()

    http = Starlette(routes=health_routes(service.readiness), lifespan=lifespan)
    http.state.service = service
    return socketio.ASGIApp(service.sio, other_asgi_app=http, socketio_path=settings.socketio_path)
