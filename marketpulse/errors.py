"""What the user sees when an event handler fails unexpectedly: a plain toast, never a trace.

Expected failures (a bad symbol, a wrong password) are answered by their handlers with their
own toasts; this catches the rest, logs the traceback on the server, and tells the user in
words, in development and production alike.
"""

# No `from __future__ import annotations` here: Reflex checks this handler's annotations at
# startup by evaluating them in its own module, where only real objects resolve.
import logging

import reflex as rx
from reflex.event import EventSpec

logger = logging.getLogger("marketpulse")

MESSAGE = "Something went wrong on our side. Please try again; reload the page if it persists."


def backend_exception_handler(exception: Exception) -> EventSpec:
    """Log `exception` with its traceback and show the user a short error toast."""
    logger.error("event handler failed", exc_info=exception)
    return rx.toast.error(MESSAGE, id="backend-error")
