"""`AlertJobs` (`marketpulse.streaming.alert_jobs`): alert requests in order, answers shaped."""

from __future__ import annotations

import asyncio

from marketpulse.feed import FeedRequestError, FeedTimeoutError
from marketpulse.streaming.alert_jobs import AlertJobs, AlertRequest, run_request
from realtime_server.protocol import (
    AlertAckAck,
    AlertDeleteAck,
    AlertListAck,
    AlertRule,
    AlertRuleAck,
)


def rule(rule_id: str) -> AlertRule:
    return AlertRule(
        id=rule_id, symbol="AAPL", condition="above", threshold=230.0, reference_price=225.0,
        created_at=1,
    )  # fmt: skip


class FakeAlerts:
    def __init__(self) -> None:
        self.rules: list[AlertRule] = []
        self.calls: list[str] = []
        self.fail: Exception | None = None

    async def alert_create(
        self, symbol: str, condition: str, threshold: float, note: str = ""
    ) -> AlertRuleAck:
        self.calls.append(f"create {symbol} {condition} {threshold}")
        if self.fail is not None:
            raise self.fail
        created = rule(f"r{len(self.rules) + 1}")
        self.rules.append(created)
        return AlertRuleAck(ok=True, id="1", rule=created)

    async def alert_list(self) -> AlertListAck:
        self.calls.append("list")
        return AlertListAck(ok=True, id="2", rules=list(self.rules))

    async def alert_delete(self, rule_id: str) -> AlertDeleteAck:
        self.calls.append(f"delete {rule_id}")
        self.rules = [r for r in self.rules if r.id != rule_id]
        return AlertDeleteAck(ok=True, id="3", rule_id=rule_id)

    async def alert_ack(self, alert_ids: list[str]) -> AlertAckAck:
        self.calls.append(f"ack {','.join(alert_ids)}")
        return AlertAckAck(ok=True, id="4", acknowledged=alert_ids)


async def test_requests_run_in_order_and_report_the_rules_after_each_change() -> None:
    client = FakeAlerts()
    jobs = AlertJobs()
    jobs.submit(client, [AlertRequest("create", "AAPL", "above", 230.0)])
    jobs.submit(
        client, [AlertRequest("delete", rule_id="r1"), AlertRequest("ack", alert_ids=("f1",))]
    )
    outcomes = []
    async with asyncio.timeout(5):
        while len(outcomes) < 3:
            outcomes += jobs.completed()
            await asyncio.sleep(0)
    assert client.calls == ["create AAPL above 230.0", "list", "delete r1", "list", "ack f1"]
    created, deleted, acked = outcomes
    assert created.created is not None and [r.id for r in created.rules or []] == ["r1"]
    assert deleted.deleted == "r1" and deleted.rules == []
    assert acked.rules is None and not acked.error
    await jobs.close()


class SlowAlerts(FakeAlerts):
    """Creates a rule only once `answered` is set: the ack is still on its way till then."""

    def __init__(self) -> None:
        super().__init__()
        self.answered = asyncio.Event()

    async def alert_create(
        self, symbol: str, condition: str, threshold: float, note: str = ""
    ) -> AlertRuleAck:
        await self.answered.wait()
        return await super().alert_create(symbol, condition, threshold, note)


async def test_an_outcome_is_kept_when_outcomes_are_taken_while_its_request_waits() -> None:
    # The feed task takes the completed outcomes at every flush, so also while a request
    # waits for its ack: that request's outcome must come with a later take, not be lost.
    client = SlowAlerts()
    jobs = AlertJobs()
    jobs.submit(client, [AlertRequest("create", "AAPL", "above", 230.0)])
    await asyncio.sleep(0)
    assert jobs.completed() == []
    client.answered.set()
    outcomes = []
    async with asyncio.timeout(5):
        while not outcomes:
            outcomes += jobs.completed()
            await asyncio.sleep(0)
    assert outcomes[0].created is not None
    await jobs.close()


async def test_a_refusal_carries_the_servers_message_and_a_failure_a_plain_one() -> None:
    client = FakeAlerts()
    client.fail = FeedRequestError("limit_exceeded", "at most 50 alert rules per user")
    outcome = await run_request(client, AlertRequest("create", "AAPL", "above", 1.0))
    assert outcome.error == "at most 50 alert rules per user" and outcome.rules is None
    client.fail = FeedTimeoutError("no answer")
    outcome = await run_request(client, AlertRequest("create", "AAPL", "above", 1.0))
    assert "could not be reached" in outcome.error


def test_a_request_survives_a_round_trip_through_a_state_var() -> None:
    request = AlertRequest("ack", alert_ids=("a", "b"))
    assert AlertRequest.from_dict(request.as_dict()) == request
