"""HTTP routes beside the socket: `/metrics`, `/api/catalog` and `/api/snapshot` (polling).

`/api/catalog` answers what a `catalog` ack carries (`source`, `instruments`): public, like
the instrument list of any market.

`/api/snapshot?channels=price:AAPL,news` answers what a subscribe ack would carry for those
channels (`snapshot`, `positions`), with the same credentials and scopes as the socket: a
Bearer token in `Authorization`, or guest access when the server allows guests.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from realtime_server.alerts import AlertService
from realtime_server.clock import now_ms
from realtime_server.guard import Guard
from realtime_server.hub.hub import Hub
from realtime_server.hub.recovery import build_snapshot
from realtime_server.metrics import CONTENT_TYPE, FeedMetrics
from realtime_server.protocol import (
    MAX_CHANNELS_PER_REQUEST,
    ErrorCode,
    RequestError,
    alerts_channel,
)

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
    async def metrics_route(_: Request) -> Response:
        refresh_gauges()
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    async def snapshot_route(request: Request) -> Response:
        try:
            scopes = guard.bearer_scopes(request.headers.get("authorization"))
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
        except RequestError as exc:
            metrics.request_errors.labels(exc.code.value).inc()
            status = _STATUS.get(exc.code, 400)
            return JSONResponse({"ok": False, "error": exc.data()}, status_code=status)
        body = build_snapshot(hub.log, hub.snapshots, channels.values(), {})
        if scopes.sub is not None and alerts_channel(scopes.sub) in channels:
            body["snapshot"][alerts_channel(scopes.sub)] = await alerts.pending(scopes.sub)
        return JSONResponse(
            {
                "ok": True,
                "server_ts": now_ms(),
                "channels": list(channels),
                "snapshot": body["snapshot"],
                "positions": body["positions"],
            }
        )

    async def catalog_route(_: Request) -> Response:
        return JSONResponse({"ok": True, **hub.catalog.describe()})

    return [
        Route("/metrics", metrics_route),
        Route("/api/catalog", catalog_route),
        Route("/api/snapshot", snapshot_route),
    ]
