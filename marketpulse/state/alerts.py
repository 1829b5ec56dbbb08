"""`AlertsState`: the user's price alert rules, the alerts that fired, and the create dialog.

Handlers never talk to the feed themselves (the feed client lives in the tab's feed task):
they validate and queue an `AlertRequest` in `_requests`, which the task takes in its next
short lock and sends outside it (`marketpulse.streaming.alert_jobs`); the answer comes back
through `_apply_outcome`. Fired alerts arrive on the user's private channel, are shown as a
toast and in the history, and are acknowledged once shown, so the feed stops redelivering them.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from marketpulse.display.alerts import (
    AlertFormError,
    AlertRuleRow,
    FiredAlertRow,
    describe_rule,
    merge_fired,
    parse_alert_form,
    rule_row,
)
from marketpulse.display.quotes import PLACEHOLDER
from marketpulse.state.auth import AuthState
from marketpulse.state.event import event
from marketpulse.state.quotes import QuotesState
from marketpulse.streaming.alert_jobs import AlertOutcome, AlertRequest, AlertRequestData
from realtime_server.protocol import FiredAlert

FIRED_HISTORY = 50
GUEST_MESSAGE = "Log in to set price alerts."


class AlertsState(rx.State):
    """Cold state: changes when a rule is made or deleted, or an alert fires."""

    rules: rx.Field[list[AlertRuleRow]] = rx.field(default_factory=list)
    fired: rx.Field[list[FiredAlertRow]] = rx.field(default_factory=list)
    dialog_open: rx.Field[bool] = rx.field(False)
    draft_symbol: rx.Field[str] = rx.field("")
    draft_price: rx.Field[str] = rx.field(PLACEHOLDER)

    _requests: list[AlertRequestData] = []

    @event
    async def open_dialog(self, symbol: str) -> EventSpec | None:
        auth = await self.get_state(AuthState)
        if auth.is_guest:
            return rx.toast.info(GUEST_MESSAGE)
        quotes = await self.get_state(QuotesState)
        self.draft_symbol = str(symbol).upper()
        self.draft_price = quotes._last_price(self.draft_symbol)
        self.dialog_open = True
        return None

    @event
    def set_dialog_open(self, value: bool) -> None:
        self.dialog_open = bool(value)

    @event
    async def create_alert(self, form: dict[str, str]) -> EventSpec | None:
        auth = await self.get_state(AuthState)
        if auth.is_guest:
            return rx.toast.info(GUEST_MESSAGE)
        try:
            draft = parse_alert_form({"symbol": self.draft_symbol, **form})
        except AlertFormError as error:
            return rx.toast.error(str(error))
        request = AlertRequest(
            "create", draft.symbol, draft.condition.value, draft.threshold, draft.note
        )
        self._requests = [*self._requests, request.as_dict()]
        self.dialog_open = False
        return None

    @event
    def delete_alert(self, rule_id: str) -> None:
        self._requests = [*self._requests, AlertRequest("delete", rule_id=str(rule_id)).as_dict()]

    # -- the feed task's side (not events) -----------------------------------------------------

    def _take_requests(self) -> list[AlertRequest]:
        if not self._requests:
            return []  # read every flush: assigning would mark the state dirty each time
        requests, self._requests = self._requests, []
        return [AlertRequest.from_dict(request) for request in requests]

    def _reset(self) -> None:
        """A new user (or a guest): forget the previous one's rules and alerts."""
        self.rules, self.fired, self._requests = [], [], []
        self.dialog_open = False

    def _apply_outcome(self, outcome: AlertOutcome) -> EventSpec | None:
        if outcome.rules is not None:
            self.rules = [rule_row(rule) for rule in outcome.rules]
        if outcome.error:
            return rx.toast.error(outcome.error)
        if outcome.created is not None:
            rule = outcome.created
            text = describe_rule(rule.symbol, rule.condition, rule.threshold, rule.reference_price)
            return rx.toast.success(f"Alert set: {text}.")
        if outcome.deleted:
            return rx.toast.info("Alert deleted.")
        return None

    def _apply_fired(self, alerts: list[FiredAlert]) -> list[EventSpec]:
        """Show newly fired alerts (history and one toast each); return the toasts."""
        known = {row.id for row in self.fired}
        self.fired = merge_fired(self.fired, alerts, FIRED_HISTORY)
        return [
            rx.toast.warning(alert.message, id=f"alert-{alert.id}", duration=10_000)
            for alert in alerts
            if alert.id not in known
        ]
