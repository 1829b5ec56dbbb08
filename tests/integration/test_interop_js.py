"""Interop: the official JavaScript `socket.io-client` (v4) against the real feed server.

`tests/interop/feed_client.mjs` is a third-party style client written only from the protocol
document: it connects to `/feed` over WebSocket (optionally with `auth: {token}`), subscribes
with an acknowledgement, collects batches, sends an invalid subscribe and a ping, and prints
one JSON line. These tests run it with Node against the feed server process, as a guest and
with a JWT, and check what it saw. Its npm dependencies are installed by
`script/setup.sh --test`; when they (or Node) are missing the tests fail, never skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from realtime_server.security.keys import mint_token, write_keypair
from tests.support.feed_server import FeedServerProcess, running_feed_server

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
INTEROP = ROOT / "tests" / "interop"
SCRIPT = INTEROP / "feed_client.mjs"
SETUP_HINT = "run `script/setup.sh --test` to install it"

CHANNELS = ["price:AAPL", "price:MSFT", "price:NVDA"]
THROTTLE_MS = 50
MIN_BATCHES = 3
CLIENT_TIMEOUT_MS = 8_000
AUDIENCE, ISSUER = "marketpulse-feed", "marketpulse"

EXIT_OK, EXIT_CONNECT_ERROR = 0, 2


@pytest.fixture(scope="module")
def node() -> str:
    """The `node` executable, with the pinned socket.io-client installed next to the script."""
    path = shutil.which("node")
    if path is None:
        pytest.fail(f"Node.js (>= 18) is not on PATH; the JS interop test needs it ({SETUP_HINT})")
    major = subprocess.run(
        [path, "-p", "process.versions.node.split('.')[0]"],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    ).stdout.strip()
    if int(major) < 18:
        pytest.fail(f"Node.js {major} is too old for socket.io-client 4; need >= 18")
    pinned = json.loads((INTEROP / "package.json").read_text())["dependencies"]["socket.io-client"]
    installed_manifest = INTEROP / "node_modules" / "socket.io-client" / "package.json"
    if not installed_manifest.is_file():
        pytest.fail(f"tests/interop/node_modules has no socket.io-client; {SETUP_HINT}")
    installed = json.loads(installed_manifest.read_text())["version"]
    if installed != pinned:
        pytest.fail(
            f"tests/interop has socket.io-client {installed} installed but pins {pinned}; "
            f"{SETUP_HINT}"
        )
    return path


@pytest.fixture(scope="module")
def guest_server() -> Iterator[FeedServerProcess]:
    with running_feed_server(FEED_TICKS_PER_SECOND="400") as server:
        yield server


@pytest.fixture(scope="module")
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """(private PEM, public key file) of a fresh Ed25519 pair."""
    private_path, public_path = write_keypair(tmp_path_factory.mktemp("feed-keys"))
    return private_path.read_text(), public_path


@pytest.fixture(scope="module")
def auth_server(signing_key: tuple[str, Path]) -> Iterator[FeedServerProcess]:
    _, public_path = signing_key
    with running_feed_server(
        FEED_TICKS_PER_SECOND="400",
        FEED_REQUIRE_AUTH="true",
        FEED_JWT_ALGORITHM="EdDSA",
        FEED_JWT_PUBLIC_KEY_FILE=str(public_path),
    ) as server:
        yield server


def token_for(private_pem: str, issued_at: float | None = None) -> str:
    """Alice's token for every price channel, valid for 5 minutes from `issued_at` (now)."""
    return mint_token(
        private_pem,
        "EdDSA",
        "alice",
        ["price:*"],
        audience=AUDIENCE,
        issuer=ISSUER,
        ttl_s=300,
        now=issued_at,
    )


