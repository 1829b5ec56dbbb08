"""HTTP health routes: `/healthz` (the process answers) and `/readyz` (data is flowing).

`/readyz` names each check and whether it passes; when one fails for a reason a user could
be told (the source: "Coinbase unreachable"), that reason is given beside it under `reasons`.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def _no_reasons() -> dict[str, str]:
    return {}


def health_routes(
    readiness: Callable[[], dict[str, bool]],
    reasons: Callable[[], dict[str, str]] = _no_reasons,
) -> list[Route]:
    """Routes for liveness and readiness; `readiness` names each check and whether it passes,
    `reasons` says why a check fails (checks without a reason are left out)."""

    async def healthz(_: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(_: Request) -> JSONResponse:
        checks = readiness()
        ready = all(checks.values())
        body: dict[str, object] = {"status": "ready" if ready else "not_ready", "checks": checks}
        why = {name: text for name, text in reasons().items() if text and not checks.get(name)}
        if why:
            body["reasons"] = why
        return JSONResponse(body, status_code=200 if ready else 503)

    return [Route("/healthz", healthz), Route("/readyz", readyz)]
