"""Opt-in price announcements: one short sentence about the watchlist's biggest mover.

Screen readers hear it through a polite live region, at most once per `ANNOUNCE_INTERVAL_S`
and only when the sentence changed, so announcements inform without flooding (the price grid
itself is deliberately not a live region).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from realtime_server.protocol import Quote

ANNOUNCE_INTERVAL_S = 20.0


def biggest_move(quotes: Mapping[str, Quote], symbols: Sequence[str]) -> str:
    """`"Biggest move: NVDA 135.40, up 1.20 percent."`, or `""` before any quote arrived."""
    candidates = [quotes[symbol] for symbol in symbols if symbol in quotes]
    if not candidates:
        return ""
    quote = max(candidates, key=lambda q: (abs(q.change_pct), q.symbol))
    if quote.change_pct > 0:
        move = f"up {quote.change_pct:.2f} percent"
    elif quote.change_pct < 0:
        move = f"down {-quote.change_pct:.2f} percent"
    else:
        move = "unchanged"
    return f"Biggest move: {quote.symbol} {quote.last:,.2f}, {move}."
