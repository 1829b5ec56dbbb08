"""`AlertJobs`: a tab's price-alert requests, run in order outside the state lock.

The alerts panel's event handlers only queue an `AlertRequest` in state; the tab's feed task
hands the queue to `submit` and keeps streaming while a worker sends the requests one after
another through the feed client (which itself queues them while the link is down and applies
them in order on reconnection). Each answer becomes an `AlertOutcome` that the task applies in
its next short lock: the rules as the server now has them, and a message for the user.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections import deque
from typing import Literal, Protocol, TypedDict

from marketpulse.feed import FeedError, FeedRequestError
from realtime_server.protocol import (
    AlertAckAck,
    AlertDeleteAck,
    AlertListAck,
    AlertRule,
    AlertRuleAck,
)

logger = logging.getLogger(__name__)

RequestKind = Literal["create", "delete", "ack", "list"]


class AlertClient(Protocol):
    """The alert requests of `marketpulse.feed.FeedClient`."""

    async def alert_create(
        self, symbol: str, condition: str, threshold: float, note: str = ""
    ) -> AlertRuleAck: ...

    async def alert_list(self) -> AlertListAck: ...

    async def alert_delete(self, rule_id: str) -> AlertDeleteAck: ...

    async def alert_ack(self, alert_ids: list[str]) -> AlertAckAck: ...


class AlertRequestData(TypedDict):
    """An `AlertRequest` as plain data, as a state var keeps it until the task sends it."""

    kind: RequestKind
    symbol: str
    condition: str
    threshold: float
    note: str
    rule_id: str
    alert_ids: list[str]


@dataclasses.dataclass(frozen=True, slots=True)
class AlertRequest:
    """One thing the user asked of their alerts (or the task, for `list` and `ack`)."""

    kind: RequestKind
    symbol: str = ""
    condition: str = ""
    threshold: float = 0.0
    note: str = ""
    rule_id: str = ""
    alert_ids: tuple[str, ...] = ()

    def as_dict(self) -> AlertRequestData:
        """A plain dict, for keeping the request in a state var until the task sends it."""
        return AlertRequestData(
            kind=self.kind,
            symbol=self.symbol,
            condition=self.condition,
            threshold=self.threshold,
            note=self.note,
            rule_id=self.rule_id,
            alert_ids=list(self.alert_ids),
        )

    @classmethod
    def from_dict(cls, data: AlertRequestData) -> AlertRequest:
        return cls(
            kind=data["kind"],
            symbol=data["symbol"],
            condition=data["condition"],
            threshold=data["threshold"],
            note=data["note"],
            rule_id=data["rule_id"],
            alert_ids=tuple(data["alert_ids"]),
        )


@dataclasses.dataclass(slots=True)
class AlertOutcome:
    """What one request changed: the rules now (None: unchanged) and what to tell the user."""

    request: AlertRequest
    rules: list[AlertRule] | None = None
    created: AlertRule | None = None
    deleted: str = ""
    error: str = ""


class AlertJobs:
    """Sends alert requests one at a time, in submission order; see the module docstring."""

    def __init__(self) -> None:
        self._queue: deque[tuple[AlertClient, AlertRequest]] = deque()
        self._done: list[AlertOutcome] = []
        self._worker: asyncio.Task[None] | None = None

    def submit(self, client: AlertClient, requests: list[AlertRequest]) -> None:
        self._queue.extend((client, request) for request in requests)
        if self._queue and (self._worker is None or self._worker.done()):
            self._worker = asyncio.get_running_loop().create_task(self._work())

    def completed(self) -> list[AlertOutcome]:
        done, self._done = self._done, []
        return done

    async def close(self) -> None:
        self._queue.clear()
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker

    async def _work(self) -> None:
        while self._queue:
            client, request = self._queue.popleft()
            outcome = await run_request(client, request)
            # Only now look `_done` up: `completed()` may have swapped in a new list meanwhile,
            # and an outcome added to the old one would be lost.
            self._done.append(outcome)


async def run_request(client: AlertClient, request: AlertRequest) -> AlertOutcome:
    """Send one request and shape its answer; a refusal or a failure becomes `error`."""
    outcome = AlertOutcome(request)
    try:
        if request.kind == "create":
            ack = await client.alert_create(
                request.symbol, request.condition, request.threshold, request.note
            )
            outcome.created = ack.rule
            outcome.rules = (await client.alert_list()).rules
        elif request.kind == "delete":
            outcome.deleted = (await client.alert_delete(request.rule_id)).rule_id
            outcome.rules = (await client.alert_list()).rules
        elif request.kind == "list":
            outcome.rules = (await client.alert_list()).rules
        else:
            await client.alert_ack(list(request.alert_ids))
    except FeedRequestError as exc:
        outcome.error = exc.message
    except (FeedError, ValueError) as exc:
        logger.info("alert request %s failed: %s", request.kind, exc)
        outcome.error = "The price feed could not be reached; please try again."
    return outcome
