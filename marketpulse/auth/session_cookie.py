"""The login cookie: its name and attributes, and reading it back from a `Cookie` header.

`mp_session` holds a login's random token. It is set and cleared only by HTTP responses of the
app's own endpoints (`marketpulse.auth.session_routes`), never by the page's JavaScript (as
`rx.Cookie` would), so it is `HttpOnly`: no script on the page, ours or injected, can read it.
It is `SameSite=Strict`, `Path=/`, lives as long as its login (`Max-Age`), and is `Secure`
whenever the request came over TLS, or always (`MARKETPULSE_SESSION_COOKIE_SECURE=always`,
for a proxy that terminates TLS in front of a plain-HTTP app).

The states never hold the token: they read it from the Cookie header of their tab's websocket
(`router.headers.cookie`, which Reflex keeps on the server and leaves out of every delta) and
know the login by its digest (`login_digest`).
"""

from __future__ import annotations

import re

from starlette.responses import Response

from marketpulse.db.users import session_digest

SESSION_COOKIE = "mp_session"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{20,128}$")
"""What a token or grant looks like (`secrets.token_urlsafe(32)`); anything else is no login."""


def token_from_header(cookie_header: str) -> str:
    """The login token in a `Cookie` header ('' when there is none, or it is malformed)."""
    for pair in cookie_header.split(";"):
        name, _, value = pair.strip().partition("=")
        if name == SESSION_COOKIE and TOKEN_PATTERN.match(value):
            return value
    return ""


def login_digest(cookie_header: str) -> str:
    """The digest of the login a `Cookie` header names ('' for none)."""
    return session_digest(token_from_header(cookie_header))


def set_login_cookie(response: Response, token: str, max_age_s: int, *, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age_s,
        path="/",
        secure=secure,
        httponly=True,
        samesite="strict",
    )


def clear_login_cookie(response: Response, *, secure: bool) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="strict"
    )
