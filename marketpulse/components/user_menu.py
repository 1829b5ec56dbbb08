"""`user_menu(username, is_guest, on_log_out)`: who is using the tab, and where they can go.

A guest sees "Log in" and "Settings"; a user sees their name, "Settings" and "Log out".
Test hook: the trigger button has `data-testid="user-menu"`.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventType


def user_menu(
    username: rx.Var[str], is_guest: rx.Var[bool], on_log_out: EventType[()]
) -> rx.Component:
    """A dropdown menu on a button showing the user's name (or "Guest")."""
    return rx.menu.root(
        rx.menu.trigger(
            rx.button(
                rx.icon("circle-user-round", size=16, aria_hidden="true"),
                rx.el.span(rx.cond(is_guest, "Guest", username), class_name="mp-user-name"),
                rx.icon("chevron-down", size=14, aria_hidden="true", class_name="mp-user-chevron"),
                variant="soft",
                color_scheme="gray",
                size="2",
                data_testid="user-menu",
                # The visible name first (WCAG 2.5.3, label in name): "Guest account menu".
                aria_label=rx.cond(is_guest, "Guest", username) + " account menu",
            )
        ),
        rx.menu.content(
            rx.cond(
                is_guest,
                rx.menu.item("Log in or create an account", on_click=rx.redirect("/login")),
                rx.text(
                    "Logged in as ",
                    rx.text.strong(username),
                    size="1",
                    color_scheme="gray",
                    class_name="mp-menu-caption",
                ),
            ),
            rx.menu.item("Dashboard", on_click=rx.redirect("/")),
            rx.menu.item("Settings", on_click=rx.redirect("/settings")),
            rx.cond(
                is_guest,
                rx.fragment(),
                rx.fragment(rx.menu.separator(), rx.menu.item("Log out", on_click=on_log_out)),
            ),
            align="end",
        ),
    )
