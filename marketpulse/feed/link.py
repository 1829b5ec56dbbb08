"""`Link`: the connection's life — attempts, failover, backoff, polling fallback, goodbyes.

    run ─► token (minted when missing or due) ─► FeedSocket.open(url) ─┐
       ┌──────────────────────────────────────────────────────────────┘
       ├─ refused unauthorized/forbidden ─► unauthorized (no automatic retry)
       ├─ refused token_expired ─► mint a new token, retry at once (twice running: unauthorized)
       ├─ failed ─► next URL, sleep backoff(attempt) (full jitter); after N failures, or at once
       │           when the WebSocket is blocked, poll /api/snapshot meanwhile (state polling):
       │           a poll that succeeds after failing ends the sleep (the server is back)
       └─ open ─► LiveDuties (resubscribe with since, live, ...) until the socket closes
                  ├─ goodbye reconnect=false ─► offline
                  ├─ goodbye token_expired ─► new token first;  shutdown ─► next URL first
                  └─ otherwise ─► reconnecting, and round again

Every state change goes through the `LinkStateMachine` and is queued as `LinkStateChanged`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

from marketpulse.feed.backoff import Backoff
from marketpulse.feed.context import FeedContext
from marketpulse.feed.duties import LiveDuties
from marketpulse.feed.errors import FeedConnectError, FeedError, FeedNotConnectedError
from marketpulse.feed.events import LinkStateChanged
from marketpulse.feed.messages import AUTH_REFUSAL_CODES, parse_batch
from marketpulse.feed.polling import SnapshotPoller
from marketpulse.feed.status import ConnectionStatus, LinkState, LinkStateMachine
from marketpulse.feed.transport import FeedSocket
from realtime_server.protocol import MAX_CHANNELS_PER_REQUEST, Batch, DisconnectCode, PingAck

logger = logging.getLogger(__name__)


class Link:
    """Drives one client's connection; see the module docstring."""

    def __init__(self, ctx: FeedContext, backoff: Backoff) -> None:
        self.ctx = ctx
        self.urls: list[str] = []
        self.backoff = backoff
        self.machine = LinkStateMachine()
        self.poller = SnapshotPoller(ctx.config.poll_timeout_s)
        self.refusal: tuple[str, str] | None = None
        """The code and message of the refusal that made the link unauthorized."""
        self._session: LiveDuties | None = None
        self._poll_task: asyncio.Task[None] | None = None
        self._poll_ok = False
        self._answered = asyncio.Event()
        """Set by a poll that succeeded after failing: the socket's backoff sleep ends at once."""
        self._down = ConnectionStatus(LinkState.RECONNECTING)
        self._ever_live = False
        self._waiters: list[tuple[frozenset[LinkState], asyncio.Future[ConnectionStatus]]] = []

    # -- status ------------------------------------------------------------------------------------

    @property
    def status(self) -> ConnectionStatus:
        return self.machine.status

    def to(
        self,
        state: LinkState,
        *,
        attempt: int = 0,
        next_retry_at: int | None = None,
        reason: str = "",
        url: str | None = None,
        refusal: str = "",
    ) -> None:
        """Make a (checked) transition and tell the consumer."""
        status = self.machine.transition(
            state,
            attempt=attempt,
            next_retry_at=next_retry_at,
            reason=reason,
            url=url,
            refusal=refusal,
        )
        self.ctx.emit([LinkStateChanged(state, status)])
        for states, future in list(self._waiters):
            if state in states and not future.done():
                future.set_result(status)

    async def wait_for(self, states: frozenset[LinkState]) -> ConnectionStatus:
        if self.status.state in states:
            return self.status
        future: asyncio.Future[ConnectionStatus] = asyncio.get_running_loop().create_future()
        entry = (states, future)
        self._waiters.append(entry)
        try:
            return await future
        finally:
            self._waiters.remove(entry)

    # -- the loop ----------------------------------------------------------------------------------

    def begin(self, urls: Sequence[str]) -> None:
        """Take the URLs to use, in order of preference, and report `connecting`."""
        if not urls:
            raise ValueError("give at least one feed URL")
        self.urls = list(urls)
        self.refusal = None
        self.to(LinkState.CONNECTING, url=self.urls[0])

    async def run(self, *, retry: bool) -> None:
        """Connect, serve, reconnect ... until unauthorized, offline, or cancelled."""
        failures = index = expired = 0
        try:
            while True:
                url = self.urls[index % len(self.urls)]
                self.ctx.metrics.counters.connect_attempts += 1
                try:
                    token = await self._token()
                    socket = FeedSocket(self.ctx.config, self._on_batch, self._on_invalid)
                    await socket.open(url, token)
                except FeedConnectError as failure:
                    if failure.code == "token_expired" and not expired:
                        expired = 1  # mint a new token and retry at once, once
                        self.ctx.keeper.invalidate()
                        continue
                    if failure.code in AUTH_REFUSAL_CODES or failure.code == "token_expired":
                        self.refusal = (failure.code or "unauthorized", str(failure))
                        self.to(LinkState.UNAUTHORIZED, reason=str(failure), url=url)
                        return
                    failures, index, expired = failures + 1, index + 1, 0
                    if not self._may_retry(failures, retry, failure):
                        return
                    if failure.kind == "blocked" or failures >= self._polling_after():
                        self._start_polling(index)
                    refusal = (failure.code or "") if failure.kind == "refused" else ""
                    await self._wait(failures, str(failure), url, refusal)
                    continue
                expired = 0
                served = await self._serve(socket, url, failures, index)
                if served is None:
                    return
                failures, index = served
        finally:
            await self._stop_polling()

    async def _serve(
        self, socket: FeedSocket, url: str, failures: int, index: int
    ) -> tuple[int, int] | None:
        """One open socket until it closes; the next (failures, url index), or None to stop."""
        await self._stop_polling()
        session = self._session = LiveDuties(self.ctx, socket, lambda: self._live(url))
        try:
            await session.run()
        finally:
            self._session = None
            await socket.close()
            self.ctx.sequencer.abandon_recovery()
        failures = 0 if session.went_live else failures + 1
        goodbye = socket.goodbye
        reason = socket.disconnect_reason or "connection lost"
        if goodbye is not None:
            reason = f"goodbye {goodbye.code}: {goodbye.message}"
            if not goodbye.reconnect:
                self.to(LinkState.OFFLINE, reason=reason, url=url)
                return None
            if goodbye.code == DisconnectCode.TOKEN_EXPIRED:
                self.ctx.keeper.invalidate()
            elif goodbye.code == DisconnectCode.SHUTDOWN:
                index += 1  # this node is going away: try the next one first
        await self._wait(failures, reason, url)
        return failures, index

    async def ping(self) -> PingAck:
        if self._session is None or self.status.state is not LinkState.LIVE:
            raise FeedNotConnectedError("ping needs a live connection")
        return await self._session.ping()

    # -- helpers -----------------------------------------------------------------------------------

    async def _token(self) -> str | None:
        try:
            return await self.ctx.keeper.token()
        except Exception as exc:
            raise FeedConnectError(f"token provider failed: {exc!r}", "token") from None

    def _may_retry(self, failures: int, retry: bool, failure: FeedError) -> bool:
        limit = self.ctx.config.max_attempts
        if not retry and not self._ever_live and failures >= len(self.urls):
            self.to(LinkState.OFFLINE, reason=str(failure))
            return False
        if limit is not None and failures >= limit:
            self.to(LinkState.OFFLINE, reason=f"gave up after {failures} attempts: {failure}")
            return False
        return True

    def _polling_after(self) -> float:
        after = self.ctx.config.polling_after_failures
        return after if after > 0 else float("inf")

    async def _wait(self, failures: int, reason: str, url: str, refusal: str = "") -> None:
        """Report the link down (next attempt: failures + 1), then sleep the backoff."""
        delay = self.backoff.delay(failures)
        next_at = int(time.time() * 1000 + delay * 1000)
        self._down = ConnectionStatus(
            LinkState.RECONNECTING, failures + 1, next_at, reason, url, refusal=refusal
        )
        self._report_down()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._answered.wait()
        self._answered.clear()

    def _report_down(self) -> None:
        down = self._down
        state = LinkState.POLLING if self._poll_ok else LinkState.RECONNECTING
        self.to(
            state,
            attempt=down.attempt,
            next_retry_at=down.next_retry_at,
            reason=down.reason,
            url=down.url,
            refusal=down.refusal,
        )

    def _live(self, url: str) -> None:
        if self._ever_live:
            self.ctx.metrics.counters.reconnects += 1
        self._ever_live = True
        self.to(LinkState.LIVE, url=url)

    def _on_batch(self, payload: object) -> None:
        """A `batch` event (synchronous: runs in arrival order)."""
        try:
            batch = parse_batch(payload)
        except FeedError as exc:
            self._on_invalid(str(exc))
            return
        self.ctx.metrics.messages(len(batch.updates))
        updates, gaps = self.ctx.sequencer.apply_batch(batch)
        if updates:
            self.ctx.emit([Batch(server_ts=batch.server_ts, updates=updates)])
        self.ctx.report_gaps(gaps)

    def _on_invalid(self, why: str) -> None:
        self.ctx.metrics.counters.invalid_messages += 1
        logger.warning("dropping malformed feed message: %s", why)

    # -- HTTP polling fallback ---------------------------------------------------------------------

    def _start_polling(self, index: int) -> None:
        if self._poll_task is None or self._poll_task.done():
            self._poll_task = asyncio.create_task(self._poll(index), name="feed-poll")

    async def _stop_polling(self) -> None:
        task, self._poll_task, self._poll_ok = self._poll_task, None, False
        self._answered.clear()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _poll(self, index: int) -> None:
        """Poll /api/snapshot every `poll_interval_s` until the socket is back; after a failed
        poll, again within `poll_retry_s`, so a server coming back is noticed within it."""
        config = self.ctx.config
        while True:
            ok = await self._poll_once(self.urls[index % len(self.urls)])
            if not ok:
                index += 1
            if ok != self._poll_ok:
                self._poll_ok = ok
                self._report_down()
            await asyncio.sleep(config.poll_interval_s if ok else config.poll_retry_s)

    async def _poll_once(self, url: str) -> bool:
        channels = self.ctx.sequencer.channels()
        if not channels:
            return False
        try:
            token = await self.ctx.keeper.token()
            responses = [
                await self.poller.fetch(url, channels[i : i + MAX_CHANNELS_PER_REQUEST], token)
                for i in range(0, len(channels), MAX_CHANNELS_PER_REQUEST)
            ]
        except FeedError as exc:
            if getattr(exc, "code", None) == "token_expired":
                self.ctx.keeper.invalidate()
            logger.info("feed poll of %s failed: %s", url, exc)
            return False
        except Exception:
            logger.exception("feed poll of %s failed", url)
            return False
        self.ctx.metrics.counters.polls += 1
        if not self._poll_ok:  # say "polling" before the data it brings
            self._poll_ok = True
            self._answered.set()  # the server answers again: try the socket now
            self._report_down()
        for response in responses:
            self.ctx.metrics.messages(len(response.positions))
            self.ctx.emit(self.ctx.sequencer.apply_poll(response))
        return True
