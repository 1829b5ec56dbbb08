"""`password_form(...)`: change the password, on the /login page of a logged-in user.

A plain uncontrolled `rx.form`: the handler receives `{current, password, confirm}` on submit.
Every input has a visible label and the right `autocomplete` token (`current-password`,
`new-password`), so password managers and assistive technology understand them. Test hook:
`data-testid="password-form"`.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType

from marketpulse.auth.rules import PASSWORD_MIN
from marketpulse.components.auth_forms import labelled_input


def _password(label: str, input_id: str, name: str, purpose: str, hint: str = "") -> rx.Component:
    return labelled_input(
        label, input_id, name, hint, type="password", auto_complete=purpose, max_length=128
    )


def password_form(on_submit: EventType[dict], busy: rx.Var[bool]) -> rx.Component:
    """Current password, new password and its confirmation, submitted to `on_submit`."""
    return rx.form(
        rx.flex(
            _password("Current password", "password-current", "current", "current-password"),
            _password(
                "New password",
                "password-new",
                "password",
                "new-password",
                hint=f"At least {PASSWORD_MIN} characters. Your other logins will end.",
            ),
            _password("Confirm new password", "password-confirm", "confirm", "new-password"),
            rx.button("Change password", type="submit", size="3", loading=busy, width="100%"),
            direction="column",
            spacing="4",
        ),
        on_submit=on_submit,
        data_testid="password-form",
    )
