"""Faults 3 and 4: what binary attachments and huge frames cost the feed server's memory.

    python -m benchmarks.faults.oversized_input [--mib 150] [--connections 20]

Three cases, each against a fresh real feed server (`python -m realtime_server`, default
settings but a free port and a temporary data directory), as a guest over raw websockets,
measuring the server's settled RSS growth (the median over a second):

- binary attachments: on `/feed`, the header
  `4599999999-/feed,["ping",{"_placeholder":true,"num":0}]` (a BINARY_EVENT announcing 4.6
  billion attachments), then `--mib` MiB of binary frames: 1 MiB frames, as the campaign
  sent them, and 100 KiB frames (under the frame limit: what is left when only binary is
  refused);
- huge CONNECTs: `--connections` connections that each send `"40/" + "a" * 900000 + ","` (a
  CONNECT to an unknown namespace of 900,000 characters) and then read nothing.

For each it prints what the client saw (answers, or the close code), the growth while the
connections are open, and what is left once they are closed.
"""

from __future__ import annotations

import argparse
import asyncio

import websockets

from benchmarks.common import settled_rss
from tests.support.feed_server import FeedServerProcess, running_feed_server
from tests.support.processes import cleanup_on_exit
from tests.support.raw_feed import RawFeed

BINARY_HEADER = '4599999999-/feed,["ping",{"_placeholder":true,"num":0}]'
HUGE_CONNECT = "40/" + "a" * 900_000 + ","


def rss(server: FeedServerProcess) -> float:
    assert server.process is not None
    return settled_rss(server.process.pid, 1.0) / 1e6


def fate(feed: RawFeed) -> str:
    if feed.ws.close_code is None:
        return "open"
    return f"closed ({feed.ws.close_code}: {feed.ws.close_reason or 'no reason'})"


async def attachments(server: FeedServerProcess, mib: int, frame_kib: int) -> None:
    base = rss(server)
    feed = await RawFeed.open(server.port)
    sent = 0
    try:
        await feed.send(BINARY_HEADER)
        chunk = b"\0" * (frame_kib * 1024)
        with_frames = mib * 1024 // frame_kib
        try:
            for _ in range(with_frames):
                await feed.send(chunk)
                sent += 1
        except websockets.ConnectionClosed:
            pass
        answers = [f async for f in feed.drain(2)]
        grown = rss(server) - base
        print(
            f"binary attachments, {frame_kib} KiB frames: {sent}/{with_frames} frames sent "
            f"({sent * frame_kib / 1024:.0f} MiB); connection {fate(feed)}; "
            f"{sum(1 for a in answers if str(a).startswith('4'))} answers; "
            f"server RSS +{grown:.1f} MB"
        )
    finally:
        feed.close()
    await asyncio.sleep(1)
    print(f"  once closed: +{rss(server) - base:.1f} MB")


async def huge_connects(server: FeedServerProcess, connections: int) -> None:
    base = rss(server)
    feeds = []
    try:
        for _ in range(connections):
            feed = await RawFeed.open(server.port, join=False, stalled=True)
            feeds.append(feed)
            await feed.send(HUGE_CONNECT)
        await asyncio.sleep(2)  # the server has read them all
        grown = rss(server) - base
        fates: dict[str, int] = {}
        for feed in feeds:
            answers = [f async for f in feed.drain(1)]
            outcome = f"{len(answers)} answers ({sum(map(len, answers)):,} characters), " + fate(
                feed
            )
            fates[outcome] = fates.get(outcome, 0) + 1
        print(f"huge CONNECTs, {connections} connections: server RSS +{grown:.1f} MB; {fates}")
    finally:
        for feed in feeds:
            feed.close()
    await asyncio.sleep(1)
    print(f"  once closed: +{rss(server) - base:.1f} MB")


async def measure(mib: int, connections: int) -> None:
    cases = [
        lambda server: attachments(server, mib, 1024),
        lambda server: attachments(server, mib, 100),
        lambda server: huge_connects(server, connections),
    ]
    for case in cases:
        with running_feed_server() as server:
            await case(server)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.faults.oversized_input", description=__doc__
    )
    parser.add_argument("--mib", type=int, default=150, help="MiB of binary frames to send")
    parser.add_argument("--connections", type=int, default=20, help="huge CONNECTs")
    args = parser.parse_args(argv)
    with cleanup_on_exit():
        asyncio.run(measure(args.mib, args.connections))


if __name__ == "__main__":
    main()
