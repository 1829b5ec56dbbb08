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

from realtime_server.sources.base import Jump

DEFAULT_AMBIENT_PER_MINUTE = 3.0
_RECENT = 50
_REDRAWS = 8

SOURCES = ("MarketPulse Wire", "Meridian Newswire", "The Street Ledger", "Tickerline")
_BROKERS = ("Harbor Point Securities", "Kessler & Rowe", "Northgate Capital", "Alder Street")

# Verb pairs (after a singular subject, after "shares") by size of move, from small to large.
_TIERS = (1.5, 2.5, 3.5)
_UP = (
    (("edges higher", "edge higher"), ("ticks up", "tick up"), ("edges up", "edge up")),
    (("rises", "rise"), ("climbs", "climb"), ("gains", "gain")),
    (("jumps", "jump"), ("rallies", "rally"), ("pops", "pop")),
    (("surges", "surge"), ("soars", "soar"), ("rockets", "rocket")),
)
_DOWN = (
    (("edges lower", "edge lower"), ("slips", "slip"), ("dips", "dip")),
    (("falls", "fall"), ("declines", "decline"), ("drops", "drop")),
    (("slides", "slide"), ("sinks", "sink"), ("skids", "skid")),
    (("tumbles", "tumble"), ("plunges", "plunge"), ("slumps", "slump")),
)
# (singular?, template): {co} company, {v} verb, {pct} move, {noun}/{clause} the catalyst.
_JUMP_HEADLINES = (
    (False, "{co} shares {v} {pct} after {noun}"),
    (True, "{co} {v} {pct} as {clause}"),
    (True, "{co} stock {v} {pct} on {noun}"),
    (True, "{co} {v} {pct} following {noun}"),
    (False, "Shares of {co} {v} {pct} after {noun}"),
)
# Catalysts: (noun phrase, clause, body sentence); {name} full company name, {broker} a broker.
Catalyst = tuple[str, str, str]
_GOOD: tuple[Catalyst, ...] = (
    ("an earnings beat", "quarterly profit tops estimates",
     "{name} reported quarterly earnings ahead of analyst estimates on firmer margins."),
    ("an analyst upgrade", "{broker} upgrades the stock to buy",
     "{broker} raised its rating to buy and lifted its price target, citing improving demand."),
    ("a guidance raise", "the company lifts its full-year outlook",
     "{name} raised its full-year revenue and profit guidance."),
    ("a contract win", "it lands a multiyear contract",
     "{name} said it won a multiyear contract, its largest award this year."),
    ("a product launch", "a new product line draws strong early reviews",
     "{name} unveiled a new product line that early reviewers called a clear step up."),
    ("a bigger buyback", "the board expands its share buyback",
     "The board of {name} authorized an additional share repurchase program."),
    ("a dividend increase", "the company raises its dividend",
     "{name} raised its quarterly dividend by more than analysts had expected."),
)  # fmt: skip
_BAD: tuple[Catalyst, ...] = (
    ("an analyst downgrade", "{broker} downgrades the stock to sell",
     "{broker} cut its rating to sell, warning that expectations look too high."),
    ("a guidance cut", "the company trims its outlook",
     "{name} lowered its full-year forecast, citing softer demand."),
    ("a regulatory probe", "regulators open an inquiry",
     "{name} disclosed that regulators have opened an inquiry into its business practices."),
    ("a product recall", "it recalls a product line",
     "{name} announced a voluntary recall and said it is working with regulators."),
    ("missed estimates", "quarterly results fall short of estimates",
     "{name} reported quarterly revenue and earnings below analyst expectations."),
    ("an executive departure", "its finance chief steps down",
     "{name} said its chief financial officer will leave; a search for a successor is under way."),
    ("a supply warning", "it flags supply constraints",
     "{name} warned that supply constraints will weigh on shipments this quarter."),
)  # fmt: skip
_SECTOR_GOOD: dict[str, tuple[Catalyst, ...]] = {
    "Health Care": (
        ("upbeat trial data", "a late-stage trial meets its main goal",
         "{name} said a late-stage trial met its primary endpoint."),
        ("a drug approval", "regulators approve a new treatment",
         "{name} received regulatory approval for a new treatment."),
    ),
    "Energy": (("firmer crude prices", "oil prices climb",
                "Crude futures rose on tighter supply, lifting producers such as {name}."),),
    "Technology": (("strong AI demand", "AI-related orders accelerate",
                    "{name} pointed to accelerating demand for AI-related products."),),
    "Financials": (("strong trading revenue", "trading revenue surges",
                    "{name} said markets revenue is running well ahead of last year."),),
}  # fmt: skip
_SECTOR_BAD: dict[str, tuple[Catalyst, ...]] = {
    "Health Care": (("disappointing trial data", "a late-stage trial misses its main goal",
                     "{name} said a late-stage trial did not meet its primary endpoint."),),
    "Energy": (("weaker crude prices", "oil prices slide",
                "Crude futures fell on demand worries, weighing on producers such as {name}."),),
    "Technology": (("export curbs", "new export curbs weigh on chip sales",
                    "{name} said new export restrictions could hit sales to some markets."),),
    "Financials": (("rising credit costs", "loan-loss provisions rise",
                    "{name} set aside more for potential loan losses than analysts expected."),),
}  # fmt: skip
_JUMP_TAILS = (
    "The stock last traded at ${price:.2f}.",
    "Shares were last at ${price:.2f}, {direction} {pct} on the news.",
    "Trading volume picked up sharply after the report.",
)
# Ambient macro items: (subject, singular?) + state (singular, plural) + event.
_MACRO_SUBJECTS = (
    ("Treasury yields", False), ("The dollar", True), ("Gold", True),
    ("Stock futures", False), ("Oil", True), ("Volatility gauges", False),
)  # fmt: skip
_MACRO_STATES = (
    ("holds steady", "hold steady"), ("is little changed", "are little changed"),
    ("drifts in a narrow range", "drift in a narrow range"), ("edges up", "edge up"),
    ("eases", "ease"),
)  # fmt: skip
_MACRO_EVENTS = (
    "ahead of Fed minutes", "before the jobs report", "as traders await inflation data",
    "after a smooth Treasury auction", "ahead of retail sales figures",
    "as Fed speakers strike a cautious tone", "in light midday trade",
    "as investors weigh the growth outlook",
)  # fmt: skip
_MACRO_BODIES = (
    "Trading was orderly with no single catalyst in charge.",
    "Strategists said positioning is light heading into the next data release.",
    "Desks described the tone as cautious but calm.",
    "Attention remains on the economic calendar later in the week.",
)
_SECTOR_HEADLINES = (
    "{Sector} stocks in focus as {driver}",
    "Investors eye {sector} names as {driver}",
    "{Sector} shares watched as {driver}",
)
_SECTOR_DRIVERS: dict[str, tuple[str, ...]] = {
    "Technology": ("investors weigh AI spending plans", "chip demand signals turn mixed"),
    "Communication Services": ("ad-market checks improve", "streaming price rises spread"),
    "Consumer Discretionary": ("retail sales data looms", "holiday spending forecasts firm"),
    "Consumer Staples": ("input costs ease", "shoppers keep trading down"),
    "Financials": ("the yield curve steepens", "bank earnings season nears"),
    "Health Care": ("the drug-pricing debate resumes", "a major medical conference opens"),
    "Energy": ("crude inventories draw down", "OPEC+ weighs its output plans"),
    "Industrials": ("factory orders data nears", "freight volumes stabilize"),
    "Materials": ("metals prices firm", "China stimulus hopes build"),
    "Utilities": ("bond yields slip", "power demand forecasts rise"),
    "Real Estate": ("mortgage rates tick lower", "office vacancy data is due"),
}
_GENERIC_DRIVERS = ("sector rotation picks up", "fund flows shift", "analysts refresh views")
_T = TypeVar("_T")
_NAME_SUFFIXES = ("Inc.", "Inc", "Corp.", "Corp", "Co.", "Ltd.", "plc", "Group", "&", "and", ",")


