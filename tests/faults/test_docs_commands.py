"""Fault 17: the documented development-token commands, run exactly as printed, make a token
the feed server accepts (docs/reliability.md, "The README's development-token command mints a
refused token").

Each block is run by bash as printed, in a fresh directory holding only a link to the
project's virtualenv (`.venv`, the README's commands run from the repository root) and with
`.venv/bin` first on PATH (protocol.md's `python` is the virtualenv's). The test sets only the
environment: a free `FEED_PORT` (the README's curl line names the default port, 8765, which
the test replaces with that one), no replayed past (a faster start). No other `FEED_*`
variable of the caller's environment reaches the commands.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
import socketio

from realtime_server.protocol import NAMESPACE
from tests.support.documents import PROTOCOL, README, ROOT, command_block
from tests.support.feed_server import running_feed_server
from tests.support.http import http_ok
from tests.support.ports import LOOPBACK, free_port
from tests.support.processes import ManagedProcess, wait_until

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / ".venv").symlink_to(ROOT / ".venv")
    return tmp_path


def shell_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEED_")}
    path = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return env | {"PATH": path, "FEED_HISTORY_MINUTES": "0"} | extra


def run_block(block: str, cwd: Path, env: dict[str, str], then: str = "") -> str:
    """Run `block` (plus `then`, in the same shell) with bash; its stdout."""
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block + then],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, f"{block!r} failed:\n{done.stderr}"
    return done.stdout


@pytest.fixture
def readme_server(workdir: Path) -> Iterator[int]:
    """The README's server block (keygen, then the feed server verifying with the key)."""
    port = free_port()
    server = ManagedProcess(
        ["bash", "-euo", "pipefail", "-c", command_block(README.read_text(), "development server")],
        shell_env(FEED_PORT=str(port)),
        workdir,
        name="readme-feed-server",
    )
    try:
        wait_until(
            lambda: server.alive() and http_ok(f"http://{LOOPBACK}:{port}/readyz"),
            30,
            "the README's feed server to be ready",
        )
        yield port
    finally:
        server.close()


def test_readme_token_command_gets_a_snapshot(readme_server: int, workdir: Path) -> None:
    block = command_block(README.read_text(), "development token")
    assert "127.0.0.1:8765" in block
    out = run_block(
        block.replace("127.0.0.1:8765", f"127.0.0.1:{readme_server}"), workdir, shell_env()
    )
    answer = orjson.loads(out)
    assert answer["ok"] is True, answer
    assert answer["snapshot"]["price:AAPL"]["symbol"] == "AAPL"


async def test_protocol_token_command_signs_alice_in(workdir: Path) -> None:
    block = command_block(PROTOCOL.read_text(), "development token")
    token = run_block(block, workdir, shell_env(), then='\nprintf "%s" "$TOKEN"').splitlines()[-1]
    public_key = workdir / "keys" / "feed_ed25519.pub.pem"
    with running_feed_server(
        FEED_JWT_PUBLIC_KEY_FILE=str(public_key), FEED_HISTORY_MINUTES="0"
    ) as server:
        sio = socketio.AsyncClient(reconnection=False)
        await sio.connect(
            server.url, namespaces=[NAMESPACE], transports=["websocket"], auth={"token": token}
        )
        try:
            rules = await sio.call("alert_list", {"id": "1"}, namespace=NAMESPACE, timeout=5)
            prices = await sio.call(
                "subscribe", {"id": "2", "channels": ["price:AAPL"]}, namespace=NAMESPACE, timeout=5
            )
            bars = await sio.call(
                "subscribe",
                {"id": "3", "channels": ["bars:1m:AAPL"]},
                namespace=NAMESPACE,
                timeout=5,
            )
        finally:
            await sio.disconnect()
    assert rules == {"ok": True, "id": "1", "rules": []}  # signed in: guests get unauthorized
    assert prices["ok"] is True and "price:AAPL" in prices["snapshot"]
    assert bars["error"]["code"] == "forbidden"  # the scopes given: "price:* news summary"
