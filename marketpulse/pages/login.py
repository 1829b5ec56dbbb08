"""The /login page: log in or create an account (a guest); log out, log out everywhere or
change the password (a user)."""

from __future__ import annotations

import reflex as rx

from marketpulse.components import login_form, register_form
from marketpulse.components.account_forms import password_form
from marketpulse.pages.layout import TITLE, card_page
from marketpulse.state import AccountState, AuthState


def _forms() -> rx.Component:
    return rx.tabs.root(
        rx.tabs.list(
            rx.tabs.trigger("Log in", value="login"),
            rx.tabs.trigger("Create account", value="register"),
        ),
        rx.tabs.content(
            rx.box(login_form(AuthState.log_in, AuthState.busy), padding_top="1.25rem"),
            value="login",
        ),
        rx.tabs.content(
            rx.box(register_form(AuthState.register, AuthState.busy), padding_top="1.25rem"),
            value="register",
        ),
        default_value="login",
    )


def _logged_in() -> rx.Component:
    return rx.flex(
        rx.text("You are logged in as ", rx.text.strong(AuthState.username), "."),
        rx.flex(
            rx.button("Go to the dashboard", on_click=rx.redirect("/")),
            rx.button("Log out", on_click=AuthState.log_out, variant="soft", color_scheme="gray"),
            rx.button(
                "Log out everywhere",
                on_click=AuthState.log_out_everywhere,
                variant="soft",
                color_scheme="gray",
            ),
            spacing="2",
            wrap="wrap",
        ),
        rx.heading("Change your password", as_="h3", size="3"),
        password_form(AccountState.change_password, AccountState.busy),
        direction="column",
        spacing="4",
    )


def login() -> rx.Component:
    """The whole page."""
    return card_page(
        "Your account",
        "Log in to keep your watchlist and settings. Without an account you watch the default "
        "list as a guest.",
        rx.cond(AuthState.is_guest, _forms(), _logged_in()),
    )


def add_pages(app: rx.App) -> None:
    """Register this module's pages on `app`."""
    app.add_page(
        login,
        route="/login",
        title=f"Log in · {TITLE}",
        description="Log in to MarketPulse or create an account.",
        on_load=AuthState.restore_session,
    )
