"""Random requests against the real server: every reply well-formed, nothing else disturbed.

One server process and two clients live for the whole module. The clients run on an asyncio
loop in a background thread, so they keep reading (batches, Engine.IO pings) while Hypothesis
generates; each example hands its requests to that loop and waits for the replies.

The fuzzing client is a signed-in user (so the alert handlers run their real paths) and throws
near-valid requests (the right shape with some wrong values, a field dropped or added),
arbitrary JSON, the wrong number of arguments, and random or reserved event names. A second
client, a guest subscribed to price channels, must keep receiving batches throughout.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import json
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
import socketio
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from realtime_server.protocol import (
    EVENT_ALERT_ACK,
    EVENT_ALERT_CREATE,
    EVENT_ALERT_DELETE,
    EVENT_ALERT_LIST,
    EVENT_CATALOG,
    EVENT_MODIFY,
    EVENT_PING,
    EVENT_REFRESH,
    EVENT_SUBSCRIBE,
    EVENT_SUBSCRIPTIONS,
    EVENT_UNSUBSCRIBE,
    NAMESPACE,
    REQUEST_MODELS,
    AlertAckAck,
    AlertDeleteAck,
    AlertListAck,
    AlertRuleAck,
    Batch,
    CatalogAck,
    ErrorAck,
    ErrorCode,
    ModifyAck,
    PingAck,
    RefreshAck,
    SubscribeAck,
    SubscriptionsAck,
    UnsubscribeAck,
    request_id_of,
)
from realtime_server.security.keys import mint_token, write_keypair
from tests.support.feed_server import FeedServerProcess
from tests.support.processes import wait_until

pytestmark = pytest.mark.integration

T = TypeVar("T")

USER = "fuzzer"
WATCHED = ["price:AAPL", "price:MSFT", "price:NVDA", "price:JPM"]
ACKS: dict[str, type[BaseModel]] = {
    EVENT_SUBSCRIBE: SubscribeAck,
    EVENT_UNSUBSCRIBE: UnsubscribeAck,
    EVENT_MODIFY: ModifyAck,
    EVENT_SUBSCRIPTIONS: SubscriptionsAck,
    EVENT_CATALOG: CatalogAck,
    EVENT_PING: PingAck,
    EVENT_REFRESH: RefreshAck,
    EVENT_ALERT_CREATE: AlertRuleAck,
    EVENT_ALERT_LIST: AlertListAck,
    EVENT_ALERT_DELETE: AlertDeleteAck,
    EVENT_ALERT_ACK: AlertAckAck,
}
RESERVED_NAMES = [
    *("connect", "disconnect", "connect_error", "message", "batch", "goodbye", ""),
    *("__proto__", "Subscribe", " ping", "subscribe\x00", "alert_*"),
]
NEVER = {ErrorCode.INTERNAL, ErrorCode.UNAVAILABLE}
"""Codes that would mean the server broke, or thought the live connection was gone."""


def test_ack_models_cover_every_event() -> None:
    assert set(ACKS) == set(REQUEST_MODELS)


# --------------------------------------------------------------------------- the rig


class LoopThread:
    """An asyncio loop running in a daemon thread; `run` executes a coroutine on it."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fuzz-loop", daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    def close(self) -> None:
        async def cancel_rest() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        with contextlib.suppress(Exception):
            self.run(cancel_rest(), timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@dataclass
class Client:
    sio: socketio.AsyncClient
    batches: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    """(time.monotonic() at receipt, payload)"""
    farewells: list[tuple[str, Any]] = field(default_factory=list)

    @classmethod
    async def open(cls, url: str, token: str | None) -> Client:
        sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        client = cls(sio)
        sio.on("batch", lambda p: client.batches.append((time.monotonic(), p)), namespace=NAMESPACE)
        sio.on("goodbye", lambda p: client.farewells.append(("goodbye", p)), namespace=NAMESPACE)
        sio.on(
            "disconnect", lambda *r: client.farewells.append(("disconnect", r)), namespace=NAMESPACE
        )
        await sio.connect(
            url,
            auth={"token": token} if token else None,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            wait_timeout=10,
        )
        return client

    async def call(self, event: str, args: tuple[Any, ...]) -> Any:
        data: Any = args[0] if len(args) == 1 else args
        return await self.sio.call(event, data, namespace=NAMESPACE, timeout=10)


@dataclass
class Rig:
    server: FeedServerProcess
    loop: LoopThread
    fuzzer: Client
    watcher: Client
    tokens: dict[str, str]

    def request(self, event: str, args: tuple[Any, ...]) -> Any:
        return self.loop.run(self.fuzzer.call(event, args), timeout=15)


def http_json(url: str) -> dict[str, Any]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    folder = tmp_path_factory.mktemp("fuzz")
    private_path, public_path = write_keypair(folder / "keys")
    private = private_path.read_text()

    def token(sub: str, scope: str = "price:* bars:* news news:* summary") -> str:
        return mint_token(private, "EdDSA", sub, scope, "marketpulse-feed", "marketpulse", 3600)

    tokens = {
        "own": token(USER),
        "own, narrower": token(USER, "price:AAPL news"),
        "other user": token("someone-else"),
        "garbage": "not.a.token",
    }
    server = FeedServerProcess(
        FEED_JWT_PUBLIC_KEY_FILE=str(public_path),
        FEED_MESSAGE_RATE="100000",
        FEED_MESSAGE_BURST="100000",
        FEED_AUDIT_LOG_PATH=str(folder / "audit.jsonl"),
        FEED_SEED="3",
    )
    with contextlib.ExitStack() as stack:
        stack.callback(server.close)
        server.start()
        loop = LoopThread()
        stack.callback(loop.close)
        fuzzer = loop.run(Client.open(server.url, tokens["own"]))
        stack.callback(lambda: loop.run(fuzzer.sio.disconnect()))
        watcher = loop.run(Client.open(server.url, None))
        stack.callback(lambda: loop.run(watcher.sio.disconnect()))
        ack = loop.run(
            watcher.sio.call(
                "subscribe",
                {"id": "w", "channels": WATCHED, "throttle_ms": 50},
                namespace=NAMESPACE,
                timeout=10,
            )
        )
        assert ack["ok"] is True, ack
        yield Rig(server, loop, fuzzer, watcher, tokens)


# --------------------------------------------------------------------------- strategies


def weighted(*choices: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, each picked in proportion to its weight."""
    table = [strategy for weight, strategy in choices for _ in range(weight)]
    return st.sampled_from(table).flatmap(lambda strategy: strategy)


json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
)
json_values = st.recursive(
    json_leaves,
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=25,
)


def usually(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value of the right kind 6 times in 7, otherwise any JSON at all."""
    return weighted((6, good), (1, json_values))


valid_ids = st.text(min_size=1, max_size=12)
request_ids = weighted(
    (8, valid_ids),
    (1, st.just("")),
    (1, st.text(min_size=65, max_size=80)),
)
good_symbols = st.sampled_from(["AAPL", "MSFT", "NVDA", "KO", "JPM", "XOM"])
symbols = weighted(
    (4, good_symbols),
    (1, st.sampled_from(["ZZZZ", "*", "aapl", "", "A" * 16, "BRK.B", "AAPL "])),
)
good_channels = st.one_of(
    st.sampled_from(["summary", "news", "price:*", "news:*", "bars:1m:*", f"alerts:{USER}"]),
    st.builds(
        "{}:{}".format, st.sampled_from(["price", "news", "bars:1s", "bars:5m"]), good_symbols
    ),
)
odd_channels = st.one_of(
    st.sampled_from(
        ["alerts:someone-else", "alerts:*", "price:", "::", "price:AAPL:x", "bars:2m:AAPL", "*"]
    ),
    st.builds("{}:{}".format, st.sampled_from(["price", "news", "alerts", "quotes"]), symbols),
    st.text(max_size=30),
)
channel_names = weighted((3, good_channels), (1, odd_channels))
channel_lists = weighted((8, st.lists(channel_names, min_size=1, max_size=4)), (1, st.just([])))
throttles = weighted((4, st.integers(0, 2_000)), (1, st.integers(-100, 70_000)))
positions = st.fixed_dictionaries(
    {"epoch": usually(st.text(min_size=1, max_size=70)), "seq": usually(st.integers(0))}
)


def _shaped(
    required: dict[str, st.SearchStrategy[Any]],
    optional: dict[str, st.SearchStrategy[Any]] | None = None,
    *,
    clean: bool,
) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads of the documented shape: every value of the right kind when `clean`."""
    value = (lambda good: good) if clean else usually
    return st.fixed_dictionaries(
        {"id": value(valid_ids if clean else request_ids)}
        | {k: value(v) for k, v in required.items()},
        optional={k: value(v) for k, v in (optional or {}).items()},
    )


def templates(tokens: list[str], clean: bool) -> dict[str, st.SearchStrategy[dict[str, Any]]]:
    """Payloads of every event in the documented shape; values sometimes wrong unless `clean`."""
    shaped = functools.partial(_shaped, clean=clean)
    return {
        EVENT_SUBSCRIBE: shaped(
            {"channels": channel_lists},
            {"throttle_ms": throttles, "since": st.dictionaries(channel_names, positions)},
        ),
        EVENT_UNSUBSCRIBE: shaped({"channels": channel_lists}),
        EVENT_MODIFY: shaped(
            {}, {"add": channel_lists, "remove": channel_lists, "throttle_ms": throttles}
        ),
        EVENT_SUBSCRIPTIONS: shaped({}),
        EVENT_CATALOG: shaped({}),
        EVENT_PING: shaped(
            {"client_ts": st.integers()},
            {"rtt_ms": st.floats(min_value=-10, max_value=1e6, allow_nan=False)},
        ),
        EVENT_REFRESH: shaped({"token": weighted((4, st.sampled_from(tokens)), (1, st.text()))}),
        EVENT_ALERT_CREATE: shaped(
            {
                "symbol": symbols,
                "condition": weighted(
                    (4, st.sampled_from(["above", "below", "move_pct"])), (1, st.text(max_size=9))
                ),
                "threshold": weighted(
                    (4, st.floats(0.01, 5_000)), (1, st.floats(-5, 2e9, allow_nan=False))
                ),
            },
            {"note": st.text(max_size=220)},
        ),
        EVENT_ALERT_LIST: shaped({}),
        EVENT_ALERT_DELETE: shaped({"rule_id": st.text(max_size=70)}),
        EVENT_ALERT_ACK: shaped({"alert_ids": st.lists(st.text(max_size=20), max_size=5)}),
    }


def mangle(payload: dict[str, Any], drop: bool, key: str, value: Any) -> dict[str, Any]:
    """The payload with one field dropped, or one (unexpected or existing) field replaced."""
    changed = dict(payload)
    if drop and changed:
        changed.pop(sorted(changed)[len(key) % len(changed)])
    else:
        changed[key or "extra"] = value
    return changed


def requests(tokens: list[str]) -> st.SearchStrategy[tuple[str, tuple[Any, ...]]]:
    """(event, arguments): one payload usually, sometimes none or two."""
    clean, shapes = templates(tokens, clean=True), templates(tokens, clean=False)
    per_event = [
        st.tuples(
            st.just(event),
            weighted(
                (3, clean[event]),
                (4, shape),
                (2, st.builds(mangle, shape, st.booleans(), st.text(max_size=8), json_values)),
                (1, json_values),
            ).map(lambda payload: (payload,)),
        )
        for event, shape in shapes.items()
    ]
    odd_arity = st.tuples(
        st.sampled_from(sorted(shapes)),
        st.one_of(st.just(()), st.tuples(json_values, json_values)),
    )
    odd_names = st.tuples(
        st.sampled_from(RESERVED_NAMES) | st.text(max_size=30).filter(lambda e: e not in shapes),
        st.tuples(json_values),
    )
    return weighted((8, st.one_of(*per_event)), (1, odd_arity), (1, odd_names))


# --------------------------------------------------------------------------- the property


def check_reply(event: str, args: tuple[Any, ...], reply: Any) -> str:
    """Assert `reply` is a well-formed ack for this request; return "ok" or the error code."""
    assert isinstance(reply, dict), f"{event}: reply is not an object: {reply!r}"
    first = args[0] if args else None
    if reply.get("ok") is True:
        assert event in ACKS and len(args) == 1, f"{event} with {args!r} accepted"
        model = ACKS[event]
        model.model_validate(reply)
        assert set(reply) == set(model.model_fields), f"{event}: undocumented fields in {reply}"
        assert reply["id"] == first["id"]
        return "ok"
    error = ErrorAck.model_validate(reply)
    assert set(reply) == {"ok", "id", "error"} and set(reply["error"]) == {"code", "message"}
    assert error.id == request_id_of(first), f"{event}: id not echoed: {reply}"
    assert error.error.message
    assert error.error.code not in NEVER, f"{event} {args!r} → {reply}"
    if event not in ACKS:
        assert error.error.code in (ErrorCode.UNKNOWN_EVENT, ErrorCode.RATE_LIMITED), reply
    return error.error.code.value


def test_random_requests_get_well_formed_replies_and_disturb_nothing(rig: Rig) -> None:
    outcomes: Counter[tuple[str, str]] = Counter()
    started = time.monotonic()

    # One request of each kind the fuzzing must reach, run first whatever the draws: which
    # refusals random payloads hit depends on the generator's state, not only its seed.
    covered = [
        (EVENT_SUBSCRIBE, ({"id": "c1", "channels": ["price:AAPL"]},)),
        (EVENT_SUBSCRIBE, ({"id": "c2", "channels": ["no such channel"]},)),
        (EVENT_SUBSCRIBE, ({"id": "c3", "channels": ["alerts:someone-else"]},)),
        (EVENT_PING, ({"id": "c4", "client_ts": 1},)),
        (EVENT_PING, ({"id": "c5"},)),
        (
            EVENT_ALERT_CREATE,
            ({"id": "c6", "symbol": "AAPL", "condition": "above", "threshold": 1e8},),
        ),
        (EVENT_REFRESH, ({"id": "c7", "token": rig.tokens["own"]},)),
        ("no_such_event", ({"id": "c8"},)),
    ]

    @settings(
        max_examples=150,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @example(batch=covered)
    @given(batch=st.lists(requests(list(rig.tokens.values())), min_size=1, max_size=4))
    def every_reply_is_well_formed(batch: list[tuple[str, tuple[Any, ...]]]) -> None:
        for event, args in batch:
            reply = rig.request(event, args)
            outcome = check_reply(event, args, reply)
            outcomes[(event if event in ACKS else "<other>", outcome)] += 1
            assert rig.fuzzer.sio.connected and not rig.fuzzer.farewells

    every_reply_is_well_formed()
    ended = time.monotonic()

    # The fuzzing reached past validation: real successes and a spread of refusals.
    succeeded = {event for (event, outcome) in outcomes if outcome == "ok"}
    assert {EVENT_SUBSCRIBE, EVENT_PING, EVENT_ALERT_CREATE, EVENT_REFRESH} <= succeeded, outcomes
    codes = {outcome for (_, outcome) in outcomes}
    assert {"bad_request", "unknown_event", "invalid_channel", "forbidden"} <= codes, outcomes

    # The fuzzed connection is still up and still serves.
    pong = rig.request(EVENT_PING, ({"id": "after", "client_ts": 1},))
    assert PingAck.model_validate(pong).id == "after"
    assert rig.fuzzer.sio.connected and not rig.fuzzer.farewells

    # The bystander received batches all through the window, and still does.
    watcher = rig.watcher
    during = [t for t, _ in watcher.batches if started <= t <= ended]
    assert during, "the watcher received nothing while the fuzzer ran"
    edges = [started, *during, ended]
    stall = max(later - earlier for earlier, later in itertools.pairwise(edges))
    assert stall < 3.0, f"the watcher's batches stalled for {stall:.1f}s during fuzzing"
    for _, payload in watcher.batches[-5:]:
        assert {u.channel for u in Batch.model_validate(payload).updates} <= set(WATCHED)
    seen = len(watcher.batches)
    deadline = time.monotonic() + 10
    while len(watcher.batches) < seen + 3:
        assert time.monotonic() < deadline, "the watcher stopped receiving after fuzzing"
        time.sleep(0.02)
    assert watcher.sio.connected and not watcher.farewells

    # The server process is alive, healthy, and logged no failure.
    assert rig.server.process is not None and rig.server.process.alive()
    assert http_json(f"{rig.server.url}/healthz") == {"status": "ok"}
    assert http_json(f"{rig.server.url}/readyz")["status"] == "ready"
    problems = [
        line
        for line in rig.server.output().splitlines()
        if '"level": "error"' in line or '"level": "critical"' in line or "Traceback" in line
    ]
    assert not problems, "\n".join(problems[:5])


def test_audit_log_of_the_fuzzing_holds_no_token(rig: Rig) -> None:
    audit = Path(rig.server.env["FEED_AUDIT_LOG_PATH"])

    def fuzzer_connected() -> bool:
        lines = audit.read_text().splitlines() if audit.exists() else []
        return any(
            entry.get("event") == "connect" and entry.get("user") == USER
            for entry in map(json.loads, lines)
        )

    # The log is written (the fuzzer's own connection is in it): the checks below read it.
    wait_until(fuzzer_connected, 10, "the fuzzer's connection in the audit log")
    text = audit.read_text()
    output = rig.server.output()
    for name, token in rig.tokens.items():
        if token.count(".") == 2 and len(token) > 40:
            assert token not in text, f"the {name} token reached the audit log"
            assert token not in output, f"the {name} token reached the server output"
