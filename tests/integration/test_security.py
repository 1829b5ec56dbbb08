"""Admission, tokens, scopes, limits and the audit trail, against the real server process.

Each server configuration runs as its own `python -m realtime_server` process on a free port,
started once for the module (`launch`); clients are plain python-socketio clients over real
sockets. A connect refusal reaches python-socketio as `ConnectionError("One or more namespaces
failed to connect")`; its code travels in the `connect_error` event's data
(`{message, data: {code, message}}`), which `connect_feed` turns into `ConnectRefusedError(code)`.

Every wait is on an observed condition (an event received, a gauge in `/metrics`, a line in
the audit log) under a timeout. Every token minted here is remembered, and the last test
checks that none of them ever reached an audit log or a server's output.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
import re
import stat
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import socketio
import websockets

from realtime_server.protocol import (
    NAMESPACE,
    Batch,
    ErrorAck,
    Goodbye,
    PingAck,
    RefreshAck,
    SubscribeAck,
)
from realtime_server.security.keys import generate_ed25519_keypair, mint_token, write_keypair
from tests.support.feed_server import FeedServerProcess

pytestmark = pytest.mark.integration

AUDIENCE = "marketpulse-feed"
ISSUER = "marketpulse"
APP_ORIGIN = "https://app.example"
MAX_MESSAGE_BYTES = 2048


# --------------------------------------------------------------------------- clients


LEEWAY_S = 2


class ConnectRefusedError(Exception):
    """A connection the server refused, with the code of its `connect_error`."""

    def __init__(self, code: str | None, message: str, raw: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.raw = raw


@dataclass
class FeedConn:
    """One python-socketio client on `/feed`, recording everything the server sends it."""

    sio: socketio.AsyncClient
    events: list[tuple[str, float, Any]] = field(default_factory=list)
    """("batch" | "goodbye" | "disconnect", time.time() at receipt, payload), in order."""
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    def record(self, kind: str, payload: Any = None) -> None:
        self.events.append((kind, time.time(), payload))
        self._changed.set()

    @property
    def batches(self) -> list[tuple[float, dict[str, Any]]]:
        return [(t, p) for kind, t, p in self.events if kind == "batch"]

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.events]

    async def call(self, event: str, payload: Any, timeout: float = 5.0) -> Any:
        return await self.sio.call(event, payload, namespace=NAMESPACE, timeout=timeout)

    async def ping(self, rid: str = "p") -> dict[str, Any]:
        return await self.call("ping", {"id": rid, "client_ts": int(time.time() * 1000)})

    async def until(self, condition: Callable[[], bool], timeout: float, what: str) -> None:
        """Wait until `condition` holds, re-checking whenever the server sends something."""
        try:
            async with asyncio.timeout(timeout):
                while not condition():
                    self._changed.clear()
                    await self._changed.wait()
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}") from None


async def connect_feed(
    url: str,
    token: str | None = None,
    *,
    auth: Any = None,
    headers: dict[str, str] | None = None,
) -> FeedConn:
    """A connected client, or `ConnectRefusedError` with the code the server gave."""
    sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
    conn = FeedConn(sio)
    refusals: list[Any] = []
    sio.on("connect_error", refusals.append, namespace=NAMESPACE)
    sio.on("batch", lambda payload: conn.record("batch", payload), namespace=NAMESPACE)
    sio.on("goodbye", lambda payload: conn.record("goodbye", payload), namespace=NAMESPACE)
    sio.on("disconnect", lambda *reason: conn.record("disconnect", reason), namespace=NAMESPACE)
    if token is not None:
        auth = {"token": token}
    try:
        await sio.connect(
            url,
            headers=headers or {},
            auth=auth,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            wait_timeout=10,
        )
    except socketio.exceptions.ConnectionError as exc:
        await sio.disconnect()
        if not refusals:
            raise
        raw = refusals[-1]
        data = raw.get("data") if isinstance(raw, dict) else None
        code = data.get("code") if isinstance(data, dict) else None
        message = data.get("message", "") if isinstance(data, dict) else str(raw)
        raise ConnectRefusedError(code, message, raw) from exc
    return conn


async def refusal(url: str, token: str | None = None, **kwargs: Any) -> ConnectRefusedError:
    """The refusal of a connection that must be refused."""
    try:
        conn = await connect_feed(url, token, **kwargs)
    except ConnectRefusedError as exc:
        assert exc.message, "a refusal must say why"
        assert isinstance(exc.raw, dict)
        assert exc.raw.get("message") == exc.message
        return exc
    await conn.sio.disconnect()
    raise AssertionError("the server accepted a connection it should have refused")


@pytest.fixture
async def open_feed() -> AsyncIterator[Callable[..., Awaitable[FeedConn]]]:
    """`await open_feed(url, token, ...)`: a client disconnected at the end of the test."""
    conns: list[FeedConn] = []

    async def factory(url: str, token: str | None = None, **kwargs: Any) -> FeedConn:
        conn = await connect_feed(url, token, **kwargs)
        conns.append(conn)
        return conn

    yield factory
    for conn in conns:
        await conn.sio.disconnect()


async def eventually(check: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll a (blocking) `check` in a worker thread until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        result = await asyncio.to_thread(check)
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.05)


def open_connections(server: FeedServerProcess) -> float:
    """Open `/feed` connections the server counts, from its `/metrics`."""
    with urllib.request.urlopen(f"{server.url}/metrics", timeout=5) as response:
        text = response.read().decode()
    values = re.findall(r"^feed_connections\{[^}]*\} (\S+)$", text, re.MULTILINE)
    return sum(float(v) for v in values)


async def connections_become(server: FeedServerProcess, count: int) -> None:
    await eventually(
        lambda: open_connections(server) == count, 10, f"{count} open connections on the server"
    )


def healthz(server: FeedServerProcess) -> dict[str, Any]:
    with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as response:
        return json.loads(response.read())


# --------------------------------------------------------------------------- tokens


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64json(obj: dict[str, Any]) -> str:
    return _b64(json.dumps(obj, separators=(",", ":")).encode())


class Issuer:
    """The app's side of auth: key pairs and tokens. Remembers every token it made."""

    def __init__(self, directory: Path) -> None:
        private_path, self.public_path = write_keypair(directory)
        self.private_pem = private_path.read_text()
        self.public_pem = self.public_path.read_text()
        self.other_private_pem, _ = generate_ed25519_keypair()
        self.issued: list[str] = []

    def remember(self, token: str) -> str:
        self.issued.append(token)
        return token

    def claims(self, sub: str, scope: str = "price:*", ttl: float = 600) -> dict[str, Any]:
        now = int(time.time())
        return {
            "sub": sub,
            "iat": now,
            "exp": now + int(ttl),
            "aud": AUDIENCE,
            "iss": ISSUER,
            "scope": scope,
        }

    def token(
        self,
        sub: str,
        scope: str = "price:* news summary",
        ttl: float = 600,
        *,
        key: str | None = None,
        audience: str = AUDIENCE,
        issuer: str = ISSUER,
        now: float | None = None,
    ) -> str:
        minted = mint_token(
            key or self.private_pem, "EdDSA", sub, scope, audience, issuer, ttl, now=now
        )
        return self.remember(minted)

    def alg_none(self, sub: str, alg: str = "none") -> str:
        header = _b64json({"alg": alg, "typ": "JWT"})
        return self.remember(f"{header}.{_b64json(self.claims(sub))}.")

    def hs256_with_public_key(self, sub: str) -> str:
        """Algorithm confusion: HS256, keyed with the server's public key PEM as the secret."""
        signing_input = f"{_b64json({'alg': 'HS256', 'typ': 'JWT'})}.{_b64json(self.claims(sub))}"
        mac = hmac.new(self.public_pem.encode(), signing_input.encode(), hashlib.sha256)
        return self.remember(f"{signing_input}.{_b64(mac.digest())}")


