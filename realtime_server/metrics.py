"""Prometheus metrics of the feed server, served as text at `/metrics`.

Counters that change on the hot path (updates sent, conflation drops) are not incremented per
update: each connection's writer counts them in plain integers, and a collector sums them at
scrape time (live connections plus a running total of closed ones). Everything else is a
regular prometheus-client metric in the service's own registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from realtime_server.hub.writer import WriterStats
from realtime_server.sources.exchanges.feed import FeedCounts

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0)


class _WriterCollector(Collector):
    def __init__(self, totals: Callable[[], WriterStats]) -> None:
        self._totals = totals

    def collect(self) -> Iterator[Metric]:
        totals = self._totals()
        yield CounterMetricFamily(
            "feed_batches_sent", "Batches flushed to connections", value=totals.batches
        )
        yield CounterMetricFamily(
            "feed_updates_sent", "Channel updates delivered inside batches", value=totals.updates
        )
        yield CounterMetricFamily(
            "feed_conflation_drops",
            "Updates superseded by a newer value before they were sent",
            value=totals.conflation_drops,
        )
        yield GaugeMetricFamily(
            "feed_queue_depth", "Updates waiting in connection writers", value=totals.queue_depth
        )


class _ExchangeCollector(Collector):
    """A live source's own counts (plain integers in the feed), read at scrape time."""

    def __init__(self, counts: FeedCounts) -> None:
        self._counts = counts

    def collect(self) -> Iterator[Metric]:
        c = self._counts
        yield CounterMetricFamily(
            "feed_source_reconnects",
            "Connections to the exchange lost (or refused) and retried",
            value=c.reconnects,
        )
        dropped = CounterMetricFamily(
            "feed_source_dropped_messages",
            "Exchange messages dropped: malformed, repeated, out of sequence, no ticker yet",
            labels=["reason"],
        )
        dropped.add_metric(["malformed"], c.malformed)
        dropped.add_metric(["repeat"], c.repeats)
        dropped.add_metric(["out_of_order"], c.out_of_order)
        dropped.add_metric(["no_ticker"], c.no_ticker)
        yield dropped
        yield CounterMetricFamily(
            "feed_source_sequence_gaps",
            "Gaps in an exchange's trade numbers (each resubscribes the product)",
            value=c.gaps,
        )
        yield CounterMetricFamily(
            "feed_source_recovered_trades",
            "Missed trades received after the resubscribe (added to the bars)",
            value=c.recovered,
        )
        yield CounterMetricFamily(
            "feed_source_exchange_errors", "Errors the exchange reported", value=c.errors
        )


class FeedMetrics:
    """Every metric of one feed service, in its own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.connections = Gauge("feed_connections", "Open /feed connections", ["kind"], registry=r)
        self.subscriptions = Gauge("feed_subscriptions", "Channel subscriptions held", registry=r)
        self.connects = Counter("feed_connects", "Accepted connections", registry=r)
        self.refusals = Counter(
            "feed_refusals", "Refused connections by code", ["code"], registry=r
        )
        self.requests = Counter("feed_requests", "Client requests by event", ["event"], registry=r)
        self.request_errors = Counter(
            "feed_request_errors", "Refused requests by code", ["code"], registry=r
        )
        self.disconnects = Counter(
            "feed_server_disconnects",
            "Connections closed by the server, by code",
            ["code"],
            registry=r,
        )
        self.ticks = Counter("feed_ticks", "Ticks received from the source", registry=r)
        self.source_lag = Gauge(
            "feed_source_lag_seconds", "Age of the newest tick when it was processed", registry=r
        )
        self.source_up = Gauge(
            "feed_source_up",
            "1 while the market data source is ok, 0 while it starts, retries or is down",
            registry=r,
        )
        self.delivery_latency = Histogram(
            "feed_delivery_latency_seconds",
            "Source timestamp to flush, one batch in 8 (newest market update in it)",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.request_seconds = Histogram(
            "feed_request_seconds",
            "Time to handle a request",
            ["event"],
            registry=r,
            buckets=LATENCY_BUCKETS,
        )
        self.client_rtt = Histogram(
            "feed_client_rtt_seconds",
            "Round trips reported by clients in ping",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )

    def watch_writers(self, totals: Callable[[], WriterStats]) -> None:
        """Expose writer counts, computed by `totals` at each scrape."""
        self.registry.register(_WriterCollector(totals))

    def watch_exchange(self, counts: FeedCounts) -> None:
        """Expose a live source's counts of reconnects, dropped messages and gaps."""
        self.registry.register(_ExchangeCollector(counts))

    def render(self) -> bytes:
        return generate_latest(self.registry)
