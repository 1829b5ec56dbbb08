"""Pure rendering functions: each takes vars (or plain values) and returns a component.

They read no state class directly and own no event handlers, so pages decide what to bind.
"""

from marketpulse.components.auth_forms import login_form, register_form
from marketpulse.components.connection_indicator import app_link_indicator, connection_indicator
from marketpulse.components.price_cell import price_cell
from marketpulse.components.settings_form import Prefs, settings_form
from marketpulse.components.theme_sync import theme_sync
from marketpulse.components.user_menu import user_menu
from marketpulse.components.watchlist import watchlist
from marketpulse.components.watchlist_editor import add_symbol_form, watchlist_manager

__all__ = [
    "Prefs",
    "add_symbol_form",
    "app_link_indicator",
    "connection_indicator",
    "login_form",
    "price_cell",
    "register_form",
    "settings_form",
    "theme_sync",
    "user_menu",
    "watchlist",
    "watchlist_manager",
]