def user(prefix: str) -> str:
    """A user id no other test uses (connection limits count per user)."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# --------------------------------------------------------------------------- servers


class Launcher:
    """Starts feed servers for this module, each with its own audit log; reaps them all."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.started: list[tuple[FeedServerProcess, Path]] = []

    def start(self, **env: str) -> FeedServerProcess:
        audit = self.root / f"audit-{len(self.started)}.jsonl"
        server = FeedServerProcess(FEED_AUDIT_LOG_PATH=str(audit), FEED_SEED="5", **env)
        self.started.append((server, audit))
        return server.start()

    def close(self) -> None:
        for server, _ in self.started:
            server.close()


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Issuer:
    return Issuer(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def launch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Launcher]:
    launcher = Launcher(tmp_path_factory.mktemp("servers"))
    try:
        yield launcher
    finally:
        launcher.close()


@pytest.fixture(scope="module")
def auth_server(launch: Launcher, issuer: Issuer) -> FeedServerProcess:
    """Tokens required (Ed25519), origins restricted, small messages, 2 requests/s (burst 3).

    Tests on it keep to three quick requests per connection, except where the request budget
    is what they test.
    """
    return launch.start(
        FEED_REQUIRE_AUTH="true",
        FEED_JWT_LEEWAY_S=str(LEEWAY_S),
        FEED_JWT_ALGORITHM="EdDSA",
        FEED_JWT_PUBLIC_KEY_FILE=str(issuer.public_path),
        FEED_ALLOWED_ORIGINS=json.dumps([APP_ORIGIN]),
        FEED_MAX_MESSAGE_BYTES=str(MAX_MESSAGE_BYTES),
        FEED_MESSAGE_RATE="2",
        FEED_MESSAGE_BURST="3",
    )