class Described(Protocol):
    """What the generator needs to know of an instrument (`Instrument`, `UniverseEntry`)."""

    @property
    def symbol(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def sector(self) -> str: ...


def short_name(name: str) -> str:
    """The name a headline uses: "The Goldman Sachs Group Inc." -> "Goldman Sachs"."""
    words = name.split()
    if len(words) > 1 and words[0] == "The":
        words = words[1:]
    while len(words) > 1 and words[-1] in _NAME_SUFFIXES:
        words.pop()
    short = " ".join(words).rstrip(",")
    return short.removesuffix(".com") or name


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
        tier = sum(size >= bound for bound in _TIERS)
        catalysts = (_GOOD if up else _BAD) + (_SECTOR_GOOD if up else _SECTOR_BAD).get(sector, ())
        broker = rng.choice(_BROKERS)

        def draw() -> tuple[str, Catalyst]:
            singular, template = rng.choice(_JUMP_HEADLINES)
            verb = rng.choice((_UP if up else _DOWN)[tier])[0 if singular else 1]
            noun, clause, body = rng.choice(catalysts)
            clause = clause.format(broker=broker)
            headline = template.format(co=co, v=verb, pct=pct, noun=noun, clause=clause)
            return headline, (noun, clause, body)

        headline, (_, _, body) = self._fresh(draw)
        tail = rng.choice(_JUMP_TAILS).format(
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

    def ambient(self, ts: int) -> dict[str, Any] | None:
        """Now and then (`ambient_per_minute` on average, by elapsed `ts`) a neutral item."""
        elapsed = 1000 if self._last_ambient_ts is None else ts - self._last_ambient_ts
        self._last_ambient_ts = ts
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
            subject, singular = rng.choice(_MACRO_SUBJECTS)
            state = rng.choice(_MACRO_STATES)[0 if singular else 1]
            return f"{subject} {state} {rng.choice(_MACRO_EVENTS)}", None

        headline, _ = self._fresh(draw)
        body = " ".join(rng.sample(_MACRO_BODIES, rng.randint(1, 2)))
        return self._item(ts, headline, body, [], [], "neutral")

    def _sector_item(self, ts: int) -> dict[str, Any]:
        rng = self._rng

        def draw() -> tuple[str, tuple[str, str]]:
            sector = rng.choice(self._sectors)
            driver = rng.choice(_SECTOR_DRIVERS.get(sector, _GENERIC_DRIVERS))
            template = rng.choice(_SECTOR_HEADLINES)
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
