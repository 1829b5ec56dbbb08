"""`FreshnessState`: when each widget's data last arrived, for the freshness badges.

Kept apart from the data states on purpose: these stamps change at every flush, and only the
small badges read them (they compute live / delayed / stale in the browser, every second).
"""

from __future__ import annotations

from collections.abc import Mapping

import reflex as rx


class FreshnessState(rx.State):
    """Hot but tiny: four integers (ms since the epoch, app clock; 0 = nothing yet)."""

    quotes_at: rx.Field[int] = rx.field(0)
    chart_at: rx.Field[int] = rx.field(0)
    summary_at: rx.Field[int] = rx.field(0)
    news_at: rx.Field[int] = rx.field(0)

    def _apply(self, received_at: Mapping[str, int]) -> None:
        """Take the widgets' new stamps (an unchanged one is not assigned, so not sent)."""
        for widget, stamp in received_at.items():
            if stamp and stamp != getattr(self, f"{widget}_at"):
                setattr(self, f"{widget}_at", stamp)