@pytest.fixture(scope="module")
def open_server(launch: Launcher, issuer: Issuer) -> FeedServerProcess:
    """Guests allowed (tokens accepted too); at most 2 connections per IP and 1 per user."""
    return launch.start(
        FEED_REQUIRE_AUTH="false",
        FEED_JWT_ALGORITHM="EdDSA",
        FEED_JWT_PUBLIC_KEY_FILE=str(issuer.public_path),
        FEED_MAX_CONNECTIONS_PER_IP="2",
        FEED_MAX_CONNECTIONS_PER_USER="1",
    )


# --------------------------------------------------------------------------- authentication


async def test_valid_token_connects_and_receives_batches(auth_server, issuer, open_feed) -> None:
    conn = await open_feed(auth_server.url, issuer.token(user("valid")))
    ack = SubscribeAck.model_validate(
        await conn.call("subscribe", {"id": "s", "channels": ["price:AAPL"], "throttle_ms": 50})
    )
    assert ack.channels == ["price:AAPL"]
    await conn.until(lambda: len(conn.batches) >= 2, 10, "two batches")
    Batch.model_validate(conn.batches[-1][1])


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("no token", "unauthorized"),
        ("empty auth", "unauthorized"),
        ("empty token", "unauthorized"),
        ("token not a string", "unauthorized"),
        ("forged", "unauthorized"),
        ("expired", "token_expired"),
        ("wrong audience", "unauthorized"),
        ("wrong issuer", "unauthorized"),
        ("expired and wrong audience", "unauthorized"),
        ("alg none", "unauthorized"),
        ("alg None", "unauthorized"),
        ("hs256 keyed with public key", "unauthorized"),
        ("garbage", "unauthorized"),
        ("three garbage segments", "unauthorized"),
    ],
)
async def test_bad_credentials_are_refused_with_a_code(auth_server, issuer, case, code) -> None:
    sub = user("bad")
    long_ago = time.time() - 3600
    credentials: dict[str, Callable[[], dict[str, Any] | None]] = {
        "no token": lambda: None,
        "empty auth": lambda: {},
        "empty token": lambda: {"token": ""},
        "token not a string": lambda: {"token": 12345},
        "forged": lambda: {"token": issuer.token(sub, key=issuer.other_private_pem)},
        "expired": lambda: {"token": issuer.token(sub, ttl=60, now=long_ago)},
        "wrong audience": lambda: {"token": issuer.token(sub, audience="another-service")},
        "wrong issuer": lambda: {"token": issuer.token(sub, issuer="someone-else")},
        "expired and wrong audience": lambda: {
            "token": issuer.token(sub, ttl=60, now=long_ago, audience="another-service")
        },
        "alg none": lambda: {"token": issuer.alg_none(sub)},
        "alg None": lambda: {"token": issuer.alg_none(sub, alg="None")},
        "hs256 keyed with public key": lambda: {"token": issuer.hs256_with_public_key(sub)},
        "garbage": lambda: {"token": issuer.remember("this is not a jwt at all")},
        "three garbage segments": lambda: {"token": issuer.remember("abc.def.ghi")},
    }
    refused = await refusal(auth_server.url, auth=credentials[case]())
    assert refused.code == code, refused


# --------------------------------------------------------------------------- scopes


