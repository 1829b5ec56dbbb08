"""Fault 8: what the feed server answers to long-polling sessions used the wrong way.

    python -m benchmarks.faults.polling_abuse [--sessions 6000] [--seed 1]

Starts the real feed server (`python -m realtime_server`, default settings but a free port, a
temporary data directory and admission limits raised so that every session is admitted), then
opens `--sessions` Engine.IO long-polling sessions, 100 at a time. Each session, seeded, sends
one to six requests at once, POSTs and GETs mixed: packets out of place (CLOSE, then more),
unknown or empty packets, bytes that are not UTF-8, base64 binary, too many packets, a
Socket.IO CONNECT or a ping among them. A GET the server holds open (a long poll waiting for
data) is given up after a second. Prints the HTTP statuses by count and how many sessions
got at least one 5xx.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
from collections import Counter

import httpx

from tests.support.feed_server import running_feed_server
from tests.support.processes import cleanup_on_exit

BODIES = [
    b"1",
    b"40/feed,",
    b"6",
    b"9",
    b"",
    b"4",
    b"2",
    b"1\x1e40/feed,",
    b"40/feed,\x1e1",
    b"1\x1e9",
    b"x" * 10,
    b"\xff\xfe",
    b"bAAAA",
    b"4\x1e" * 20,
    b'42/feed,1["ping",{"id":"1","client_ts":1}]',
]
WAVE = 100
POLL_GIVE_UP_S = 1.0


async def session(http: httpx.AsyncClient, rnd: random.Random, statuses: Counter[str]) -> bool:
    """One abused session; whether any answer was a 5xx."""
    opened = await http.get("/socket.io/", params={"EIO": "4", "transport": "polling"})
    statuses[str(opened.status_code)] += 1
    if opened.status_code != 200:
        return opened.status_code >= 500
    params = {"EIO": "4", "transport": "polling", "sid": json.loads(opened.text[1:])["sid"]}
    requests = [
        http.post("/socket.io/", params=params, content=rnd.choice(BODIES))
        if rnd.random() < 0.5
        else http.get("/socket.io/", params=params, timeout=POLL_GIVE_UP_S)
        for _ in range(rnd.randint(1, 6))
    ]
    failed = False
    for reply in await asyncio.gather(*requests, return_exceptions=True):
        if isinstance(reply, httpx.ReadTimeout):
            statuses["long poll held (given up)"] += 1
        elif isinstance(reply, BaseException):
            statuses[type(reply).__name__] += 1
        else:
            statuses[str(reply.status_code)] += 1
            failed |= reply.status_code >= 500
    return failed


async def measure(url: str, sessions: int, seed: int) -> None:
    rnd = random.Random(seed)
    statuses: Counter[str] = Counter()
    failed = 0
    limits = httpx.Limits(max_connections=WAVE * 6, max_keepalive_connections=WAVE)
    async with httpx.AsyncClient(base_url=url, timeout=10, limits=limits) as http:
        for start in range(0, sessions, WAVE):
            wave = min(WAVE, sessions - start)
            abused = [session(http, rnd, statuses) for _ in range(wave)]
            failed += sum(await asyncio.gather(*abused))
            if (start + wave) % 1000 == 0:
                print(f"{start + wave} sessions, {failed} with a 5xx", flush=True)
    print(f"sessions: {sessions}; with at least one 5xx answer: {failed}")
    print("answers: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.faults.polling_abuse", description=__doc__
    )
    parser.add_argument("--sessions", type=int, default=6000, help="sessions to abuse")
    parser.add_argument("--seed", type=int, default=1, help="seed of the abuse")
    args = parser.parse_args(argv)
    admit_all = {
        "FEED_CONNECT_RATE_PER_IP": "100000",
        "FEED_CONNECT_BURST_PER_IP": "100000",
        "FEED_MAX_CONNECTIONS_PER_IP": "100000",
    }
    with cleanup_on_exit(), running_feed_server(**admit_all) as server:
        asyncio.run(measure(server.url, args.sessions, args.seed))


if __name__ == "__main__":
    main()
