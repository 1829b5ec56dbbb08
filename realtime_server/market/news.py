"""The news generator: plausible, fictional headlines for simulated jumps and quiet moments.

`NewsGenerator.on_jump` explains a price jump with a company headline whose direction and
wording follow the move (+3.1% "jumps 3.1% after an analyst upgrade"); `ambient`, called about
once a second, now and then emits a neutral macro or sector item. Items come out in
`protocol.NewsItem` wire form (plain dicts).

Every choice is drawn from one seeded `random.Random`: the same seed and the same sequence of
calls give the same items. A headline seen among the last `_RECENT` items is redrawn, so
consecutive items rarely repeat. Nothing here is real: wires, brokers and catalysts are
invented and generic, and nothing touches the network.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from realtime_server.market.news_wording import (
    BAD,
    BROKERS,
    DOWN,
    GENERIC_DRIVERS,
    GOOD,
    JUMP_HEADLINES,
    JUMP_TAILS,
    MACRO_BODIES,
    MACRO_EVENTS,
    MACRO_STATES,
    MACRO_SUBJECTS,
    SECTOR_BAD,
    SECTOR_DRIVERS,
    SECTOR_GOOD,
    SECTOR_HEADLINES,
    SOURCES,
    TIERS,
    UP,
    Catalyst,
    short_name,
)
from realtime_server.sources.base import Jump

DEFAULT_AMBIENT_PER_MINUTE = 3.0
_RECENT = 50
_REDRAWS = 8

_T = TypeVar("_T")


class Described(Protocol):
    """What the generator needs to know of an instrument (`Instrument`, `UniverseEntry`)."""

    @property
    def symbol(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def sector(self) -> str: ...


class NewsGenerator:
    """Seeded, deterministic news for one market."""

    def __init__(
        self,
        instruments_info: Iterable[Described],
        seed: int = 0,
        *,
        ambient_per_minute: float = DEFAULT_AMBIENT_PER_MINUTE,
    ) -> None:
        if ambient_per_minute < 0:
            raise ValueError("ambient_per_minute must be >= 0")
        self.ambient_per_minute = ambient_per_minute
        self._rng = random.Random(seed)
        self._info: dict[str, tuple[str, str, str]] = {}  # symbol -> (name, short, sector)
        self._sector_members: dict[str, list[str]] = {}
        for item in instruments_info:
            self._info[item.symbol] = (item.name, short_name(item.name), item.sector)
            self._sector_members.setdefault(item.sector, []).append(item.symbol)
        self._sectors = tuple(self._sector_members)
        self._counter = 0
        self._last_ambient_ts: int | None = None
        self._recent: deque[str] = deque(maxlen=_RECENT)

    def on_jump(self, jump: Jump) -> dict[str, Any]:
        """A company headline explaining `jump`, timestamped with the jump."""
        name, co, sector = self._info.get(jump.symbol, (jump.symbol, jump.symbol, ""))
        rng = self._rng
        up = jump.change >= 0
        size = abs(jump.change) * 100
        pct = f"{size:.1f}%"
        tier = sum(size >= bound for bound in TIERS)
        catalysts = (GOOD if up else BAD) + (SECTOR_GOOD if up else SECTOR_BAD).get(sector, ())
        broker = rng.choice(BROKERS)

        def draw() -> tuple[str, Catalyst]:
            singular, template = rng.choice(JUMP_HEADLINES)
            verb = rng.choice((UP if up else DOWN)[tier])[0 if singular else 1]
            noun, clause, body = rng.choice(catalysts)
            clause = clause.format(broker=broker)
            headline = template.format(co=co, v=verb, pct=pct, noun=noun, clause=clause)
            return headline, (noun, clause, body)

        headline, (_, _, body) = self._fresh(draw)
        tail = rng.choice(JUMP_TAILS).format(
            price=jump.price, direction="up" if up else "down", pct=pct
        )
        sentiment = "neutral" if jump.change == 0 else "positive" if up else "negative"
        return self._item(
            jump.ts,
            headline,
            f"{body.format(name=name, broker=broker)} {tail}",
            [jump.symbol],
            [sector] if sector else [],
            sentiment,
        )

    def ambient(self, ts: int, paced_by: int | None = None) -> dict[str, Any] | None:
        """Now and then (`ambient_per_minute` on average) a neutral item stamped `ts`.

        The chance grows with the time elapsed since the last call on the `paced_by` clock
        (ms; `ts` when not given): a replay passes the wall clock, so a market replayed at
        60x does not make sixty times the headlines.
        """
        pace = ts if paced_by is None else paced_by
        elapsed = 1000 if self._last_ambient_ts is None else pace - self._last_ambient_ts
        self._last_ambient_ts = pace
        elapsed = min(max(elapsed, 0), 60_000)
        chance = 1.0 - math.exp(-self.ambient_per_minute * elapsed / 60_000)
        if self._rng.random() >= chance:
            return None
        if self._sectors and self._rng.random() < 0.5:
            return self._sector_item(ts)
        return self._macro_item(ts)

    def _macro_item(self, ts: int) -> dict[str, Any]:
        rng = self._rng

        def draw() -> tuple[str, None]:
            subject, singular = rng.choice(MACRO_SUBJECTS)
            state = rng.choice(MACRO_STATES)[0 if singular else 1]
            return f"{subject} {state} {rng.choice(MACRO_EVENTS)}", None

        headline, _ = self._fresh(draw)
        body = " ".join(rng.sample(MACRO_BODIES, rng.randint(1, 2)))
        return self._item(ts, headline, body, [], [], "neutral")

    def _sector_item(self, ts: int) -> dict[str, Any]:
        rng = self._rng

        def draw() -> tuple[str, tuple[str, str]]:
            sector = rng.choice(self._sectors)
            driver = rng.choice(SECTOR_DRIVERS.get(sector, GENERIC_DRIVERS))
            template = rng.choice(SECTOR_HEADLINES)
            headline = template.format(Sector=sector, sector=sector.lower(), driver=driver)
            return headline, (sector, driver)

        headline, (sector, driver) = self._fresh(draw)
        top = self._sector_members[sector][:3]
        names = [self._info[sym][1] for sym in top]
        if len(names) == 1:
            listed = f"{names[0]} is among"
        else:
            listed = f"{', '.join(names[:-1])} and {names[-1]} are among"
        body = (
            f"{listed} the names traders are watching as {driver}. "
            "No company-specific news was reported."
        )
        return self._item(ts, headline, body, top, [sector], "neutral")

    def _fresh(self, draw: Callable[[], tuple[str, _T]]) -> tuple[str, _T]:
        """Draw until the headline is not among the recent ones (a few tries at most)."""
        headline, extra = draw()
        for _ in range(_REDRAWS):
            if headline not in self._recent:
                break
            headline, extra = draw()
        self._recent.append(headline)
        return headline, extra

    def _item(
        self,
        ts: int,
        headline: str,
        body: str,
        symbols: list[str],
        sectors: list[str],
        sentiment: str,
    ) -> dict[str, Any]:
        self._counter += 1
        return {
            "id": f"n-{ts}-{self._counter}",
            "ts": ts,
            "headline": headline,
            "body": body,
            "symbols": symbols,
            "sectors": sectors,
            "sentiment": sentiment,
            "source": self._rng.choice(SOURCES),
        }
