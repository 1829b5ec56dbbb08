"""Pure rendering functions: each takes vars (or plain values) and returns a component.

They read no state class directly and own no event handlers, so pages decide what to bind.
"""

from marketpulse.components.connection_indicator import connection_indicator
from marketpulse.components.price_cell import price_cell
from marketpulse.components.watchlist import watchlist

__all__ = ["connection_indicator", "price_cell", "watchlist"]
