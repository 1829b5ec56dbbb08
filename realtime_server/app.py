"""Assembly of the feed server: every part built and wired here, in plain sight.

    source ──ticks/jumps──► MarketEngine ──publish──► Hub ──► ClientWriter (per connection)
                               │  └─quotes─► AlertService ──fired──┘        └─► `batch` event
                               └── timer: bar closes, summary, ambient news
    FeedNamespace (Socket.IO /feed) ──► Guard (admission, tokens) ──► RequestHandlers ──► Hub

`FeedService` owns the running parts and their order. `start`: audit log, alerts (rules
loaded), then the source and the timer. `drain` (before the HTTP server closes sockets):
refuse new connections and say goodbye to every client. `stop`: source and timer first, then
in-flight alert persistence, then hub state and the audit log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import socketio
from starlette.applications import Starlette

from realtime_server.alerts import AlertService, AlertStore
from realtime_server.clock import now_ms
from realtime_server.config import Settings
from realtime_server.gc_tuning import tune_gc
from realtime_server.guard import Guard, build_verifier
from realtime_server.handlers import RequestHandlers
from realtime_server.health import health_routes
from realtime_server.http_api import api_routes
from realtime_server.hub.catalog import ChannelCatalog
from realtime_server.hub.channels import ChannelLog
from realtime_server.hub.hub import Hub, HubLimits
from realtime_server.market.engine import MarketEngine
from realtime_server.market.source_status import source_status
from realtime_server.metrics import FeedMetrics
from realtime_server.protocol import (
    SOURCE_CHANNEL,
    Channel,
    ChannelKind,
    DisconnectCode,
    SourceState,
    alerts_channel,
)
from realtime_server.security import AuditLog
from realtime_server.sources.base import Source
from realtime_server.sources.exchanges.feed import ExchangeFeed
from realtime_server.sources.registry import build_source
from realtime_server.transport import FeedNamespace, create_socket_server

log = logging.getLogger(__name__)

TIMER_INTERVAL_S = 0.25
SOURCE_STATUS_EVERY_MS = 1000
"""How often the `source` channel is published (the replayed clock moves with it)."""


class FeedService:
    """The running feed: source, market engine, alerts, hub, guard and Socket.IO server."""

    def __init__(self, settings: Settings, source: Source | None = None) -> None:
        self.settings = settings
        self.metrics = FeedMetrics()
        self.source = source or build_source(settings)
        instruments = self.source.instruments()
        self.log = ChannelLog(history_size=settings.history_size)
        self.hub = Hub(
            ChannelCatalog((i.describe() for i in instruments), self.source.info.name),
            self.log,
            self,
            HubLimits(
                min_throttle_ms=settings.min_throttle_ms,
                max_throttle_ms=settings.max_throttle_ms,
                max_subscriptions=settings.max_subscriptions,
                max_queue=settings.max_queue,
                max_pending_bytes=settings.max_pending_bytes,
                max_batch_wait_s=settings.max_batch_wait_s,
            ),
        )
        self.engine = MarketEngine(
            instruments,
            self.hub,
            seed=settings.seed,
            bars_history=settings.bars_history,
            bars_snapshot=settings.bars_snapshot,
            ambient_news_per_minute=settings.ambient_news_per_minute,
            generated_news=self.source.info.news == "generated",
            market=self.source.info.market,
        )
        book = self.engine.book
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.alert_store = AlertStore(settings.resolved_alerts_db_url)
        self.alerts = AlertService(
            self.alert_store,
            book,
            book.quote,
            self._publish_alert,
            max_rules_per_user=settings.max_alert_rules_per_user,
        )
        self.engine.add_quote_listener(self.alerts.on_quote)
        self.audit = AuditLog(settings.resolved_audit_log_path)
        self.guard = Guard(settings, build_verifier(settings), self.audit, self.metrics)
        self.sio = create_socket_server(settings)
        self.handlers = RequestHandlers(
            self.hub,
            self.guard,
            self.alerts,
            self.metrics,
            on_refresh=lambda peer: self.namespace.schedule_expiry(peer),
        )
        self.namespace = FeedNamespace(
            settings, self.hub, self.guard, self.handlers, self.metrics, self.audit
        )
        self.sio.register_namespace(self.namespace)
        self.metrics.watch_writers(self.hub.writer_stats)
        if isinstance(self.source, ExchangeFeed):
            self.metrics.watch_exchange(self.source.counts)
        self._tasks: list[asyncio.Task[None]] = []
        self._alerts_ready = False

    def snapshot(self, channel: Channel) -> Any | None:
        """Snapshots for subscribe acks (alerts are added by the handler, from the store)."""
        if channel.kind is ChannelKind.NEWS:
            return self.log.recent(channel.name, self.settings.news_snapshot)
        if channel.kind is ChannelKind.ALERTS:
            return None
        if channel.kind is ChannelKind.SOURCE:
            return source_status(self.source)
        return self.engine.snapshot(channel)

    def readiness(self) -> dict[str, bool]:
        book = self.engine.book
        return {
            "source_running": bool(self._tasks) and not self._tasks[0].done(),
            "source_ok": self.source.health().state is SourceState.OK,
            "quotes_complete": book.quoted_count == len(book.symbols),
            "alerts_ready": self._alerts_ready,
            "accepting": self.namespace.accepting,
        }

    def readiness_reasons(self) -> dict[str, str]:
        """Why a readiness check fails, where a user could be told (the source's reason)."""
        return {"source_ok": self.source.health().reason}

    def refresh_gauges(self) -> None:
        self.metrics.subscriptions.set(self.hub.subscription_count)
        self.metrics.source_up.set(1 if self.source.health().state is SourceState.OK else 0)
        if self.engine.last_tick_ts:
            self.metrics.source_lag.set(max(0.0, time.time() - self.engine.last_tick_ts / 1000))

    async def start(self) -> None:
        self.settings.resolved_audit_log_path.parent.mkdir(parents=True, exist_ok=True)
        self.audit.start()
        await self.alerts.start()
        self._alerts_ready = True
        self._tasks = [
            asyncio.create_task(self._run_source(), name="source"),
            asyncio.create_task(self._run_timer(), name="market-timer"),
        ]
        tune_gc()
        log.info(
            "feed started",
            extra={"source": self.source.info.name, "symbols": len(self.engine.book.symbols)},
        )

    async def drain(self) -> None:
        """Refuse new connections, then tell every client to go (before sockets close)."""
        await self.namespace.close_all(DisconnectCode.SHUTDOWN, "server shutting down")

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.alerts.stop()
        self.hub.close()
        await self.audit.stop()
        self.alert_store.close()
        log.info("feed stopped")

    def _publish_alert(self, user: str, fired: dict[str, Any]) -> None:
        self.hub.publish_lossless(alerts_channel(user), fired)

    async def _run_source(self) -> None:
        def on_ticks(ticks: Any) -> None:
            self.engine.on_ticks(ticks)
            self.metrics.ticks.inc(len(ticks))

        try:
            await self.source.run(on_ticks, self.engine.on_jump, self.engine.on_history)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("source failed", extra={"source": self.source.info.name})
            raise

    async def _run_timer(self) -> None:
        """Bar closes, the summary and the `source` status, on the source's market clock (the
        replayed moment under a replay: its bars close on the replayed minutes)."""
        interval_ms = self.settings.summary_interval_ms
        next_summary = next_status = 0
        while True:
            wall, market = now_ms(), self.source.clock_ms()
            due = wall >= next_summary
            if due:
                next_summary = wall + interval_ms
            try:
                self.engine.on_timer(market, summary_due=due, wall_ms=wall)
                if wall >= next_status:
                    next_status = wall + SOURCE_STATUS_EVERY_MS
                    self.hub.publish(SOURCE_CHANNEL, source_status(self.source))
            except Exception:
                log.exception("market timer failed")
            await asyncio.sleep(TIMER_INTERVAL_S)


@dataclass(frozen=True)
class FeedApp:
    asgi: socketio.ASGIApp
    service: FeedService


def create_app(settings: Settings | None = None) -> FeedApp:
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

    routes = health_routes(service.readiness, service.readiness_reasons) + api_routes(
        service.hub, service.guard, service.alerts, service.metrics, service.refresh_gauges
    )
    http = Starlette(routes=routes, lifespan=lifespan)
    asgi = socketio.ASGIApp(service.sio, other_asgi_app=http, socketio_path=settings.socketio_path)
    return FeedApp(asgi, service)
