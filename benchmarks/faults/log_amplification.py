"""Fault 7: how much the feed server logs for malformed Socket.IO frames.

    python -m benchmarks.faults.log_amplification [--frames 5000] [--requests 2000]

Starts the real feed server (`python -m realtime_server`: JSON logs on stderr, as deployed;
a free port, a temporary data directory), opens one raw Engine.IO WebSocket on `/feed` and
sends `--frames` short malformed frames (1-9 bytes, a few kinds in turn), 50 at a time, each
50 followed by a valid ping whose ack says that the server read them (on a new connection
when the server closed the last one); then `--requests` bad HTTP requests of two kinds, each
on its own connection: a line that is not HTTP, and a `PUT` to the Engine.IO path. For each,
prints what was sent and what the server's log grew by: bytes, lines, lines that are not
JSON, tracebacks, and bytes of log per byte sent.
"""

from __future__ import annotations

import argparse
import asyncio
import json

import aiohttp

from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.processes import cleanup_on_exit

BAD_REQUESTS = {
    "not HTTP": b"GARBAGE\r\n\r\n",
    "PUT to Engine.IO": (
        b"PUT /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    ),
}
MALFORMED = ["4", "42", "4{", "42/feed,", "42/feed,[", "4x", "45", "451-", "43/feed,x"]
"""Socket.IO packets that do not parse (Engine.IO message frames, `4` + a bad packet)."""
CHUNK = 50
PING = '42/feed,1["ping",{"id":"last","client_ts":1}]'


async def send_malformed(server: FeedServerProcess, frames: int) -> tuple[int, int]:
    """Send the frames, `CHUNK` at a time, each chunk followed by a ping whose ack says the
    server read it; on a new connection whenever the server closed the last one. Returns the
    bytes sent and the connections used, once the server has read every frame."""
    url = f"{server.url}/socket.io/?EIO=4&transport=websocket"
    sent = connections = done = 0
    async with aiohttp.ClientSession() as session:
        while done < frames:
            connections += 1
            async with session.ws_connect(url) as ws:
                await ws.receive_str()  # Engine.IO open
                await ws.send_str("40/feed,{}")
                if not (await ws.receive_str()).startswith("40/feed,"):
                    await asyncio.sleep(0.2)  # refused (connection attempts per IP): later
                    continue
                while done < frames:
                    chunk = [MALFORMED[(done + k) % len(MALFORMED)] for k in range(CHUNK)]
                    chunk = chunk[: frames - done]
                    for frame in chunk:
                        await ws.send_str(frame)
                    done += len(chunk)
                    sent += sum(len(frame) for frame in chunk)
                    await ws.send_str(PING)
                    if not await acked(ws):
                        break
    return sent, connections


async def acked(ws: aiohttp.ClientWebSocketResponse) -> bool:
    """Whether the ping's ack came (False: the server closed the connection first)."""
    async with asyncio.timeout(30):
        while True:
            message = await ws.receive()
            if message.type != aiohttp.WSMsgType.TEXT:
                return False
            if message.data.startswith("43/feed,1["):
                return True
            if message.data == "2":
                await ws.send_str("3")


async def send_requests(server: FeedServerProcess, request: bytes, count: int) -> int:
    """`count` times `request`, each on a new connection, each answer read; the bytes sent."""
    for _ in range(count):
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(request)
        await writer.drain()
        await reader.read(4096)
        writer.close()
    return count * len(request)


def log_figures(text: str) -> dict[str, int]:
    lines = text.splitlines()
    not_json = 0
    for line in lines:
        try:
            json.loads(line)
        except ValueError:
            not_json += 1
    return {
        "bytes": len(text.encode()),
        "lines": len(lines),
        "not_json": not_json,
        "tracebacks": text.count("Traceback (most recent call last)"),
    }


async def settled_output(server: FeedServerProcess) -> str:
    """The server's output once it stopped growing (its log is written as it goes)."""
    previous = None
    while (text := server.output()) != previous:
        previous = text
        await asyncio.sleep(0.3)
    return text


def report(what: str, sent: int, grown: str) -> None:
    figures = log_figures(grown)
    print(
        f"{what}: {sent:,} bytes sent; log: {figures['bytes']:,} bytes, {figures['lines']:,} "
        f"lines ({figures['not_json']:,} not JSON), {figures['tracebacks']:,} tracebacks; "
        f"{figures['bytes'] / max(1, sent):,.1f} bytes of log per byte sent"
    )


async def measure(server: FeedServerProcess, frames: int, requests: int) -> None:
    before = await settled_output(server)
    sent, connections = await send_malformed(server, frames)
    after = await settled_output(server)
    report(f"{frames} malformed frames on {connections} connection(s)", sent, after[len(before) :])
    for label, request in BAD_REQUESTS.items():
        before = after
        sent = await send_requests(server, request, requests)
        after = await settled_output(server)
        report(f"{requests} requests {label}", sent, after[len(before) :])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.faults.log_amplification", description=__doc__
    )
    parser.add_argument("--frames", type=int, default=5000, help="malformed frames to send")
    parser.add_argument("--requests", type=int, default=2000, help="bad requests of each kind")
    args = parser.parse_args(argv)
    # Bad frames are charged like requests: a connection sending them flat out is closed for
    # policy (fault 6), and without a penalty its address may connect again at once.
    no_penalty = {"FEED_POLICY_PENALTY_S": "0"}
    with cleanup_on_exit(), running_feed_server(FEED_HISTORY_MINUTES="0", **no_penalty) as server:
        asyncio.run(measure(server, args.frames, args.requests))


if __name__ == "__main__":
    main()
