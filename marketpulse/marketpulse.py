"""The Reflex app: global stylesheet, head tags, the handler of unexpected errors, the pages,
and the HTTP endpoints of the login cookie (`marketpulse.auth.session_routes`)."""

# No `from __future__ import annotations` here: Reflex checks the exception handler's
# annotations at startup by evaluating them in this module, where only real objects resolve.
import logging

import reflex as rx
from reflex.event import EventSpec

from marketpulse.auth.session_routes import session_routes
from marketpulse.pages import dashboard, login, preferences

logger = logging.getLogger("marketpulse")

UNEXPECTED_ERROR = (
    "Something went wrong on our side. Please try again; reload the page if it persists."
)


def backend_exception_handler(exception: Exception) -> EventSpec:
    """An event handler failed unexpectedly: log the traceback, tell the user in words.

    Expected failures (a bad symbol, a wrong password) are answered by their handlers with
    their own toasts; this catches the rest, in development and production alike.
    """
    logger.error("event handler failed", exc_info=exception)
    return rx.toast.error(UNEXPECTED_ERROR, id="backend-error")


app = rx.App(
    stylesheets=["/marketpulse.css", "/widgets.css", "/news_alerts.css", "/chart.css"],
    head_components=[rx.el.link(rel="icon", href="/favicon.ico", sizes="any")],
    html_lang="en",
    backend_exception_handler=backend_exception_handler,
    api_transformer=session_routes(),
)
dashboard.add_pages(app)
login.add_pages(app)
preferences.add_pages(app)
