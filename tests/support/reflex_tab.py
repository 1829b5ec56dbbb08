"""`ReflexTab`: one browser tab of the Reflex app, spoken over its event websocket, no browser.

A tab is a Reflex client token (what a page keeps in its sessionStorage) and one Socket.IO
connection to the app's `/_event` endpoint carrying that token, and whatever `Cookie` header a
browser would send with the upgrade. `send(handler, **payload)` emits an event the way the
page's `applyEvent` does; every state update the server sends back is kept in order, with the
toasts it asks the page to show (`toasts`) and the scripts it asks it to run (`scripts`);
`until` waits on them with a timeout. Many tabs make concurrent clients cheaply (the login
throttle's figures), and a tab can send what no page would (crafted event arguments).
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import socketio

NAMESPACE = "/_event"
"""Reflex's event namespace and Engine.IO path (`config.get_event_namespace()`)."""
TOAST_CALL = re.compile(r"""refs\['__toast'\]\?\.\["(\w+)"\]\(("(?:[^"\\]|\\.)*")""")
"""How `rx.toast.<level>(text)` reaches the page: a function calling the toaster."""


def handler_name(state: type[Any], handler: str) -> str:
    """The wire name of `state.handler` (`state` a Reflex state class)."""
    return f"{state.get_full_name()}.{handler}"


class ReflexTab:
    """One tab: a client token, a websocket, and the updates the server sent it."""

    def __init__(self, base_url: str, *, cookie: str = "", token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookie = cookie
        self.token = token or str(uuid.uuid4())
        self.updates: list[dict[str, Any]] = []
        self._changed = asyncio.Event()
        self._sio = socketio.AsyncClient(reconnection=False)
        self._sio.on("event", self._on_update, namespace=NAMESPACE)

    async def open(self, timeout: float = 10.0) -> ReflexTab:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        await self._sio.connect(
            f"{self.base_url}?token={self.token}",
            headers=headers,
            transports=["websocket"],
            namespaces=[NAMESPACE],
            socketio_path=NAMESPACE,
            wait_timeout=timeout,
        )
        return self

    async def close(self) -> None:
        await self._sio.disconnect()
        await self._sio.shutdown()

    async def __aenter__(self) -> ReflexTab:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def send(self, name: str, path: str = "/", **payload: Any) -> int:
        """Emit the event `name` (see `handler_name`) as a page at `path` would; returns the
        number of updates received before it (a mark for `since`)."""
        mark = self.mark()
        event = {
            "name": name,
            "payload": payload,
            "router_data": {"pathname": path, "asPath": path},
        }
        await self._sio.emit("event", event, namespace=NAMESPACE)
        return mark

    def mark(self) -> int:
        """The number of updates received so far (for `since`, `delta`, `toasts`)."""
        return len(self.updates)

    def since(self, mark: int) -> list[dict[str, Any]]:
        return self.updates[mark:]

    def delta(self, mark: int = 0) -> dict[str, dict[str, Any]]:
        """Every state's vars as the updates since `mark` left them (later values win)."""
        merged: dict[str, dict[str, Any]] = {}
        for update in self.updates[mark:]:
            for state, values in (update.get("delta") or {}).items():
                merged.setdefault(state, {}).update(values)
        return merged

    def frontend_events(self, mark: int = 0) -> list[dict[str, Any]]:
        return [event for update in self.updates[mark:] for event in update.get("events") or []]

    def scripts(self, mark: int = 0) -> list[str]:
        """The JavaScript the server asked the page to run (`rx.call_script`) since `mark`."""
        return [
            str(event["payload"].get("javascript_code", ""))
            for event in self.frontend_events(mark)
            if event.get("name") == "_call_script"
        ]

    def toasts(self, mark: int = 0) -> list[str]:
        """Every toast the server asked the page to show since `mark`, as "level: text"."""
        texts = []
        for event in self.frontend_events(mark):
            if event.get("name") == "_call_function":
                found = TOAST_CALL.search(str(event["payload"].get("function", "")))
                if found:
                    texts.append(f"{found[1]}: {json.loads(found[2])}")
        return texts

    async def until(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `condition` holds, re-checking whenever an update arrives."""
        async with asyncio.timeout(timeout):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    async def _on_update(self, update: Any) -> None:
        if isinstance(update, str):
            update = json.loads(update)
        self.updates.append(update)
        self._changed.set()
