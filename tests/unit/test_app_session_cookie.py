"""The login cookie (`marketpulse.auth.session_cookie`) and the endpoints that alone set and
clear it (`marketpulse.auth.session_routes`): HttpOnly, SameSite=Strict, Secure under TLS, and
what they refuse before touching the database."""

from __future__ import annotations

import httpx
import pytest
from starlette.responses import Response

from marketpulse.auth.session_cookie import (
    SESSION_COOKIE,
    login_digest,
    set_login_cookie,
    token_from_header,
)
from marketpulse.auth.session_routes import (
    CLAIM_PATH,
    END_PATH,
    MAX_BODY_BYTES,
    backend_base,
    claim_script,
    session_routes,
)
from marketpulse.config import get_config
from marketpulse.db.users import session_digest

TOKEN = "Ab3_-" * 8 + "xyz"  # what secrets.token_urlsafe(32) looks like: 43 characters


def client(base_url: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(session_routes()), base_url=base_url)


@pytest.mark.parametrize(
    ("header", "token"),
    [
        (f"{SESSION_COOKIE}={TOKEN}", TOKEN),
        (f"theme=dark; {SESSION_COOKIE}={TOKEN}; other=1", TOKEN),
        (f"{SESSION_COOKIE}=short", ""),
        (f"{SESSION_COOKIE}={TOKEN}%00", ""),
        (f'{SESSION_COOKIE}="{TOKEN}"', ""),
        (f"x{SESSION_COOKIE}={TOKEN}", ""),
        (f"{SESSION_COOKIE}={'a' * 129}", ""),
        ("", ""),
        (";;;=;", ""),
    ],
)
def test_the_token_is_read_from_a_cookie_header_only_when_well_formed(
    header: str, token: str
) -> None:
    assert token_from_header(header) == token
    assert login_digest(header) == session_digest(token)


def test_the_cookie_is_http_only_strict_and_secure_when_asked() -> None:
    response = Response()
    set_login_cookie(response, TOKEN, 3600, secure=True)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}={TOKEN};")
    for attribute in ("HttpOnly", "Max-Age=3600", "Path=/", "SameSite=strict", "Secure"):
        assert attribute in cookie
    plain = Response()
    set_login_cookie(plain, TOKEN, 3600, secure=False)
    assert "Secure" not in plain.headers["set-cookie"]


@pytest.mark.parametrize(
    ("headers", "body", "status", "code"),
    [
        ({"origin": "https://evil.example"}, TOKEN, 403, "cross_site"),
        ({"sec-fetch-site": "cross-site"}, TOKEN, 403, "cross_site"),
        ({}, "not a grant", 400, "bad_grant"),
        ({}, "A" * (MAX_BODY_BYTES + 1), 400, "bad_grant"),
        ({}, "", 400, "bad_grant"),
    ],
)
async def test_claim_refuses_cross_site_callers_and_malformed_grants(
    headers: dict[str, str], body: str, status: int, code: str
) -> None:
    async with client("https://testserver") as http:
        response = await http.post(CLAIM_PATH, content=body, headers=headers)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert "set-cookie" not in response.headers
    assert response.headers["cache-control"] == "no-store"


async def test_end_clears_the_cookie_secure_under_tls() -> None:
    async with client("https://testserver") as http:
        response = await http.post(END_PATH)
    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    for attribute in ("Max-Age=0", "HttpOnly", "SameSite=strict", "Secure"):
        assert attribute in cookie


async def test_end_over_plain_http_is_secure_only_when_configured(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with client("http://testserver") as http:
        assert "Secure" not in (await http.post(END_PATH)).headers["set-cookie"]
        monkeypatch.setattr(get_config(), "session_cookie_secure", "always")
        assert "Secure" in (await http.post(END_PATH)).headers["set-cookie"]


def test_the_claim_script_posts_the_grant_in_the_body_not_the_url() -> None:
    script = claim_script(TOKEN)
    assert f'fetch("{CLAIM_PATH}"' in script and f'body: "{TOKEN}"' in script
    assert "?" not in script.split(",")[0]
    assert f'fetch("http://localhost:8000{CLAIM_PATH}"' in claim_script(
        TOKEN, "http://localhost:8000"
    )


@pytest.mark.parametrize(
    ("origin", "host", "base"),
    [
        ("https://app.example", "app.example", ""),  # production: one origin
        ("", "app.example", ""),  # no browser origin: a path
        ("http://localhost:3000", "localhost:8000", "http://localhost:8000"),  # development
    ],
)
def test_the_page_reaches_the_endpoints_on_its_own_origin_or_the_backends(
    origin: str, host: str, base: str
) -> None:
    assert backend_base(origin, host) == base


async def test_a_page_on_another_port_of_the_same_host_may_end_a_login() -> None:
    async with client("http://localhost:8000") as http:
        headers = {"origin": "http://localhost:3000", "sec-fetch-site": "same-site"}
        assert (await http.post(END_PATH, headers=headers)).status_code == 204
        headers = {"origin": "http://localhost.evil.example:8000"}
        assert (await http.post(END_PATH, headers=headers)).status_code == 403
