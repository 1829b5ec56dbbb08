"""HTTP routes beside the socket: `/metrics`, `/api/catalog` and `/api/snapshot` (polling).

`/metrics` serves the service's metrics and the process's log counts (`log_throttle`).

`/api/catalog` answers what a `catalog` ack carries (`source`, `instruments`): public, like
the instrument list of any market.

`/api/snapshot?channels=price:AAPL,news` answers what a subscribe ack would carry for those
channels (`snapshot`, `positions`; patterns expand), with the same credentials and scopes as
the socket: a Bearer token in `Authorization`, or guest access when the server allows guests.
Its answer is bounded in bytes (`FEED_SNAPSHOT_MAX_BYTES`, `snapshot_budget`).

Both `/api/*` routes are rate-limited (`http_quota`): past the rate, `429` with `rate_limited`
and a `Retry-After` header. Every refusal is `{"ok": false, "error": {code, message}}`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from realtime_server.alerts import AlertService
from realtime_server.clock import now_ms
from realtime_server.guard import Guard
from realtime_server.http_quota import ApiQuota
from realtime_server.hub.hub import Hub
from realtime_server.log_throttle import COUNTS, LogCountsCollector
from realtime_server.metrics import CONTENT_TYPE, FeedMetrics
from realtime_server.protocol import (
    MAX_CHANNELS_PER_REQUEST,
    ErrorCode,
    RequestError,
    alerts_channel,
)
from realtime_server.security import ScopeSet
from realtime_server.snapshot_budget import bounded_snapshot

_STATUS = {
    ErrorCode.UNAUTHORIZED: 401,
    ErrorCode.TOKEN_EXPIRED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.RATE_LIMITED: 429,
}


def api_routes(
    hub: Hub,
    guard: Guard,
    alerts: AlertService,
    metrics: FeedMetrics,
    refresh_gauges: Callable[[], None],
) -> list[Route]:
    metrics.registry.register(LogCountsCollector(COUNTS))  # the process's log, at /metrics
    quota = ApiQuota(guard.settings, guard.from_app)
    max_bytes = guard.settings.snapshot_max_bytes
    catalog_body = _json({"ok": True, **hub.catalog.describe()})

    def refusal(exc: RequestError, headers: dict[str, str] | None = None) -> Response:
        metrics.request_errors.labels(exc.code.value).inc()
        body = _json({"ok": False, "error": exc.data()})
        return _response(body, _STATUS.get(exc.code, 400), headers)

    def over_quota(request: Request, user: str | None) -> Response | None:
        wait = quota.wait_s(request.client.host if request.client else "unknown", user)
        if not wait:
            return None
        exc = RequestError(ErrorCode.RATE_LIMITED, f"too many requests; retry in {wait:.2f}s")
        return refusal(exc, {"Retry-After": str(max(1, math.ceil(wait)))})

    async def metrics_route(_: Request) -> Response:
        refresh_gauges()
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    async def snapshot_route(request: Request) -> Response:
        # Credentials first, so that a user is counted as the user; a refused token is
        # counted against its address, and refused after the quota check.
        scopes: ScopeSet | RequestError
        try:
            scopes = guard.bearer_scopes(request.headers.get("authorization"))
        except RequestError as exc:
            scopes = exc
        limited = over_quota(request, scopes.sub if isinstance(scopes, ScopeSet) else None)
        if limited is not None:
            return limited
        try:
            if isinstance(scopes, RequestError):
                raise scopes
            names = [n for n in request.query_params.get("channels", "").split(",") if n]
            if not names or len(names) > MAX_CHANNELS_PER_REQUEST:
                raise RequestError(
                    ErrorCode.BAD_REQUEST,
                    f"give 1-{MAX_CHANNELS_PER_REQUEST} channels: ?channels=price:AAPL,news",
                )
            channels = hub.catalog.resolve_all(names)
            for name in channels:
                if not scopes.allows(name):
                    raise RequestError(ErrorCode.FORBIDDEN, f"not allowed to read {name[:80]!r}")
            given: dict[str, Any] = {}
            if scopes.sub is not None and alerts_channel(scopes.sub) in channels:
                given[alerts_channel(scopes.sub)] = await alerts.pending(scopes.sub)
            snapshot, positions = bounded_snapshot(
                hub.log, hub.snapshots, channels.values(), max_bytes, given
            )
        except RequestError as exc:
            return refusal(exc)
        body = {
            "ok": True,
            "server_ts": now_ms(),
            "channels": list(channels),
            "snapshot": snapshot,
            "positions": positions,
        }
        return _response(_json(body), 200)

    async def catalog_route(request: Request) -> Response:
        return over_quota(request, None) or _response(catalog_body, 200)

    return [
        Route("/metrics", metrics_route),
        Route("/api/catalog", catalog_route),
        Route("/api/snapshot", snapshot_route),
    ]


def _json(value: Any) -> bytes:
    return orjson.dumps(value)


def _response(body: bytes, status: int, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, headers=headers, media_type="application/json")
