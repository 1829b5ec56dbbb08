"""Fault 19: docs/protocol.md's worked session (§12), run against the real feed server exactly
as the document writes it (docs/reliability.md, "Gaps in docs/protocol.md").

Each client line is sent as shown, and each server line must describe what came back
(`tests.support.documents.matches`: `…` elides, numbers are examples). What a client takes
from its own session replaces what is shown, as §12 says: a token for `alice`, the positions it
holds in `since`, the ids of the alerts it received in `alert_ids`, and an alert threshold the
live price has passed (half of it), so that the rule fires on the next trade. The epoch shown
stands for the server's, which must stay the same all session. A narrative line
`X seq A and B are published meanwhile` waits, disconnected, until X has moved on that much.
The server runs with frequent price shocks (each makes a headline on `news:<SYM>`), so that
AAPL has news within seconds.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
import socketio

from realtime_server.protocol import EVENT_BATCH, NAMESPACE
from realtime_server.security.keys import mint_token, write_keypair
from tests.support.documents import PROTOCOL, Step, matches, worked_session
from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.http import http_json

pytestmark = pytest.mark.timeout(90)

WAIT_S = 30.0
"""Longest wait for a documented batch, or for the news a narrative line says is published."""


class Session:
    """One client following the document: its socket, what it was sent, what it holds."""

    def __init__(self, server: FeedServerProcess, token: str) -> None:
        self.server = server
        self.token = token
        self.sio: socketio.AsyncClient | None = None
        self.replies: dict[int, Any] = {}
        self.updates: list[dict[str, Any]] = []
        self.mark = 0
        """Updates before this index came before the last request: a batch line looks after."""
        self.held: dict[str, dict[str, Any]] = {}
        self.last_price = 0.0
        self.alert_ids: list[str] = []
        self.epochs: dict[str, str] = {}
        """Each epoch the document shows, and the server's epoch it stands for."""
        self._arrived = asyncio.Event()

    async def run(self, steps: list[Step]) -> None:
        for number, step in enumerate(steps, 1):
            try:
                await self.play(step)
            except AssertionError as exc:
                where = f"§12 step {number} ({step.actor} {step.kind})"
                raise AssertionError(f"{where}: {exc}") from None

    async def play(self, step: Step) -> None:
        if step.actor == "narrative":
            await self.drop(step.text)
        elif step.actor == "client" and step.kind == "CONNECT":
            await self.connect()
        elif step.actor == "server" and step.kind == "CONNECT":
            assert self.sio is not None and self.sio.connected
            assert matches(step.payload, {"sid": self.sio.get_sid(NAMESPACE)})
        elif step.actor == "client":
            await self.request(step)
        elif step.kind == "ACK":
            assert step.ack is not None
            reply = self.replies[step.ack]
            pattern = self.bound(step.payload, reply)
            assert matches(pattern, reply), f"documented {pattern}, got {reply}"
        else:
            await self.batch(step.payload)

    def bound(self, pattern: Any, reply: dict[str, Any]) -> Any:
        """`pattern` with the documented epoch read as the server's: the first one documented
        stands for the server's, and must then be the same in every later answer."""
        epochs = {p["epoch"] for p in reply.get("positions", {}).values()}
        if isinstance(pattern, dict):
            return {
                key: self.epoch(value, epochs)
                if key == "epoch" and isinstance(value, str)
                else self.bound(value, reply)
                for key, value in pattern.items()
            }
        if isinstance(pattern, list):
            return [self.bound(item, reply) for item in pattern]
        return pattern

    def epoch(self, documented: str, actual: set[str]) -> str:
        if documented not in self.epochs and len(actual) == 1:
            self.epochs[documented] = next(iter(actual))
        return self.epochs.get(documented, documented)

    async def connect(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on(EVENT_BATCH, self.on_batch, namespace=NAMESPACE)
        await self.sio.connect(
            self.server.url,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            auth={"token": self.token},
            wait_timeout=5,
        )

    def on_batch(self, payload: dict[str, Any]) -> None:
        for update in payload["updates"]:
            self.updates.append(update)
            self.hold(update)
        self._arrived.set()

    def hold(self, update: dict[str, Any]) -> None:
        channel, data = update["channel"], update["data"]
        epoch = self.held.get(channel, {}).get("epoch")
        self.held[channel] = {"epoch": epoch, "seq": update["seq"]}
        if channel == "price:AAPL":
            self.last_price = data["last"]
        if channel.startswith("alerts:"):
            self.alert_ids.append(data["id"])

    async def request(self, step: Step) -> None:
        assert self.sio is not None and step.ack is not None
        payload = dict(step.payload)
        if "since" in payload:
            payload["since"] = {channel: self.held[channel] for channel in payload["since"]}
        if "alert_ids" in payload:
            payload["alert_ids"] = list(self.alert_ids)
        if "threshold" in payload:
            payload["threshold"] = round(self.last_price / 2, 2)
        self.mark = len(self.updates)
        reply = await self.sio.call(step.event, payload, namespace=NAMESPACE, timeout=5)
        self.replies[step.ack] = reply
        self.held.update(reply.get("positions", {}))
        for channel, quote in reply.get("snapshot", {}).items():
            if channel == "price:AAPL":
                self.last_price = quote["last"]
        for updates in reply.get("replay", {}).values():
            for update in updates:
                self.hold(update)

    async def batch(self, documented: dict[str, Any]) -> None:
        """Wait until the updates since the last request hold one for each documented one."""

        def shown() -> bool:
            unused = list(self.updates[self.mark :])
            for pattern in documented["updates"]:
                found = next((u for u in unused if matches(pattern, u)), None)
                if found is None:
                    return False
                unused.remove(found)
            return True

        try:
            async with asyncio.timeout(WAIT_S):
                while not shown():
                    self._arrived.clear()
                    await self._arrived.wait()
        except TimeoutError:
            raise AssertionError(f"no updates like {documented['updates']}") from None

    async def drop(self, text: str) -> None:
        """`the connection drops; CHANNEL seq A and B are published meanwhile`."""
        found = re.search(r"connection drops; (\S+) seq (\d+) and (\d+) are published", text)
        assert found is not None, f"a narrative line the runner does not know: {text!r}"
        channel, first, last = found.group(1), int(found.group(2)), int(found.group(3))
        assert self.sio is not None
        await self.sio.disconnect()
        wanted = self.held[channel]["seq"] + last - first + 1
        url = f"{self.server.url}/api/snapshot?channels={channel}"
        async with asyncio.timeout(WAIT_S):
            while True:
                answer = await asyncio.to_thread(http_json, url)
                if answer and answer["positions"][channel]["seq"] >= wanted:
                    return
                await asyncio.sleep(0.25)


async def test_the_worked_session_runs_as_documented(tmp_path: Path) -> None:
    steps = worked_session(PROTOCOL.read_text())
    private_path, public_path = write_keypair(tmp_path)
    token = mint_token(
        private_path.read_text(),
        "EdDSA",
        "alice",
        ["price:*", "bars:*", "news", "news:*", "summary"],
        audience="marketpulse-feed",
        issuer="marketpulse",
        ttl_s=600,
    )
    with running_feed_server(
        FEED_JWT_PUBLIC_KEY_FILE=str(public_path),
        FEED_HISTORY_MINUTES="0",
        FEED_JUMPS_PER_MINUTE="6000",
    ) as server:
        session = Session(server, token)
        try:
            await session.run(steps)
        finally:
            if session.sio is not None:
                await session.sio.disconnect()
    assert session.alert_ids, "the alert of the session never fired"