@pytest.mark.parametrize(
    ("channel", "code"),
    [
        ("price:AAPL", None),
        ("news", None),
        ("price:MSFT", "forbidden"),
        ("price:*", "forbidden"),
        ("bars:1m:AAPL", "forbidden"),
        ("summary", "forbidden"),
        ("alerts:<own>", None),
        ("alerts:someone-else", "forbidden"),
    ],
)
async def test_every_subscribe_is_checked_against_the_token_scopes(
    auth_server, issuer, open_feed, channel, code
) -> None:
    sub = user("scoped")
    channel = channel.replace("<own>", sub)
    conn = await open_feed(auth_server.url, issuer.token(sub, scope="price:AAPL news"))
    reply = await conn.call("subscribe", {"id": "s1", "channels": [channel]})
    if code is None:
        assert SubscribeAck.model_validate(reply).channels == [channel]
    else:
        refused = ErrorAck.model_validate(reply)
        assert (refused.id, refused.error.code) == ("s1", code)
        listed = await conn.call("subscriptions", {"id": "l"})
        assert listed["channels"] == [], "a refused subscribe must subscribe nothing"


async def test_modify_is_checked_against_the_token_scopes_too(
    auth_server, issuer, open_feed
) -> None:
    conn = await open_feed(auth_server.url, issuer.token(user("modify"), scope="price:AAPL"))
    assert (await conn.call("subscribe", {"id": "s", "channels": ["price:AAPL"]}))["ok"] is True
    reply = ErrorAck.model_validate(
        await conn.call("modify", {"id": "m", "add": ["price:MSFT"], "remove": ["price:AAPL"]})
    )
    assert reply.error.code == "forbidden"
    listed = await conn.call("subscriptions", {"id": "l"})
    assert listed["channels"] == ["price:AAPL"], "a refused modify must change nothing"


# --------------------------------------------------------------------------- token lifetime


async def test_refresh_before_expiry_keeps_the_connection_and_its_batches(
    auth_server, issuer, open_feed
) -> None:
    sub = user("refresh")
    first = issuer.token(sub, scope="price:*", ttl=3)
    first_exp = json.loads(base64.urlsafe_b64decode(first.split(".")[1] + "=="))["exp"]
    conn = await open_feed(auth_server.url, first)
    sid = conn.sio.get_sid(NAMESPACE)
    await conn.call("subscribe", {"id": "s", "channels": ["price:*"], "throttle_ms": 50})

    fresh = issuer.token(sub, scope="price:*", ttl=120)
    assert time.time() < first_exp, "the refresh must happen before the first token expires"
    ack = RefreshAck.model_validate(await conn.call("refresh", {"id": "r", "token": fresh}))
    fresh_exp = json.loads(base64.urlsafe_b64decode(fresh.split(".")[1] + "=="))["exp"]
    assert (ack.id, ack.expires_at) == ("r", fresh_exp * 1000)

    # Past the first token's expiry (with a margin), batches still arrive on the same link.
    await conn.until(
        lambda: bool(conn.batches) and conn.batches[-1][0] > first_exp + 1.5,
        15,
        "a batch well after the first token's expiry",
    )
    assert "goodbye" not in conn.kinds() and "disconnect" not in conn.kinds(), conn.kinds()
    assert conn.sio.connected and conn.sio.get_sid(NAMESPACE) == sid
    times = [t for t, _ in conn.batches]
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert max(gaps) < 2.0, f"batches stalled around the expiry: max gap {max(gaps):.2f}s"
    assert any(first_exp - 1 < t < first_exp + 1 for t in times), "no batch near the expiry"
    PingAck.model_validate(await conn.ping())


