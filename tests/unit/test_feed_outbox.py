"""The outbound queue (`marketpulse.feed.outbox`): order, acks, failures, bound, resending."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pydantic import BaseModel

from marketpulse.feed import (
    FeedClosedError,
    FeedConnectionLostError,
    FeedNotConnectedError,
    FeedQueueFullError,
    FeedRequestError,
    FeedTimeoutError,
)
from marketpulse.feed.outbox import OutboundRequest, Outbox
from realtime_server.protocol import AlertListAck, AlertListRequest


def request(name: str, *, resend_safe: bool = True, **kwargs: Any) -> OutboundRequest:
    future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    return OutboundRequest(
        name,
        lambda rid: AlertListRequest(id=rid),
        AlertListAck,
        future,
        resend_safe=resend_safe,
        **kwargs,
    )


class Server:
    """A scripted `send`: records what was sent, answers per the script, in order."""

    def __init__(self, script: dict[str, BaseException] | None = None) -> None:
        self.sent: list[str] = []
        self.script = script or {}
        self.connected = True

    async def send(self, req: OutboundRequest) -> BaseModel:
        if not self.connected:
            raise FeedNotConnectedError("down")
        self.sent.append(req.event)
        req.sent = True
        await asyncio.sleep(0)  # the ack takes a loop turn, like a real one
        failure = self.script.pop(req.event, None)
        if failure is not None:
            raise failure
        return AlertListAck(id=req.event, rules=[])


async def test_requests_are_sent_in_order_each_after_the_previous_ack() -> None:
    outbox, server = Outbox(10), Server()
    requests = [request(f"r{i}") for i in range(5)]
    for req in requests:
        outbox.put(req)
    await outbox.drain(server.send)
    assert server.sent == ["r0", "r1", "r2", "r3", "r4"]
    assert [(await r.future).id for r in requests] == server.sent
    assert len(outbox) == 0


async def test_a_refusal_fails_only_its_own_caller_with_the_typed_error() -> None:
    refusal = FeedRequestError("not_found", "no such rule")
    outbox, server = Outbox(10), Server({"r1": refusal, "r2": FeedTimeoutError("slow")})
    requests = [request(f"r{i}") for i in range(4)]
    for req in requests:
        outbox.put(req)
    await outbox.drain(server.send)
    assert server.sent == ["r0", "r1", "r2", "r3"]
    assert (await requests[0].future).id == "r0"
    with pytest.raises(FeedRequestError) as caught:
        await requests[1].future
    assert caught.value.code == "not_found"
    with pytest.raises(FeedTimeoutError):
        await requests[2].future
    assert (await requests[3].future).id == "r3"


async def test_while_down_requests_wait_and_go_out_in_order_after_the_reconnect() -> None:
    outbox, server = Outbox(10), Server()
    server.connected = False
    requests = [request(f"r{i}") for i in range(3)]
    for req in requests:
        outbox.put(req)
    with pytest.raises(FeedNotConnectedError):
        await outbox.drain(server.send)
    assert len(outbox) == 3
    assert not any(r.future.done() for r in requests)

    server.connected = True
    await outbox.drain(server.send)
    assert server.sent == ["r0", "r1", "r2"]
    assert all(r.future.done() for r in requests)


async def test_a_drop_before_the_ack_resends_safe_requests_and_fails_the_others() -> None:
    lost = FeedConnectionLostError("dropped")
    outbox, server = Outbox(10), Server({"list": lost})
    listing = request("list")
    outbox.put(listing)
    with pytest.raises(FeedNotConnectedError):
        await outbox.drain(server.send)
    assert len(outbox) == 1  # kept: sending `alert_list` again is harmless
    await outbox.drain(server.send)
    assert server.sent == ["list", "list"]
    assert (await listing.future).id == "list"

    outbox, server = Outbox(10), Server({"create": FeedConnectionLostError("dropped")})
    create, after = request("create", resend_safe=False), request("after")
    outbox.put(create)
    outbox.put(after)
    with pytest.raises(FeedNotConnectedError):
        await outbox.drain(server.send)
    with pytest.raises(FeedConnectionLostError, match="outcome unknown"):
        await create.future
    assert len(outbox) == 1  # `after` was never sent: it waits
    await outbox.drain(server.send)
    assert server.sent == ["create", "after"]


async def test_a_drain_cancelled_mid_request_does_not_resend_an_unsafe_one() -> None:
    outbox = Outbox(10)
    create = request("create", resend_safe=False)
    outbox.put(create)
    started = asyncio.Event()

    async def hangs(req: OutboundRequest) -> BaseModel:
        req.sent = True
        started.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    task = asyncio.create_task(outbox.drain(hangs))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    server = Server()
    await outbox.drain(server.send)
    assert server.sent == []
    with pytest.raises(FeedConnectionLostError):
        await create.future


async def test_the_queue_is_bounded_with_a_clear_error() -> None:
    outbox = Outbox(2)
    outbox.put(request("a"))
    outbox.put(request("b"))
    with pytest.raises(FeedQueueFullError, match="outbox_size=2"):
        outbox.put(request("c"))
    assert len(outbox) == 2


async def test_callers_that_gave_up_are_skipped_and_close_fails_the_rest() -> None:
    outbox, server = Outbox(10), Server()
    gave_up, kept = request("gave_up"), request("kept")
    outbox.put(gave_up)
    outbox.put(kept)
    gave_up.future.cancel()
    await outbox.drain(server.send)
    assert server.sent == ["kept"]

    pending = request("pending")
    outbox.put(pending)
    outbox.fail_all(FeedClosedError("closed"))
    with pytest.raises(FeedClosedError):
        await pending.future
    assert len(outbox) == 0


async def test_wait_returns_once_something_is_queued() -> None:
    outbox = Outbox(10)
    waiter = asyncio.create_task(outbox.wait())
    await asyncio.sleep(0)
    assert not waiter.done()
    outbox.put(request("a"))
    async with asyncio.timeout(1):
        await waiter
