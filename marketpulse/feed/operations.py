"""`FeedOperations`: the requests a `FeedClient` makes — subscriptions and price alerts.

Each goes through the outbound queue (`outbox.py`): queued while offline, applied in order on
reconnect, each confirmed by its ack. The caller awaits the ack, or a typed error:
`FeedRequestError` (refused, with the server's code), `FeedTimeoutError`,
`FeedConnectionLostError` (alert_create/alert_delete in flight when the socket dropped),
`FeedQueueFullError` (raised at once), `FeedClosedError`. Invalid arguments raise a
`ValueError` (pydantic's `ValidationError`) before anything is queued.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import Any, cast

from pydantic import BaseModel

from marketpulse.feed.context import FeedContext
from marketpulse.feed.errors import FeedClosedError
from marketpulse.feed.messages import AckT
from marketpulse.feed.outbox import OutboundRequest
from realtime_server.protocol import (
    EVENT_ALERT_ACK,
    EVENT_ALERT_CREATE,
    EVENT_ALERT_DELETE,
    EVENT_ALERT_LIST,
    EVENT_CATALOG,
    EVENT_MODIFY,
    EVENT_SUBSCRIBE,
    EVENT_UNSUBSCRIBE,
    AlertAckAck,
    AlertAckRequest,
    AlertCondition,
    AlertCreateRequest,
    AlertDeleteAck,
    AlertDeleteRequest,
    AlertListAck,
    AlertListRequest,
    AlertRuleAck,
    CatalogAck,
    CatalogRequest,
    ModifyAck,
    ModifyRequest,
    Request,
    SubscribeAck,
    SubscribeRequest,
    UnsubscribeAck,
    UnsubscribeRequest,
)


class FeedOperations:
    """The request methods of `FeedClient` (a mixin over its context)."""

    _ctx: FeedContext
    _closed: bool

    async def subscribe(
        self,
        channels: Iterable[str],
        throttle_ms: int | None = None,
    ) -> SubscribeAck:
        """Subscribe; the snapshot arrives in the inbox (`ChannelReset`) before later updates.
        `throttle_ms` is the connection-wide server throttle (default: unchanged)."""
        names = list(channels)
        throttle = self._ctx.throttle_ms if throttle_ms is None else throttle_ms

        def applied(ack: SubscribeAck) -> None:
            self._ctx.apply_subscribe_ack(ack, requested=names, reason="subscribe")

        return await self._request(
            EVENT_SUBSCRIBE,
            lambda rid: SubscribeRequest(id=rid, channels=names, throttle_ms=throttle),
            SubscribeAck,
            applied,
        )

    async def unsubscribe(self, channels: Iterable[str]) -> UnsubscribeAck:
        names = list(channels)
        return await self._request(
            EVENT_UNSUBSCRIBE,
            lambda rid: UnsubscribeRequest(id=rid, channels=names),
            UnsubscribeAck,
            lambda ack: self._ctx.apply_unsubscribe_ack(ack, requested=names),
        )

    async def modify(
        self,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
        throttle_ms: int | None = None,
    ) -> ModifyAck:
        """Add and remove channels (and/or change the throttle) in one step."""
        added, removed = list(add), list(remove)
        return await self._request(
            EVENT_MODIFY,
            lambda rid: ModifyRequest(id=rid, add=added, remove=removed, throttle_ms=throttle_ms),
            ModifyAck,
            lambda ack: self._ctx.apply_modify_ack(ack, requested=added),
        )

    async def catalog(self) -> CatalogAck:
        """What the feed trades: every instrument with its name, and the source behind it."""
        return await self._request(EVENT_CATALOG, lambda rid: CatalogRequest(id=rid), CatalogAck)

    async def alert_create(
        self, symbol: str, condition: AlertCondition | str, threshold: float, note: str = ""
    ) -> AlertRuleAck:
        """Create a price alert rule. Not resent after a drop (the outcome would be unknown)."""
        return await self._request(
            EVENT_ALERT_CREATE,
            lambda rid: AlertCreateRequest(
                id=rid,
                symbol=symbol,
                condition=AlertCondition(condition),
                threshold=threshold,
                note=note,
            ),
            AlertRuleAck,
            resend_safe=False,
        )

    async def alert_list(self) -> AlertListAck:
        return await self._request(
            EVENT_ALERT_LIST, lambda rid: AlertListRequest(id=rid), AlertListAck
        )

    async def alert_delete(self, rule_id: str) -> AlertDeleteAck:
        return await self._request(
            EVENT_ALERT_DELETE,
            lambda rid: AlertDeleteRequest(id=rid, rule_id=rule_id),
            AlertDeleteAck,
            resend_safe=False,
        )

    async def alert_ack(self, alert_ids: Iterable[str]) -> AlertAckAck:
        ids = list(alert_ids)
        return await self._request(
            EVENT_ALERT_ACK, lambda rid: AlertAckRequest(id=rid, alert_ids=ids), AlertAckAck
        )

    async def _request(
        self,
        event: str,
        build: Callable[[str], Request],
        model: type[AckT],
        on_ack: Callable[[Any], None] | None = None,
        *,
        resend_safe: bool = True,
    ) -> AckT:
        if self._closed:
            raise FeedClosedError("the feed client is closed")
        build("check")  # invalid arguments raise here (a ValueError), before anything is queued
        future: asyncio.Future[BaseModel] = asyncio.get_running_loop().create_future()
        self._ctx.outbox.put(OutboundRequest(event, build, model, future, resend_safe, on_ack))
        return cast(AckT, await future)
