"""`login_form(...)` and `register_form(...)`: the two forms of the /login page.

Plain uncontrolled inputs in a `rx.form`: the handler receives `{username, password[, confirm]}`
on submit. Every input has a visible label and the right `autocomplete` token, so password
managers and assistive technology understand them. Test hooks: `data-testid="login-form"` and
`"register-form"`.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType

from marketpulse.auth.rules import PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN


def labelled_input(
    label: str, input_id: str, name: str, hint: str = "", **input_props: object
) -> rx.Component:
    """A required input with its visible label and an optional hint below it."""
    return rx.flex(
        rx.el.label(label, html_for=input_id, class_name="mp-label"),
        rx.input(id=input_id, name=name, size="3", required=True, **input_props),
        rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
        direction="column",
        spacing="1",
    )


def login_form(on_submit: EventType[dict], busy: rx.Var[bool]) -> rx.Component:
    """Username and password, submitted to `on_submit`."""
    return rx.form(
        rx.flex(
            labelled_input("Username", "login-username", "username", auto_complete="username"),
            labelled_input(
                "Password",
                "login-password",
                "password",
                type="password",
                auto_complete="current-password",
            ),
            rx.button("Log in", type="submit", size="3", loading=busy, width="100%"),
            direction="column",
            spacing="4",
        ),
        on_submit=on_submit,
        data_testid="login-form",
    )


def register_form(on_submit: EventType[dict], busy: rx.Var[bool]) -> rx.Component:
    """Username, password and its confirmation, submitted to `on_submit`."""
    return rx.form(
        rx.flex(
            labelled_input(
                "Username",
                "register-username",
                "username",
                hint=f"{USERNAME_MIN} to {USERNAME_MAX} letters, digits, _ . or -; first a letter.",
                auto_complete="username",
                max_length=USERNAME_MAX,
            ),
            labelled_input(
                "Password",
                "register-password",
                "password",
                hint=f"At least {PASSWORD_MIN} characters; a few words make a strong password.",
                type="password",
                auto_complete="new-password",
            ),
            labelled_input(
                "Confirm password",
                "register-confirm",
                "confirm",
                type="password",
                auto_complete="new-password",
            ),
            rx.button("Create account", type="submit", size="3", loading=busy, width="100%"),
            direction="column",
            spacing="4",
        ),
        on_submit=on_submit,
        data_testid="register-form",
    )
