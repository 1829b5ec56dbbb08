"""`AlertsState`: the user's price alert rules, the alerts that fired, and the create dialog.

Handlers never talk to the feed themselves (the feed client lives in the tab's feed task):
they validate and queue an `AlertRequest` in `_requests`, which the task takes in its next
short lock and sends outside it (`marketpulse.streaming.alert_jobs`); the answer comes back
through `_apply_outcome`. Fired alerts arrive on the user's private channel, are shown as a
toast and in the history, and are acknowledged once shown, so the feed stops redelivering them.
A request is queued only while the tab's login is live (`AuthState._login_live`): a tab whose
login ended elsewhere becomes a guest instead. Arguments are checked
(`marketpulse.state.arguments`): a crafted one gets a toast saying what is wrong.
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
from marketpulse.state import arguments
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
        try:
            name = arguments.text(symbol, "symbol").upper()
        except arguments.ArgumentError as error:
            return rx.toast.error(str(error))
        quotes = await self.get_state(QuotesState)
        self.draft_symbol = name
        self.draft_price = quotes._last_price(self.draft_symbol)
        self.dialog_open = True
        return None

    @event
    def set_dialog_open(self, value: bool) -> EventSpec | None:
        try:
            self.dialog_open = arguments.flag(value, "dialog's state")
        except arguments.ArgumentError as error:
            return rx.toast.error(str(error))
        return None

    @event
    async def create_alert(self, form: dict[str, str]) -> EventSpec | None:
        refused = await self._refused()
        if refused is not None:
            return refused
        try:
            fields = arguments.form(form, ["symbol", "condition", "threshold", "note"])
            draft = parse_alert_form({**fields, "symbol": fields["symbol"] or self.draft_symbol})
        except (arguments.ArgumentError, AlertFormError) as error:
            return rx.toast.error(str(error))
        request = AlertRequest(
            "create", draft.symbol, draft.condition.value, draft.threshold, draft.note
        )
        self._requests = [*self._requests, request.as_dict()]
        self.dialog_open = False
        return None

    @event
    async def delete_alert(self, rule_id: str) -> EventSpec | None:
        refused = await self._refused()
        if refused is not None:
            return refused
        try:
            rule = arguments.text(rule_id, "alert's id")
        except arguments.ArgumentError as error:
            return rx.toast.error(str(error))
        self._requests = [*self._requests, AlertRequest("delete", rule_id=rule).as_dict()]
        return None

    async def _refused(self) -> EventSpec | None:
        """Why this tab may not send an alert request now (a guest, or its login ended)."""
        auth = await self.get_state(AuthState)
        if auth.is_guest:
            return rx.toast.info(GUEST_MESSAGE)
        if not await auth._login_live():
            self._reset()
            return await auth._login_ended()
        return None

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
