"""The wording of the simulated news: wires, brokers, verbs by size of move, headline and body
templates, and the short company names headlines use.

Nothing here is real: wires, brokers and catalysts are invented and generic. `NewsGenerator`
(`news.py`) draws from these with its seeded random source.
"""

from __future__ import annotations

SOURCES = ("MarketPulse Wire", "Meridian Newswire", "The Street Ledger", "Tickerline")
BROKERS = ("Harbor Point Securities", "Kessler & Rowe", "Northgate Capital", "Alder Street")

# Verb pairs (after a singular subject, after "shares") by size of move, from small to large.
TIERS = (1.5, 2.5, 3.5)
UP = (
    (("edges higher", "edge higher"), ("ticks up", "tick up"), ("edges up", "edge up")),
    (("rises", "rise"), ("climbs", "climb"), ("gains", "gain")),
    (("jumps", "jump"), ("rallies", "rally"), ("pops", "pop")),
    (("surges", "surge"), ("soars", "soar"), ("rockets", "rocket")),
)
DOWN = (
    (("edges lower", "edge lower"), ("slips", "slip"), ("dips", "dip")),
    (("falls", "fall"), ("declines", "decline"), ("drops", "drop")),
    (("slides", "slide"), ("sinks", "sink"), ("skids", "skid")),
    (("tumbles", "tumble"), ("plunges", "plunge"), ("slumps", "slump")),
)
# (singular?, template): {co} company, {v} verb, {pct} move, {noun}/{clause} the catalyst.
JUMP_HEADLINES = (
    (False, "{co} shares {v} {pct} after {noun}"),
    (True, "{co} {v} {pct} as {clause}"),
    (True, "{co} stock {v} {pct} on {noun}"),
    (True, "{co} {v} {pct} following {noun}"),
    (False, "Shares of {co} {v} {pct} after {noun}"),
)
# Catalysts: (noun phrase, clause, body sentence); {name} full company name, {broker} a broker.
Catalyst = tuple[str, str, str]
GOOD: tuple[Catalyst, ...] = (
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
BAD: tuple[Catalyst, ...] = (
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
SECTOR_GOOD: dict[str, tuple[Catalyst, ...]] = {
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
SECTOR_BAD: dict[str, tuple[Catalyst, ...]] = {
    "Health Care": (("disappointing trial data", "a late-stage trial misses its main goal",
                     "{name} said a late-stage trial did not meet its primary endpoint."),),
    "Energy": (("weaker crude prices", "oil prices slide",
                "Crude futures fell on demand worries, weighing on producers such as {name}."),),
    "Technology": (("export curbs", "new export curbs weigh on chip sales",
                    "{name} said new export restrictions could hit sales to some markets."),),
    "Financials": (("rising credit costs", "loan-loss provisions rise",
                    "{name} set aside more for potential loan losses than analysts expected."),),
}  # fmt: skip
JUMP_TAILS = (
    "The stock last traded at ${price:.2f}.",
    "Shares were last at ${price:.2f}, {direction} {pct} on the news.",
    "Trading volume picked up sharply after the report.",
)
# Ambient macro items: (subject, singular?) + state (singular, plural) + event.
MACRO_SUBJECTS = (
    ("Treasury yields", False), ("The dollar", True), ("Gold", True),
    ("Stock futures", False), ("Oil", True), ("Volatility gauges", False),
)  # fmt: skip
MACRO_STATES = (
    ("holds steady", "hold steady"), ("is little changed", "are little changed"),
    ("drifts in a narrow range", "drift in a narrow range"), ("edges up", "edge up"),
    ("eases", "ease"),
)  # fmt: skip
MACRO_EVENTS = (
    "ahead of Fed minutes", "before the jobs report", "as traders await inflation data",
    "after a smooth Treasury auction", "ahead of retail sales figures",
    "as Fed speakers strike a cautious tone", "in light midday trade",
    "as investors weigh the growth outlook",
)  # fmt: skip
MACRO_BODIES = (
    "Trading was orderly with no single catalyst in charge.",
    "Strategists said positioning is light heading into the next data release.",
    "Desks described the tone as cautious but calm.",
    "Attention remains on the economic calendar later in the week.",
)
SECTOR_HEADLINES = (
    "{Sector} stocks in focus as {driver}",
    "Investors eye {sector} names as {driver}",
    "{Sector} shares watched as {driver}",
)
SECTOR_DRIVERS: dict[str, tuple[str, ...]] = {
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
GENERIC_DRIVERS = ("sector rotation picks up", "fund flows shift", "analysts refresh views")

NAME_SUFFIXES = ("Inc.", "Inc", "Corp.", "Corp", "Co.", "Ltd.", "plc", "Group", "&", "and", ",")


def short_name(name: str) -> str:
    """The name a headline uses: "The Goldman Sachs Group Inc." -> "Goldman Sachs"."""
    words = name.split()
    if len(words) > 1 and words[0] == "The":
        words = words[1:]
    while len(words) > 1 and words[-1] in NAME_SUFFIXES:
        words.pop()
    short = " ".join(words).rstrip(",")
    return short.removesuffix(".com") or name
