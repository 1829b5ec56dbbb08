"""`LayoutState`: which dashboard widgets the user collapsed.

A collapsed widget receives no updates (the feed task keeps its data and catches it up when
it opens again), so folding away what you do not watch also saves the browser the work.
"""

from __future__ import annotations

import reflex as rx

from marketpulse.state.event import event

WIDGETS = ("chart", "movers", "news", "alerts")


class LayoutState(rx.State):
    """Cold state: changes when a widget is folded or unfolded."""

    collapsed: rx.Field[list[str]] = rx.field(default_factory=list)

    @rx.var
    def chart_open(self) -> bool:
        return "chart" not in self.collapsed

    @rx.var
    def movers_open(self) -> bool:
        return "movers" not in self.collapsed

    @rx.var
    def news_open(self) -> bool:
        return "news" not in self.collapsed

    @rx.var
    def alerts_open(self) -> bool:
        return "alerts" not in self.collapsed

    @event
    def toggle(self, widget: str) -> None:
        if widget not in WIDGETS:
            return
        if widget in self.collapsed:
            self.collapsed = [w for w in self.collapsed if w != widget]
        else:
            self.collapsed = [*self.collapsed, widget]
