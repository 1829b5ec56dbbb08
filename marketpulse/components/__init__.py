"""Pure rendering functions: each takes vars (or plain values) and returns a component.

They read no state class directly and own no event handlers, so pages decide what to bind.
"""

from marketpulse.components.alert_dialog import alert_dialog
from marketpulse.components.alerts_panel import alerts_panel
from marketpulse.components.auth_forms import login_form, register_form
from marketpulse.components.connection_indicator import app_link_indicator, connection_indicator
from marketpulse.components.freshness import freshness_badge, freshness_dot, freshness_section
from marketpulse.components.link_controls import LinkFigures, link_details, pause_button
from marketpulse.components.link_hooks import countdown, visibility_watcher
from marketpulse.components.live_chart import live_chart
from marketpulse.components.movers import movers_panel
from marketpulse.components.news_feed import news_feed
from marketpulse.components.settings_form import Prefs, settings_form
from marketpulse.components.source_badge import SourceFigures, source_badge
from marketpulse.components.summary_strip import summary_strip
from marketpulse.components.theme_sync import theme_sync
from marketpulse.components.user_menu import user_menu
from marketpulse.components.watchlist import MarketClock, TableSort, table_pager, watchlist
from marketpulse.components.watchlist_editor import add_symbol_form, watchlist_manager
from marketpulse.components.widget_panel import widget_panel

__all__ = [
    "LinkFigures",
    "MarketClock",
    "Prefs",
    "SourceFigures",
    "TableSort",
    "add_symbol_form",
    "alert_dialog",
    "alerts_panel",
    "app_link_indicator",
    "connection_indicator",
    "countdown",
    "freshness_badge",
    "freshness_dot",
    "freshness_section",
    "link_details",
    "live_chart",
    "login_form",
    "movers_panel",
    "news_feed",
    "pause_button",
    "register_form",
    "settings_form",
    "source_badge",
    "summary_strip",
    "table_pager",
    "theme_sync",
    "user_menu",
    "visibility_watcher",
    "watchlist",
    "watchlist_manager",
    "widget_panel",
]