async def test_unrefreshed_token_ends_with_goodbye_then_disconnect(
    auth_server, issuer, open_feed
) -> None:
    token = issuer.token(user("expiring"), scope="price:*", ttl=2)
    exp = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["exp"]
    conn = await open_feed(auth_server.url, token)
    await conn.call("subscribe", {"id": "s", "channels": ["price:AAPL"], "throttle_ms": 50})
    await conn.until(lambda: "disconnect" in conn.kinds(), 10, "the server to disconnect")

    kinds = [kind for kind in conn.kinds() if kind != "batch"]
    assert kinds == ["goodbye", "disconnect"], conn.kinds()
    _, said_at, payload = next(e for e in conn.events if e[0] == "goodbye")
    goodbye = Goodbye.model_validate(payload)
    assert goodbye.code == "token_expired"
    assert goodbye.reconnect is True
    deadline = exp + LEEWAY_S  # the server honours `exp` with the same leeway it admits by
    assert deadline - 0.5 <= said_at <= deadline + 3, f"goodbye at {said_at - exp:+.2f}s from exp"
    assert not conn.sio.connected


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("another user's token", "forbidden"),
        ("forged", "unauthorized"),
        ("expired", "token_expired"),
        ("not a token", "unauthorized"),
    ],
)
async def test_bad_refresh_is_refused_and_the_connection_lives_on(
    auth_server, issuer, open_feed, case, code
) -> None:
    sub = user("holder")
    conn = await open_feed(auth_server.url, issuer.token(sub))
    replacement = {
        "another user's token": lambda: issuer.token(user("intruder")),
        "forged": lambda: issuer.token(sub, key=issuer.other_private_pem),
        "expired": lambda: issuer.token(sub, ttl=60, now=time.time() - 3600),
        "not a token": lambda: issuer.remember("definitely-not-a-token"),
    }[case]()
    reply = ErrorAck.model_validate(await conn.call("refresh", {"id": "r", "token": replacement}))
    assert (reply.id, reply.error.code) == ("r", code)
    PingAck.model_validate(await conn.ping())
    assert conn.sio.connected


async def test_refresh_with_narrower_scopes_drops_what_they_no_longer_allow(
    open_server, issuer, open_feed
) -> None:
    sub = user("narrowed")
    conn = await open_feed(open_server.url, issuer.token(sub, scope="price:*"))
    channels = ["price:AAPL", "price:MSFT", "price:NVDA"]
    await conn.call("subscribe", {"id": "s", "channels": channels, "throttle_ms": 20})
    reply = await conn.call("refresh", {"id": "r", "token": issuer.token(sub, scope="price:AAPL")})
    refreshed_ms = time.time() * 1000
    RefreshAck.model_validate(reply)
    listed = await conn.call("subscriptions", {"id": "l"})
    assert listed["channels"] == ["price:AAPL"]

    def later() -> list[Batch]:
        batches = [Batch.model_validate(p) for _, p in conn.batches]
        return [b for b in batches if b.server_ts > refreshed_ms]

    await conn.until(lambda: len(later()) >= 3, 10, "batches flushed after the refresh")
    assert {u.channel for b in later() for u in b.updates} == {"price:AAPL"}
    forbidden = await conn.call("subscribe", {"id": "m", "channels": ["price:MSFT"]})
    assert ErrorAck.model_validate(forbidden).error.code == "forbidden"


async def test_guest_signs_in_by_refresh_and_counts_against_the_user(
    open_server, issuer, open_feed
) -> None:
    await connections_become(open_server, 0)
    sub = user("signin")
    guest = await open_feed(open_server.url)
    no_alerts = ErrorAck.model_validate(await guest.call("alert_list", {"id": "l0"}))
    assert no_alerts.error.code == "unauthorized"

    RefreshAck.model_validate(await guest.call("refresh", {"id": "r", "token": issuer.token(sub)}))
    assert (await guest.call("alert_list", {"id": "l1"}))["ok"] is True
    own = await guest.call("subscribe", {"id": "a", "channels": [f"alerts:{sub}"]})
    assert SubscribeAck.model_validate(own).channels == [f"alerts:{sub}"]
    # The signed-in connection is the user's one allowed connection now.
    assert (await refusal(open_server.url, issuer.token(sub))).code == "too_many_connections"


async def test_guest_cannot_sign_in_as_a_user_at_the_connection_limit(
    open_server, issuer, open_feed
) -> None:
    await connections_become(open_server, 0)
    sub = user("busy")
    await open_feed(open_server.url, issuer.token(sub))
    guest = await open_feed(open_server.url)
    reply = ErrorAck.model_validate(
        await guest.call("refresh", {"id": "r", "token": issuer.token(sub)})
    )
    assert reply.error.code == "too_many_connections"
    still_guest = ErrorAck.model_validate(await guest.call("alert_list", {"id": "l"}))
    assert still_guest.error.code == "unauthorized"
    await guest.sio.disconnect()
    await connections_become(open_server, 1)  # the guest's count was given back, not leaked


async def test_a_token_the_server_admits_is_not_expired_at_once(
    auth_server, issuer, open_feed
) -> None:
    just_expired = issuer.token(user("late"), ttl=60, now=time.time() - 60.5)  # leeway is 2 s
    try:
        conn = await open_feed(auth_server.url, just_expired)
    except ConnectRefusedError as refused:  # refusing it is consistent too
        assert refused.code == "token_expired"
        return
    pong = await asyncio.wait_for(conn.ping(), 1.0)  # inside the 1.5 s of leeway left
    assert PingAck.model_validate(pong).ok
    assert "goodbye" not in conn.kinds(), "admitted, then expired before its first request"


