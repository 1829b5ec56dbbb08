"""Price alerts end to end: rules over the protocol, firing, durable delivery, acknowledgement.

The module's server accepts tokens signed by the session's key (`tokens` fixture) and allows
two active rules per user; each test signs in as a user of its own so that rule counts and
pending alerts never leak between tests. A rule that must fire is an `above` rule 2% under
the current price (no price shocks on this server, so it fires on the symbol's next tick); a
rule that must not fire is an `above` rule at ten times the price.

"Offline" means: the owner's only connection created the rule and was closed right after the
ack, and nobody ever subscribed to `alerts:<sub>`. The firing and the close race by a few
milliseconds, but no path delivers it to anyone either way; the test then observes, over HTTP
(`/api/snapshot` with the owner's Bearer token), that the alert is pending before reconnecting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from realtime_server.protocol import (
    AlertAckAck,
    AlertDeleteAck,
    AlertListAck,
    AlertRuleAck,
    ErrorAck,
    FiredAlert,
    SubscribeAck,
)
from tests.support.feed_server import FeedServerProcess, running_feed_server

pytestmark = pytest.mark.integration

ALERTS_ENV = {
    "FEED_SEED": "3",
    "FEED_TICKS_PER_SECOND": "400",
    "FEED_JUMPS_PER_MINUTE": "0",
    "FEED_MAX_ALERT_RULES_PER_USER": "2",
}


@pytest.fixture(scope="module")
def feed_server(tokens) -> Iterator[FeedServerProcess]:
    with running_feed_server(**ALERTS_ENV, **tokens.env()) as server:
        yield server


@pytest.fixture
def sign_in(open_client, feed_server, tokens):
    """`await sign_in("ann")`: a connected client of the module's server, signed in as ann."""
    return lambda sub, url=None: open_client(url or feed_server.url, tokens.mint(sub))


async def price_of(url: str, symbol: str) -> float:
    async with httpx.AsyncClient(base_url=url, timeout=5) as http:
        body = (await http.get("/api/snapshot", params={"channels": f"price:{symbol}"})).json()
    return float(body["snapshot"][f"price:{symbol}"]["last"])


