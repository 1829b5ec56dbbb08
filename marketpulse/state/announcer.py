"""`AnnouncerState`: the sentence the polite live region speaks (price announcements, opt-in)."""

from __future__ import annotations

import reflex as rx


class AnnouncerState(rx.State):
    """Cold: written by the feed task at most every `ANNOUNCE_INTERVAL_S`, when enabled."""

    text: rx.Field[str] = rx.field("")

    def _say(self, sentence: str) -> None:
        """Speak `sentence` (the region speaks a changed text only: an equal one is not sent)."""
        if sentence != self.text:
            self.text = sentence