# --------------------------------------------------------------------------- guests


async def test_guest_gets_public_channels_only(open_server, open_feed) -> None:
    await connections_become(open_server, 0)
    conn = await open_feed(open_server.url)
    ack = await conn.call("subscribe", {"id": "p", "channels": ["price:AAPL", "news", "summary"]})
    assert SubscribeAck.model_validate(ack).channels == ["price:AAPL", "news", "summary"]
    refused = ErrorAck.model_validate(
        await conn.call("subscribe", {"id": "a", "channels": ["alerts:alice"]})
    )
    assert refused.error.code == "forbidden"
    no_alerts = ErrorAck.model_validate(await conn.call("alert_list", {"id": "l"}))
    assert no_alerts.error.code == "unauthorized"


async def test_require_auth_refuses_guests(auth_server) -> None:
    assert (await refusal(auth_server.url)).code == "unauthorized"


async def test_token_sent_to_a_server_without_a_key_is_refused_not_downgraded(
    launch, issuer, open_feed
) -> None:
    server = await asyncio.to_thread(launch.start, FEED_REQUIRE_AUTH="false")
    assert (await refusal(server.url, issuer.token(user("keyless")))).code == "unauthorized"
    guest = await open_feed(server.url)
    PingAck.model_validate(await guest.ping())


async def test_hs256_server_accepts_its_secret_and_nothing_else(launch, issuer, open_feed) -> None:
    secret = uuid.uuid4().hex + uuid.uuid4().hex  # 64 bytes
    server = await asyncio.to_thread(
        launch.start,
        FEED_REQUIRE_AUTH="true",
        FEED_JWT_ALGORITHM="HS256",
        FEED_JWT_SECRET=secret,
    )
    sub = user("hs")

    def hs256(key: str) -> str:
        minted = mint_token(key, "HS256", sub, "price:*", AUDIENCE, ISSUER, 600)
        return issuer.remember(minted)

    conn = await open_feed(server.url, hs256(secret))
    PingAck.model_validate(await conn.ping())
    wrong_secret = "x" * 64
    assert (await refusal(server.url, hs256(wrong_secret))).code == "unauthorized"
    assert (await refusal(server.url, issuer.token(sub))).code == "unauthorized"  # EdDSA
    issuer.remember(secret)  # the secret must not be logged either


# --------------------------------------------------------------------------- connection limits


async def test_connections_per_ip_trip_and_recover(open_server, open_feed) -> None:
    await connections_become(open_server, 0)
    first = await open_feed(open_server.url)
    await open_feed(open_server.url)
    assert (await refusal(open_server.url)).code == "too_many_connections"

    await first.sio.disconnect()
    await connections_become(open_server, 1)
    third = await open_feed(open_server.url)
    PingAck.model_validate(await third.ping())


async def test_connections_per_user_trip_and_recover(open_server, issuer, open_feed) -> None:
    await connections_become(open_server, 0)
    sub = user("single")
    first = await open_feed(open_server.url, issuer.token(sub))
    refused = await refusal(open_server.url, issuer.token(sub))
    assert refused.code == "too_many_connections"
    other = await open_feed(open_server.url, issuer.token(user("other")))  # another user: fine
    await other.sio.disconnect()

    await first.sio.disconnect()
    await connections_become(open_server, 0)
    again = await open_feed(open_server.url, issuer.token(sub))
    PingAck.model_validate(await again.ping())


async def test_connect_attempt_rate_trips_and_recovers(launch, open_feed) -> None:
    server = await asyncio.to_thread(
        launch.start, FEED_CONNECT_RATE_PER_IP="1", FEED_CONNECT_BURST_PER_IP="2"
    )

    async def attempt() -> FeedConn | ConnectRefusedError:
        try:
            return await open_feed(server.url)
        except ConnectRefusedError as exc:
            return exc

    outcomes = await asyncio.gather(*(attempt() for _ in range(8)))
    refusals = [o for o in outcomes if isinstance(o, ConnectRefusedError)]
    assert len(outcomes) - len(refusals) >= 2, f"the burst of 2 was not honoured: {outcomes}"
    assert refusals and {r.code for r in refusals} == {"rate_limited"}, outcomes

    # The bucket refills at one attempt per second: retry until the server lets us in.
    deadline = time.monotonic() + 10
    while True:
        outcome = await attempt()
        if isinstance(outcome, FeedConn):
            break
        assert outcome.code == "rate_limited", outcome
        assert time.monotonic() < deadline, "connection attempts never accepted again"
        await asyncio.sleep(0.2)
    PingAck.model_validate(await outcome.ping())


