"""The HTTP endpoints that set and clear the login cookie, mounted on the Reflex backend.

Reflex's own cookies (`rx.Cookie`) are written by the page's JavaScript, so any script on the
page could read them. The login cookie is therefore handed out only here, in HTTP responses
(`marketpulse.auth.session_cookie`: HttpOnly, SameSite=Strict, Secure under TLS):

- `POST /_session/claim`, body: a login's one-time grant (text). A passed password check
  (`AuthState.log_in`, `register`, a password change) starts an unclaimed login and has the
  page post its grant here (`claim_script`); the answer is `204` with the cookie, then the page
  loads again, so that its new websocket presents the cookie and the tab becomes the user.
  An unknown, expired or already claimed grant gets `403 {"error": {"code": "grant_refused"}}`,
  a malformed or oversized body `400 bad_grant`.
- `POST /_session/end`: ends the login the request's cookie names, if any, and clears the
  cookie (`204`). The log-out handlers have ended the login already; this drops the cookie.

Both refuse a cross-site caller (`403 cross_site`: an `Origin` of another host, or a
`Sec-Fetch-Site: cross-site`); the cookie is SameSite=Strict besides. The page calls them on
its own origin in production, on the backend's port in development (`backend_base`), with
opaque `no-cors` requests that need no CORS answer either way. Nothing secret is in a URL, so
access logs hold no grant or token; the database sees digests only. `session_routes()` is the
Starlette app given to `rx.App(api_transformer=...)`: Reflex mounts its own routes under it,
so these two come first.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from marketpulse.auth.session_cookie import (
    TOKEN_PATTERN,
    clear_login_cookie,
    login_digest,
    set_login_cookie,
)
from marketpulse.config import get_config
from marketpulse.db import users
from marketpulse.db.offload import run_db

logger = logging.getLogger(__name__)

CLAIM_PATH = "/_session/claim"
END_PATH = "/_session/end"
MAX_BODY_BYTES = 256
NO_STORE = {"Cache-Control": "no-store"}


def session_routes() -> Starlette:
    """The Starlette app holding both endpoints."""
    return Starlette(
        routes=[
            Route(CLAIM_PATH, claim, methods=["POST"]),
            Route(END_PATH, end, methods=["POST"]),
        ]
    )


def backend_base(page_origin: str, backend_host: str) -> str:
    """Where the page reaches these endpoints: '' (a path on the page's own origin) when the
    page and the backend share one, as in production; else the backend's origin as the page's
    websocket reached it (`reflex run` in development: the frontend on another port)."""
    page = urlsplit(page_origin)
    if not page.scheme or not backend_host or page.netloc == backend_host:
        return ""
    return f"{page.scheme}://{backend_host}"


def claim_script(grant: str, backend: str = "") -> str:
    """The page's part of a login: post the grant, then load the dashboard. The answer is
    opaque (`no-cors`, so it also works across the ports of development) and read to its end
    before leaving, which would abort the request; the reloaded page finds out whether the
    cookie came (`AuthState.restore_session`)."""
    return (
        f"fetch({json.dumps(backend + CLAIM_PATH)}, {{method: 'POST', mode: 'no-cors', "
        f"credentials: 'include', body: {json.dumps(grant)}}})"
        ".then((r) => r.text(), () => null)"
        ".then(() => window.location.assign('/'))"
    )


def end_script(backend: str = "") -> str:
    """The page's part of a logout: drop the (already ended) login's cookie, even if the page
    is left at once (`keepalive`)."""
    return (
        f"fetch({json.dumps(backend + END_PATH)}, {{method: 'POST', mode: 'no-cors', "
        "credentials: 'include', keepalive: true})"
    )


async def claim(request: Request) -> Response:
    refused = _cross_site(request)
    if refused is not None:
        return refused
    grant = await _read_grant(request)
    if grant is None:
        return _error(400, "bad_grant", "The body must be a login grant.")
    try:
        token = await run_db(users.claim_login, grant, get_config().session_ttl_s)
    except SQLAlchemyError:
        logger.exception("claiming a login failed")
        return _error(503, "unavailable", "The account database is unavailable.")
    if token is None:
        return _error(403, "grant_refused", "This login is unknown, expired or already used.")
    response = Response(status_code=204, headers=NO_STORE)
    set_login_cookie(response, token, get_config().session_ttl_s, secure=_secure(request))
    return response


async def end(request: Request) -> Response:
    refused = _cross_site(request)
    if refused is not None:
        return refused
    digest = login_digest(request.headers.get("cookie", ""))
    if digest:
        try:
            await run_db(users.end_login, digest)
        except SQLAlchemyError:
            logger.exception("ending a login failed")
    response = Response(status_code=204, headers=NO_STORE)
    clear_login_cookie(response, secure=_secure(request))
    return response


def _cross_site(request: Request) -> Response | None:
    """A refusal for a request another site's page made, None for our own page's: the same
    host (any port: development serves the page on another one), or no browser at all."""
    fetch_site = request.headers.get("sec-fetch-site")
    origin = request.headers.get("origin")
    host = urlsplit(f"//{request.headers.get('host', '')}").hostname
    if fetch_site not in {None, "same-origin", "same-site"} or (
        origin is not None and urlsplit(origin).hostname != host
    ):
        return _error(403, "cross_site", "Only the app's own pages may do this.")
    return None


async def _read_grant(request: Request) -> str | None:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            return None
    grant = body.decode("ascii", errors="replace").strip()
    return grant if TOKEN_PATTERN.match(grant) else None


def _secure(request: Request) -> bool:
    return get_config().session_cookie_secure == "always" or request.url.scheme == "https"


def _error(status: int, code: str, message: str) -> Response:
    return JSONResponse({"error": {"code": code, "message": message}}, status, headers=NO_STORE)
