"""The /settings page: the user's display preferences (minimal; the full design comes later)."""

from __future__ import annotations

import reflex as rx

from marketpulse.components import Prefs, settings_form
from marketpulse.display.preferences import update_rates_ms
from marketpulse.pages.layout import TITLE, card_page
from marketpulse.state import AuthState, PreferencesState


def settings() -> rx.Component:
    """The whole page."""
    prefs = Prefs(
        color_scheme=PreferencesState.color_scheme,
        reduced_motion=PreferencesState.reduced_motion,
        update_rate=PreferencesState.update_rate_choice,
        announcements=PreferencesState.announcements,
        theme=PreferencesState.theme,
        on_color_scheme=PreferencesState.change_color_scheme,
        on_reduced_motion=PreferencesState.change_reduced_motion,
        on_update_rate=PreferencesState.change_update_rate,
        on_announcements=PreferencesState.change_announcements,
        on_theme=PreferencesState.change_theme,
    )
    return card_page(
        "Settings",
        rx.cond(
            AuthState.is_guest,
            "Changes apply to this tab. Log in to keep them.",
            "Changes apply at once and are saved to your account.",
        ),
        settings_form(prefs, update_rates_ms()),
    )


def add_pages(app: rx.App) -> None:
    """Register this module's pages on `app`."""
    app.add_page(
        settings,
        route="/settings",
        title=f"Settings · {TITLE}",
        description="Your MarketPulse display preferences.",
        on_load=AuthState.restore_session,
    )