async def test_message_rate_limits_requests_but_keeps_the_connection(
    auth_server, issuer, open_feed
) -> None:
    conn = await open_feed(auth_server.url, issuer.token(user("chatty")))
    replies = await asyncio.gather(*(conn.ping(f"p{i}") for i in range(20)))
    limited = [r for r in replies if r["ok"] is False]
    assert len(replies) - len(limited) >= 3, f"the burst of 3 was not honoured: {replies}"
    assert limited
    for reply in limited:
        error = ErrorAck.model_validate(reply)
        assert error.error.code == "rate_limited"
        assert error.id is not None and error.id.startswith("p")
    assert conn.sio.connected

    deadline = time.monotonic() + 10
    while (reply := await conn.ping("later"))["ok"] is False:
        assert ErrorAck.model_validate(reply).error.code == "rate_limited"
        assert time.monotonic() < deadline, "requests never allowed again"
        await asyncio.sleep(0.1)
    assert PingAck.model_validate(reply).id == "later"
    assert conn.sio.connected


# --------------------------------------------------------------------------- origin and IP rules


@pytest.mark.parametrize(
    ("origin", "code"),
    [
        ("https://evil.example", "forbidden"),
        ("http://app.example", "forbidden"),
        ("null", "forbidden"),
        (APP_ORIGIN, None),
        ("https://APP.example:443", None),
        (None, None),
    ],
)
async def test_origin_rules(auth_server, issuer, open_feed, origin, code) -> None:
    token = issuer.token(user("origin"))
    headers = {"Origin": origin} if origin is not None else {}
    if code is None:
        conn = await open_feed(auth_server.url, token, headers=headers)
        PingAck.model_validate(await conn.ping())
    else:
        assert (await refusal(auth_server.url, token, headers=headers)).code == code


@pytest.mark.parametrize(
    "rules",
    [{"FEED_IP_DENY": '["127.0.0.0/8"]'}, {"FEED_IP_ALLOW": '["10.0.0.0/8"]'}],
    ids=["deny-loopback", "allow-only-10/8"],
)
async def test_ip_rules_refuse_with_forbidden(launch, rules) -> None:
    server = await asyncio.to_thread(launch.start, **rules)
    assert (await refusal(server.url)).code == "forbidden"
    assert healthz(server) == {"status": "ok"}, "IP rules guard the socket, not /healthz"


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded"])
async def test_a_forwarded_address_from_a_client_is_not_believed(launch, open_feed, header) -> None:
    # The client is on loopback, which is allowed; a header claiming another address (denied
    # here) must not change who it is. uvicorn believes X-Forwarded-For from 127.0.0.1 unless
    # told not to, so without the fix the first case is refused.
    server = await asyncio.to_thread(launch.start, FEED_IP_DENY='["10.0.0.0/8"]')
    value = "10.1.2.3" if header == "X-Forwarded-For" else "for=10.1.2.3"
    conn = await open_feed(server.url, headers={header: value})
    PingAck.model_validate(await conn.ping())


# --------------------------------------------------------------------------- message size


async def test_oversized_request_is_refused_and_the_connection_lives_on(
    auth_server, issuer, open_feed
) -> None:
    conn = await open_feed(auth_server.url, issuer.token(user("big")))
    big = {"id": "big", "channels": ["price:AAPL"] * 200}  # ~2.6 KB encoded
    assert MAX_MESSAGE_BYTES < len(json.dumps(big)) < 2 * MAX_MESSAGE_BYTES - 100  # a frame fits
    reply = ErrorAck.model_validate(await conn.call("subscribe", big))
    assert (reply.id, reply.error.code) == ("big", "message_too_large")
    PingAck.model_validate(await conn.ping())
    assert conn.sio.connected


