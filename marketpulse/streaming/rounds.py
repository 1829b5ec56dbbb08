"""The values one round of a tab's feed task reads and writes: `TabView` in, `Delivery` out.

Each round the task reads a `TabView` from the tab's states in one short lock, asks `TabFeed`
for the round's `Delivery`, and writes it into the states before the lock ends. Both are plain
values, so what a tab decides is tested without Reflex, a browser or a network.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Literal

from marketpulse.display.catalog import EMPTY_CATALOG, Catalog
from marketpulse.display.news import NewsRow
from marketpulse.display.source import SourceView
from marketpulse.feed import ConnectionStatus, FeedMetricsSnapshot
from marketpulse.streaming.alert_jobs import AlertOutcome, AlertRequest
from marketpulse.streaming.desk import ChartDelta
from realtime_server.protocol import FiredAlert, Quote, Summary

WIDGETS = frozenset({"quotes", "summary", "chart", "movers", "news", "alerts"})
"""The dashboard's widgets; "quotes" and "summary" cannot be folded away."""


@dataclasses.dataclass(frozen=True, slots=True)
class TabView:
    """What the tab's states say right now (read inside the lock)."""

    subject: str
    """The signed-in user's feed subject; "" for a guest."""
    user_id: int
    """The signed-in user's id; 0 for a guest (whose watchlist is not stored)."""
    symbols: tuple[str, ...]
    throttle_ms: int
    chart: tuple[str, str] | None
    """The chart's (interval, symbol)."""
    showing: bool = True
    """Updates may reach the page (the tab is visible and the user has not paused)."""
    open_widgets: frozenset[str] = WIDGETS
    announce: bool = False
    """The user asked for spoken price announcements."""
    watchlist_version: int = 0
    """Changes with every edit of the watchlist."""
    default_watchlist: bool = False
    """The watchlist is still the default one (of whatever market it was written for)."""
    alert_requests: tuple[AlertRequest, ...] = ()
    """Alert requests the user queued since the last round."""


@dataclasses.dataclass(frozen=True, slots=True)
class Notice:
    """A message for the user (a toast); `key` makes a repeated one replace the last."""

    level: Literal["info", "success", "warning", "error"]
    text: str
    key: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class WatchlistDelivery:
    """The watchlist's rows to show: its symbols, with the quotes that moved, and the catalog
    that names them and says how their prices are quoted."""

    symbols: tuple[str, ...]
    moved: Mapping[str, Quote]
    named_by: Catalog


@dataclasses.dataclass(frozen=True, slots=True)
class NewsDelivery:
    """The headlines to show (newest first), those new since the last showing, and the
    watchlist they may be filtered to."""

    rows: list[NewsRow]
    fresh: list[NewsRow]
    symbols: tuple[str, ...]


@dataclasses.dataclass(slots=True)
class Delivery:
    """What each state is given this round; None or empty leaves that state alone."""

    link: ConnectionStatus | None = None
    metrics: FeedMetricsSnapshot | None = None
    watchlist: WatchlistDelivery | None = None
    watchlist_start: tuple[str, ...] = ()
    """A guest's new watchlist, from the feed's catalog: the one it had is of another market."""
    chart_symbol: str = ""
    """The symbol the chart moves to: the one it follows is not traded by this feed."""
    chart: ChartDelta | None = None
    chart_instrument: tuple[str, int] | None = None
    """The chart's company name and its prices' decimal places, when they changed."""
    summary: Summary | None = None
    movers: bool = False
    """Show the summary's movers lists too (the movers widget is open)."""
    named_by: Catalog = EMPTY_CATALOG
    """The catalog that names and quotes this round's symbols (the summary's movers)."""
    """Names by symbol, for the rows built from `summary` and `watchlist`."""
    news: NewsDelivery | None = None
    freshness: dict[str, int] = dataclasses.field(default_factory=dict)
    """When data last arrived for each shown widget (ms since the epoch, app clock)."""
    announcement: str = ""
    fired: list[FiredAlert] = dataclasses.field(default_factory=list)
    alerts_reset: bool = False
    """Another user (or a guest): forget the previous one's rules and alerts."""
    alert_outcomes: list[AlertOutcome] = dataclasses.field(default_factory=list)
    catalog: Catalog | None = None
    """The feed's catalog, when a new one arrived."""
    source: SourceView | None = None
    """The source badge's words, when a new status of the feed's source arrived."""
    notices: list[Notice] = dataclasses.field(default_factory=list)
