"""A websocket stand-in for an adapter's `open`, in unit tests: it answers from a script and
records what the adapter sent."""

from __future__ import annotations

import json
from typing import Any


class ScriptedLink:
    def __init__(self, *incoming: Any) -> None:
        self.incoming = [m if isinstance(m, str) else json.dumps(m) for m in incoming]
        self.sent: list[Any] = []

    async def send(self, message: Any) -> None:
        self.sent.append(message)

    async def receive(self) -> str:
        if not self.incoming:
            raise AssertionError("the adapter read more than the script holds")
        return self.incoming.pop(0)