async def raw_socketio_request(url: str, token: str, frame_text: str) -> Any:
    """One request the way socket.io-client sends it: JSON text as UTF-8, no escaping."""
    ws_url = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    async with asyncio.timeout(10), websockets.connect(ws_url) as ws:
        assert str(await ws.recv()).startswith("0{")  # Engine.IO OPEN
        await ws.send(f"40{NAMESPACE},{json.dumps({'token': token})}")
        assert str(await ws.recv()).startswith(f"40{NAMESPACE},")  # Socket.IO CONNECT
        await ws.send(f"42{NAMESPACE},7{frame_text}")
        while True:
            message = str(await ws.recv())
            if message.startswith(f"43{NAMESPACE},7"):
                return json.loads(message[len(f"43{NAMESPACE},7") :])[0]


async def test_request_size_counts_utf8_bytes(auth_server, issuer) -> None:
    channels = [f"price:{'€' * 120}", f"news:{'€' * 120}", f"bars:1m:{'€' * 120}"]
    frame = json.dumps(["subscribe", {"id": "u", "channels": channels}], ensure_ascii=False)
    assert len(frame.encode()) < MAX_MESSAGE_BYTES * 0.6
    reply = await raw_socketio_request(auth_server.url, issuer.token(user("utf8")), frame)
    assert ErrorAck.model_validate(reply).error.code == "invalid_channel"


async def test_frame_over_one_mib_closes_only_that_connection(
    auth_server, issuer, open_feed
) -> None:
    bystander = await open_feed(auth_server.url, issuer.token(user("bystander")))
    await bystander.call("subscribe", {"id": "s", "channels": ["price:*"], "throttle_ms": 50})
    abuser = await open_feed(auth_server.url, issuer.token(user("abuser")))

    await abuser.sio.emit(
        "subscribe", {"id": "huge", "channels": ["x" * (1024 * 1024 + 100)]}, namespace=NAMESPACE
    )
    await abuser.until(lambda: "disconnect" in abuser.kinds(), 10, "the abuser to be dropped")
    assert not abuser.sio.connected

    seen = len(bystander.batches)
    await bystander.until(lambda: len(bystander.batches) >= seen + 3, 10, "bystander batches")
    assert bystander.sio.connected and "disconnect" not in bystander.kinds()
    assert healthz(auth_server) == {"status": "ok"}
    newcomer = await open_feed(auth_server.url, issuer.token(user("newcomer")))
    PingAck.model_validate(await newcomer.ping())


# --------------------------------------------------------------------------- audit trail


def audit_entries(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def secrets_in(token: str) -> list[str]:
    """The token, and its signature alone when it has a real one (never to be logged)."""
    parts = [token]
    signature = token.rsplit(".", 1)[-1]
    if token.count(".") == 2 and len(signature) >= 16:
        parts.append(signature)
    return parts


async def test_audit_log_records_security_events_and_never_a_token(
    auth_server, issuer, launch, open_feed
) -> None:
    sub = user("audited")
    conn = await open_feed(auth_server.url, issuer.token(sub, ttl=60))
    await refusal(auth_server.url, issuer.token(sub, key=issuer.other_private_pem))
    await refusal(auth_server.url, issuer.token(sub, ttl=60, now=time.time() - 3600))
    await conn.call("refresh", {"id": "r", "token": issuer.token(sub, ttl=120)})
    replies = await asyncio.gather(*(conn.ping(f"p{i}") for i in range(12)))
    assert any(r["ok"] is False for r in replies)

    audit_path = next(path for server, path in launch.started if server is auth_server)
    wanted = {"connect", "auth_failure", "rate_limited", "token_refresh"}

    def recorded() -> bool:
        mine = [e for e in audit_entries(audit_path) if e.get("user") == sub]
        return {"connect", "rate_limited", "token_refresh"} <= {e["event"] for e in mine}

    await eventually(recorded, 10, "this test's events in the audit log")
    entries = audit_entries(audit_path)
    assert wanted <= {e["event"] for e in entries}
    assert all(isinstance(e["ts"], int) for e in entries)
    failures = [e for e in entries if e["event"] == "auth_failure"]
    assert {"unauthorized", "token_expired"} <= {e.get("code") for e in failures}
    assert stat.S_IMODE(audit_path.stat().st_mode) == 0o600

    assert len(issuer.issued) > 5
    for server, path in launch.started:
        audit_text = path.read_text() if path.exists() else ""
        output = server.output()
        assert "client connected" in output or "Uvicorn running" in output, output[-500:]
        for token in issuer.issued:
            for secret in secrets_in(token):
                assert secret not in audit_text, f"a token reached the audit log {path}"
                assert secret not in output, "a token reached the server's output"
