"""Persisted watchlists: a user's symbols in order; add, remove, move and replace them.

The rules (syntax, duplicates, size limit) are `marketpulse.watchlist.rules`'; here they are
applied to the stored list. Each change returns the whole list as stored afterwards, so a state
that was stale (another tab changed the list meanwhile) catches up with every change it makes.
The unique (user, symbol) constraint keeps two racing adds from storing a symbol twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from marketpulse.db.models import WatchlistItem
from marketpulse.watchlist.rules import (
    WatchlistError,
    deduplicated,
    moved,
    normalize_symbol,
    with_symbol,
    without_symbol,
)


def load_symbols(session: Session, user_id: int) -> list[str]:
    """The user's watchlist, in order (empty when they have none)."""
    return [item.symbol for item in _items(session, user_id)]


def add_symbol(session: Session, user_id: int, raw: str, limit: int) -> list[str]:
    """Append a symbol; `WatchlistError` when malformed, already there or the list is full."""
    symbol = normalize_symbol(raw)
    current = load_symbols(session, user_id)
    updated = with_symbol(current, symbol, limit)
    session.add(WatchlistItem(user_id=user_id, symbol=symbol, position=len(current)))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise WatchlistError(f"{symbol} is already on your watchlist.", level="info") from None
    return updated


def remove_symbol(session: Session, user_id: int, raw: str) -> list[str]:
    """Remove a symbol; `WatchlistError` when it is not on the list."""
    symbol = normalize_symbol(raw)
    updated = without_symbol(load_symbols(session, user_id), symbol)
    session.exec(
        delete(WatchlistItem).where(
            col(WatchlistItem.user_id) == user_id, col(WatchlistItem.symbol) == symbol
        )
    )
    _renumber(session, user_id, updated)
    session.commit()
    return updated


def move_symbol(session: Session, user_id: int, raw: str, index: int) -> list[str]:
    """Move a symbol to position `index` (clamped); `WatchlistError` when it is not there."""
    symbol = normalize_symbol(raw)
    updated = moved(load_symbols(session, user_id), symbol, index)
    _renumber(session, user_id, updated)
    session.commit()
    return updated


def replace_symbols(
    session: Session, user_id: int, symbols: Sequence[str], limit: int
) -> list[str]:
    """Store exactly `symbols` (normalized, duplicates dropped, at most `limit` kept)."""
    wanted = deduplicated(normalize_symbol(symbol) for symbol in symbols)[:limit]
    session.exec(delete(WatchlistItem).where(col(WatchlistItem.user_id) == user_id))
    for position, symbol in enumerate(wanted):
        session.add(WatchlistItem(user_id=user_id, symbol=symbol, position=position))
    session.commit()
    return wanted


def _items(session: Session, user_id: int) -> list[WatchlistItem]:
    query = (
        select(WatchlistItem)
        .where(WatchlistItem.user_id == user_id)
        .order_by(col(WatchlistItem.position), col(WatchlistItem.id))
    )
    return list(session.exec(query).all())


def _renumber(session: Session, user_id: int, order: Sequence[str]) -> None:
    positions = {symbol: index for index, symbol in enumerate(order)}
    for item in _items(session, user_id):
        position = positions.get(item.symbol)
        if position is not None and item.position != position:
            item.position = position
            session.add(item)
