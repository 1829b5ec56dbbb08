"""HTTP health routes: `/healthz` (the process answers) and `/readyz` (data is flowing)."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def health_routes(readiness: Callable[[], dict[str, bool]]) -> list[Route]:
    """Routes for liveness and readiness; `readiness` names each check and whether it passes."""

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        checks = readiness()
        ready = all(checks.values())
        return JSONResponse(
            {"status": "ready" if ready else "not_ready", "checks": checks},
            status_code=200 if ready else 503,
        )

    return [Route("/healthz", healthz), Route("/readyz", readyz)]