def run_client(node: str, server: FeedServerProcess, token: str | None = None) -> tuple[int, Any]:
    """Run the JS client against `server`; its exit status and the JSON line it printed."""
    env = {k: v for k, v in os.environ.items() if k != "FEED_TOKEN"}
    env.update(
        FEED_URL=server.url,
        CHANNELS=",".join(CHANNELS),
        THROTTLE_MS=str(THROTTLE_MS),
        MIN_BATCHES=str(MIN_BATCHES),
        TIMEOUT_MS=str(CLIENT_TIMEOUT_MS),
    )
    if token is not None:
        env["FEED_TOKEN"] = token
    result = subprocess.run(
        [node, str(SCRIPT)],
        cwd=INTEROP,
        env=env,
        capture_output=True,
        text=True,
        timeout=CLIENT_TIMEOUT_MS / 1000 + 10,
    )
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    context = (
        f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}\n"
        f"server output (tail):\n{server.output()[-3000:]}"
    )
    assert len(lines) == 1, f"the client must print exactly one JSON line; {context}"
    try:
        summary = json.loads(lines[0])
    except json.JSONDecodeError:
        pytest.fail(f"the client printed something that is not JSON; {context}")
    return result.returncode, summary


def assert_full_session(summary: dict[str, Any]) -> None:
    """Everything the client checks in one session came out as the protocol documents."""
    assert summary["connected"] is True
    assert summary["transport"] == "websocket"

    ack = summary["subscribe_ack"]
    assert ack["id"] == "sub-1"
    assert ack["channels"] == CHANNELS
    assert ack["throttle_ms"] == THROTTLE_MS
    assert ack["snapshot_keys"] == sorted(CHANNELS), "a snapshot for every channel"
    assert ack["snapshot_symbols"] == {ch: ch.removeprefix("price:") for ch in CHANNELS}
    assert set(ack["positions"]) == set(CHANNELS)
    for position in ack["positions"].values():
        assert isinstance(position["epoch"], str) and position["epoch"]
        assert isinstance(position["seq"], int) and position["seq"] >= 0

    assert summary["batches"] >= MIN_BATCHES
    assert summary["updates"] >= summary["batches"], "every batch carries at least one update"
    assert summary["batches_before_ack"] == 0, "a batch overtook the subscribe ack"
    assert set(summary["channels_seen"]) <= set(CHANNELS)
    assert summary["seq_monotonic"] is True, summary["seq_violations"]

    bad = summary["bad_subscribe"]
    assert (bad["ok"], bad["id"], summary["error_code"]) == (False, "sub-bad", "unknown_symbol")

    ping = summary["ping"]
    assert ping["ok"] is True and ping["id"] == "ping-1"
    assert ping["client_ts_echoed"] is True
    assert isinstance(ping["server_ts"], int)
    assert isinstance(summary["rtt_ms"], int | float) and 0 <= summary["rtt_ms"] < 2_000
    assert summary["goodbye"] is None


def test_guest_session(node: str, guest_server: FeedServerProcess) -> None:
    code, summary = run_client(node, guest_server)
    assert code == EXIT_OK, summary
    assert_full_session(summary)


def test_authenticated_session(
    node: str, auth_server: FeedServerProcess, signing_key: tuple[str, Path]
) -> None:
    private_pem, _ = signing_key
    code, summary = run_client(node, auth_server, token=token_for(private_pem))
    assert code == EXIT_OK, summary
    assert_full_session(summary)


def test_auth_required_refuses_client_without_token(
    node: str, auth_server: FeedServerProcess
) -> None:
    code, summary = run_client(node, auth_server)
    assert code == EXIT_CONNECT_ERROR, summary
    assert summary["connect_error"]["code"] == "unauthorized"
    assert summary["connect_error"]["message"]


def test_auth_required_refuses_expired_token(
    node: str, auth_server: FeedServerProcess, signing_key: tuple[str, Path]
) -> None:
    private_pem, _ = signing_key
    code, summary = run_client(
        node, auth_server, token=token_for(private_pem, issued_at=time.time() - 600)
    )
    assert code == EXIT_CONNECT_ERROR, summary
    assert summary["connect_error"]["code"] == "token_expired"
