"""`merge_newest`: a feed of items (headlines, fired alerts) kept newest first, each id once.

The rule both feeds follow: new items are added to rows already newest first, by source time
(`ts`), ties going to the later arrival; an id already shown (in the rows, or earlier among the
new items) is ignored, so its row keeps its place; the list is capped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol, TypeVar


class Identified(Protocol):
    @property
    def id(self) -> str: ...


class Row(Identified, Protocol):
    @property
    def ts(self) -> int: ...


R = TypeVar("R", bound=Row)
I = TypeVar("I", bound=Identified)  # noqa: E741 - an item, beside R, a row


def merge_newest(
    rows: Sequence[R],
    items: Iterable[I],
    row_of: Callable[[I], R],
    copy: Callable[[R], R],
    limit: int,
) -> list[R]:
    """A new list: `items` (as `row_of` makes them) added to `rows`, at most `limit` long.

    Every row of the result is a fresh object (`copy` of an old row): the rows given may be a
    state's change-tracking proxies, which must not end up inside the new value.
    """
    seen = {row.id for row in rows}
    fresh: list[R] = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            fresh.append(row_of(item))
    merged = fresh[::-1] + [copy(row) for row in rows]
    # A stable sort on time alone keeps the arrival order (latest first) among equal times.
    merged.sort(key=lambda row: row.ts, reverse=True)
    return merged[: max(limit, 0)]
