"""The Reflex app: global stylesheet, head tags, error handling, and the pages."""

import reflex as rx

from marketpulse.errors import backend_exception_handler
from marketpulse.pages import dashboard, login, settings

app = rx.App(
    stylesheets=["/marketpulse.css", "/widgets.css", "/news_alerts.css", "/chart.css"],
    head_components=[rx.el.link(rel="icon", href="/favicon.ico", sizes="any")],
    html_lang="en",
    backend_exception_handler=backend_exception_handler,
)
dashboard.add_pages(app)
login.add_pages(app)
settings.add_pages(app)