async def pending_over_http(url: str, token: str, sub: str) -> list[dict]:
    async with httpx.AsyncClient(base_url=url, timeout=5) as http:
        response = await http.get(
            "/api/snapshot",
            params={"channels": f"alerts:{sub}"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    return response.json()["snapshot"][f"alerts:{sub}"]


async def wait_pending(url: str, token: str, sub: str, count: int, timeout: float = 10) -> list:
    """Poll the owner's pending alerts over HTTP until there are `count` of them."""
    async with asyncio.timeout(timeout):
        while True:
            pending = await pending_over_http(url, token, sub)
            if len(pending) >= count:
                return pending
            await asyncio.sleep(0.05)


async def create_rule(client, symbol: str, threshold: float, note: str = "") -> AlertRuleAck:
    reply = await client.request(
        "alert_create",
        {"id": "c", "symbol": symbol, "condition": "above", "threshold": threshold, "note": note},
    )
    return AlertRuleAck.model_validate(reply)


async def fire_while_offline(url: str, tokens, sub: str, open_client) -> tuple[AlertRuleAck, str]:
    """Create a rule that fires at once, close the connection, wait until it is pending."""
    token = tokens.mint(sub)
    client = await open_client(url, token)
    created = await create_rule(client, "AAPL", round(await price_of(url, "AAPL") * 0.98, 2))
    await client.sio.disconnect()
    [pending] = await wait_pending(url, token, sub, 1)
    assert pending["rule_id"] == created.rule.id
    return created, token


async def subscribe(client, *channels: str) -> SubscribeAck:
    reply = await client.request(
        "subscribe", {"id": "s", "channels": list(channels), "throttle_ms": 50}
    )
    return SubscribeAck.model_validate(reply)


async def more_batches(client, count: int = 5) -> None:
    seen = len(client.batches)
    await client.wait_for(lambda: len(client.batches) >= seen + count)


# -- rules -------------------------------------------------------------------------------------


async def test_create_list_delete_have_their_ack_shapes(sign_in, feed_server) -> None:
    client = await sign_in("ann")
    price = await price_of(feed_server.url, "MSFT")

    created = await create_rule(client, "msft", round(price * 10, 2), note="moon")
    assert created.id == "c"
    rule = created.rule
    assert rule.symbol == "MSFT", "symbols are normalised"
    assert rule.condition == "above"
    assert rule.threshold == round(price * 10, 2)
    assert rule.note == "moon"
    assert rule.reference_price == pytest.approx(price, rel=0.05)
    assert rule.id and rule.created_at > 0

    listed = AlertListAck.model_validate(await client.request("alert_list", {"id": "l"}))
    assert listed.id == "l"
    assert listed.rules == [rule]

    deleted = AlertDeleteAck.model_validate(
        await client.request("alert_delete", {"id": "d", "rule_id": rule.id})
    )
    assert (deleted.id, deleted.rule_id) == ("d", rule.id)
    listed = AlertListAck.model_validate(await client.request("alert_list", {"id": "l2"}))
    assert listed.rules == []


async def test_deleting_an_unknown_or_deleted_rule_is_not_found(sign_in, feed_server) -> None:
    client = await sign_in("nora")
    missing = ErrorAck.model_validate(
        await client.request("alert_delete", {"id": "d", "rule_id": "no-such-rule"})
    )
    assert (missing.id, missing.error.code) == ("d", "not_found")

    rule = (await create_rule(client, "KO", 10_000)).rule
    await client.request("alert_delete", {"id": "d1", "rule_id": rule.id})
    again = ErrorAck.model_validate(
        await client.request("alert_delete", {"id": "d2", "rule_id": rule.id})
    )
    assert again.error.code == "not_found"


async def test_a_rule_on_an_unknown_symbol_is_refused(sign_in) -> None:
    client = await sign_in("uma")
    reply = ErrorAck.model_validate(
        await client.request(
            "alert_create", {"id": "c", "symbol": "ZZZZ", "condition": "above", "threshold": 1}
        )
    )
    assert (reply.id, reply.error.code) == ("c", "unknown_symbol")
    listed = AlertListAck.model_validate(await client.request("alert_list", {"id": "l"}))
    assert listed.rules == []


async def test_rules_past_the_per_user_limit_are_refused(sign_in) -> None:
    client = await sign_in("lim")
    first = await create_rule(client, "KO", 10_000)
    await create_rule(client, "PEP", 10_000)

    refused = ErrorAck.model_validate(
        await client.request(
            "alert_create", {"id": "c3", "symbol": "PG", "condition": "above", "threshold": 1e4}
        )
    )
    assert (refused.id, refused.error.code) == ("c3", "limit_exceeded")
    listed = AlertListAck.model_validate(await client.request("alert_list", {"id": "l"}))
    assert [r.symbol for r in listed.rules] == ["KO", "PEP"]

    # The limit counts active rules: deleting one makes room again.
    await client.request("alert_delete", {"id": "d", "rule_id": first.rule.id})
    assert (await create_rule(client, "PG", 10_000)).rule.symbol == "PG"


@pytest.mark.parametrize(
    ("event", "payload"),
    [
        ("alert_create", {"id": "x", "symbol": "AAPL", "condition": "above", "threshold": 1}),
        ("alert_list", {"id": "x"}),
        ("alert_delete", {"id": "x", "rule_id": "r"}),
        ("alert_ack", {"id": "x", "alert_ids": ["a"]}),
    ],
)
async def test_guests_are_unauthorized_for_alerts(open_client, feed_server, event, payload) -> None:
    guest = await open_client(feed_server.url)
    reply = ErrorAck.model_validate(await guest.request(event, payload))
    assert (reply.id, reply.error.code) == ("x", "unauthorized")


# -- firing and delivery -----------------------------------------------------------------------


async def test_a_firing_rule_reaches_its_subscribed_owner_exactly_once(
    sign_in, feed_server
) -> None:
    client = await sign_in("olive")
    ack = await subscribe(client, "alerts:olive", "price:AAPL")
    assert ack.snapshot["alerts:olive"] == []

    threshold = round(await price_of(feed_server.url, "AAPL") * 0.98, 2)
    rule = (await create_rule(client, "AAPL", threshold, note="dip buy")).rule

    await client.wait_for(lambda: client.updates("alerts:olive"))
    await more_batches(client)
    [update] = client.updates("alerts:olive")
    fired = FiredAlert.model_validate(update["data"])
    assert fired.rule_id == rule.id
    assert (fired.symbol, fired.condition, fired.threshold) == ("AAPL", "above", threshold)
    assert fired.price >= threshold
    assert fired.message
    assert update["seq"] == ack.positions["alerts:olive"].seq + 1

    # Rules are one-shot: the fired rule is no longer active.
    listed = AlertListAck.model_validate(await client.request("alert_list", {"id": "l"}))
    assert listed.rules == []


async def test_an_alert_fired_while_offline_is_in_the_next_snapshot_once(
    sign_in, feed_server, tokens, open_client
) -> None:
    created, _ = await fire_while_offline(feed_server.url, tokens, "otto", open_client)

    client = await sign_in("otto")
    ack = await subscribe(client, "alerts:otto", "price:AAPL")
    [fired] = ack.snapshot["alerts:otto"]
    assert isinstance(fired, FiredAlert)
    assert fired.rule_id == created.rule.id

    # Delivered once: in the snapshot, not in a batch as well.
    await more_batches(client)
    assert client.updates("alerts:otto") == []


async def test_an_acknowledged_alert_is_not_delivered_again(
    sign_in, feed_server, tokens, open_client
) -> None:
    _, token = await fire_while_offline(feed_server.url, tokens, "ada", open_client)

    client = await sign_in("ada")
    [fired] = (await subscribe(client, "alerts:ada")).snapshot["alerts:ada"]
    acked = AlertAckAck.model_validate(
        await client.request("alert_ack", {"id": "a", "alert_ids": [fired.id]})
    )
    assert (acked.id, acked.acknowledged) == ("a", [fired.id])
    again = AlertAckAck.model_validate(
        await client.request("alert_ack", {"id": "a2", "alert_ids": [fired.id, "unknown"]})
    )
    assert again.acknowledged == [], "already acknowledged and unknown ids are ignored"
    await client.sio.disconnect()

    back = await sign_in("ada")
    assert (await subscribe(back, "alerts:ada")).snapshot["alerts:ada"] == []
    assert await pending_over_http(feed_server.url, token, "ada") == []


async def test_another_user_never_sees_an_alert(sign_in, feed_server, tokens, open_client) -> None:
    bob = await sign_in("bob")
    ack = await subscribe(bob, "alerts:bob", "price:AAPL")
    assert ack.snapshot["alerts:bob"] == []

    _, alice_token = await fire_while_offline(feed_server.url, tokens, "alice", open_client)
    [pending] = await pending_over_http(feed_server.url, alice_token, "alice")

    await more_batches(bob)
    assert bob.updates_matching(lambda ch: ch.startswith("alerts:")) == []
    refused = ErrorAck.model_validate(
        await bob.request("subscribe", {"id": "x", "channels": ["alerts:alice"]})
    )
    assert refused.error.code == "forbidden"
    assert AlertListAck.model_validate(await bob.request("alert_list", {"id": "l"})).rules == []
    # Bob cannot acknowledge (and so hide) Alice's alert either.
    acked = AlertAckAck.model_validate(
        await bob.request("alert_ack", {"id": "a", "alert_ids": [pending["id"]]})
    )
    assert acked.acknowledged == []
    assert await pending_over_http(feed_server.url, alice_token, "alice") == [pending]

    async with httpx.AsyncClient(base_url=feed_server.url, timeout=5) as http:
        response = await http.get(
            "/api/snapshot",
            params={"channels": "alerts:alice"},
            headers={"Authorization": f"Bearer {tokens.mint('bob')}"},
        )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


async def test_a_pending_alert_survives_restarts_until_acknowledged(tokens, open_client) -> None:
    with running_feed_server(**ALERTS_ENV, **tokens.env()) as server:
        token = tokens.mint("rita")
        created, _ = await fire_while_offline(server.url, tokens, "rita", open_client)

        await asyncio.to_thread(server.stop)
        await asyncio.to_thread(server.restart)

        client = await open_client(server.url, token)
        [fired] = (await subscribe(client, "alerts:rita")).snapshot["alerts:rita"]
        assert fired.rule_id == created.rule.id
        listed = AlertListAck.model_validate(await client.request("alert_list", {"id": "l"}))
        assert listed.rules == [], "the fired rule did not come back armed"
        acked = AlertAckAck.model_validate(
            await client.request("alert_ack", {"id": "a", "alert_ids": [fired.id]})
        )
        assert acked.acknowledged == [fired.id]
        await client.sio.disconnect()

        await asyncio.to_thread(server.stop)
        await asyncio.to_thread(server.restart)

        back = await open_client(server.url, token)
        assert (await subscribe(back, "alerts:rita")).snapshot["alerts:rita"] == []
        await back.sio.disconnect()
