"""Fault 5: what `/api/snapshot` gives a guest for each byte it sends, once and flooding.

    python -m benchmarks.faults.snapshot_amplifier [--seconds 5] [--connections 8]

Starts the real feed server (`python -m realtime_server`, default settings but a free port and
a temporary data directory), then, as a guest over raw HTTP/1.1 keep-alive connections, for
each request below:

- once: the bytes of the request, the bytes of the answer (status line, headers and body),
  their ratio, and the status;
- a flood: the same request back to back on `--connections` connections for `--seconds`:
  answers per second by status, and bytes out per byte in over the whole flood.

The requests: every bar of every symbol (`bars:1s:*,bars:1m:*,bars:5m:*`, the campaign's
2.23 MB answer), and every quote (`price:*`).
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.support.feed_server import running_feed_server
from tests.support.ports import LOOPBACK
from tests.support.processes import cleanup_on_exit

REQUESTS = {
    "every bar": "bars:1s:*,bars:1m:*,bars:5m:*",
    "every quote": "price:*",
}


def request_bytes(port: int, channels: str) -> bytes:
    return (
        f"GET /api/snapshot?channels={channels} HTTP/1.1\r\nHost: {LOOPBACK}:{port}\r\n\r\n"
    ).encode()


@dataclass
class Tally:
    bytes_in: int = 0
    bytes_out: int = 0
    statuses: Counter[int] = field(default_factory=Counter)


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[int, int]:
    """Send one request; (status, bytes of the whole answer)."""
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status, len(head) + length


async def once(port: int, request: bytes) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection(LOOPBACK, port)
    try:
        return await exchange(reader, writer, request)
    finally:
        writer.close()


async def flood(port: int, request: bytes, seconds: float, connections: int) -> Tally:
    tally = Tally()
    deadline = time.monotonic() + seconds

    async def one_connection() -> None:
        reader, writer = await asyncio.open_connection(LOOPBACK, port)
        try:
            while time.monotonic() < deadline:
                status, size = await exchange(reader, writer, request)
                tally.bytes_in += len(request)
                tally.bytes_out += size
                tally.statuses[status] += 1
        finally:
            writer.close()

    await asyncio.gather(*(one_connection() for _ in range(connections)))
    return tally


async def measure(port: int, seconds: float, connections: int) -> None:
    for label, channels in REQUESTS.items():
        request = request_bytes(port, channels)
        status, size = await once(port, request)
        print(
            f"{label} ({channels}), once: {len(request)} B in, {size} B out "
            f"({size / len(request):,.0f}x), status {status}"
        )
        started = time.monotonic()
        tally = await flood(port, request, seconds, connections)
        wall = time.monotonic() - started
        rates = ", ".join(
            f"{status}: {count / wall:,.0f}/s" for status, count in sorted(tally.statuses.items())
        )
        print(
            f"{label}, flood ({connections} connections, {wall:.1f} s): {rates}; "
            f"{tally.bytes_out / wall / 1e6:,.2f} MB/s out, "
            f"{tally.bytes_out / max(1, tally.bytes_in):,.1f} B out per B in"
        )
        await asyncio.sleep(3)  # let the buckets refill between the two requests


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.faults.snapshot_amplifier", description=__doc__
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each flood")
    parser.add_argument("--connections", type=int, default=8, help="flooding connections")
    args = parser.parse_args(argv)
    with cleanup_on_exit(), running_feed_server() as server:
        asyncio.run(measure(server.port, args.seconds, args.connections))


if __name__ == "__main__":
    main()
