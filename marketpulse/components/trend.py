"""`trend_class(trend, extra)`: the class list that colours a number by its trend (up/down/flat).

The colours are `marketpulse.css`'s `mp-trend-*`, which follow the page's colour scheme; the
text beside them always carries ▲/▼ or a sign too, so colour is never the only cue.
"""

from __future__ import annotations

import reflex as rx


def trend_class(trend: rx.Var[str], extra: str = "") -> rx.Var[str]:
    """`mp-num mp-trend-<trend> <extra>`, with anything but up or down counted as flat."""
    return rx.match(
        trend,
        ("up", f"mp-num mp-trend-up {extra}".strip()),
        ("down", f"mp-num mp-trend-down {extra}".strip()),
        f"mp-num mp-trend-flat {extra}".strip(),
    )
