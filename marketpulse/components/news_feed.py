"""`news_feed(...)`: the headlines widget's body — newest first, filterable to the watchlist.

The page puts it in a titled section (with its freshness badge); this is what goes inside.

Each headline shows its time (browser local), sentiment as an icon and a word (never colour
alone), source, text, and its symbols as small buttons. What the feed's source says of its
news (`news`) decides the rest: `generated` (the simulator and replays make headlines up from
the prices) marks every headline "Generated"; `none` (a live source without a news feed)
shows a plain "No news source for this market" instead of any headline, never filler.

The list itself is not a live region: a page's state passes a short `announcement` (see
`marketpulse.display.news.announcement`) that a visually hidden polite region speaks; focus
never moves. The list scrolls inside a capped height (`news_alerts.css`) and is itself
focusable, so keyboard users can scroll it.

Test hooks: `data-testid="news-feed"` on the widget, `"news-list"` on the list, `"news-empty"`
on the empty state, `"news-no-source"` on the no-news-source message, `"news-generated"` on
each generated mark, `"news-watchlist-only"` on the switch, `"news-announcer"` on the live
region; each item has `data-news-id` and `data-sentiment`, each symbol button `data-symbol-link`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx
from reflex.event import EventCallback, EventType
from reflex.vars.object import ObjectVar
from reflex.vars.sequence import ArrayVar

from marketpulse.components.time_format import local_time

SENTIMENTS: dict[str, tuple[str, str]] = {
    "positive": ("trending-up", "Positive"),
    "negative": ("trending-down", "Negative"),
    "neutral": ("minus", "Neutral"),
}
"""Sentiment → (icon, word)."""


def _sentiment_badge(sentiment: rx.Var[str]) -> rx.Component:
    def badge(icon: str, word: str) -> rx.Component:
        return rx.el.span(
            rx.icon(icon, size=14, aria_hidden="true"),
            word,
            class_name="mp-news-sentiment",
        )

    return rx.match(
        sentiment,
        *[(key, badge(icon, word)) for key, (icon, word) in SENTIMENTS.items()],
        badge(*SENTIMENTS["neutral"]),
    )


def _symbol_button(symbol: rx.Var[str], on_select_symbol: EventCallback[str]) -> rx.Component:
    return rx.el.li(
        rx.button(
            symbol,
            on_click=on_select_symbol(symbol),
            size="1",
            variant="soft",
            class_name="mp-news-symbol",
            data_symbol_link=symbol,
        ),
    )


GENERATED_TITLE = "Made up from the price moves by the simulator or replay: not real reporting"
NO_NEWS_SOURCE = "No news source for this market"


def _generated_mark(generated: rx.Var[bool]) -> rx.Component:
    return rx.cond(
        generated,
        rx.el.span(
            "Generated",
            class_name="mp-news-generated",
            title=GENERATED_TITLE,
            data_testid="news-generated",
        ),
    )


def _item(
    row: ObjectVar, on_select_symbol: EventCallback[str], generated: rx.Var[bool]
) -> rx.Component:
    return rx.el.li(
        rx.el.article(
            rx.el.div(
                rx.el.time(local_time(row.ts), class_name="mp-num mp-muted"),  # type: ignore[arg-type]  # mypy: ObjectVar's overloaded __getattr__ (python/mypy#15692)
                _sentiment_badge(row.sentiment),  # type: ignore[arg-type]  # mypy: ObjectVar's overloaded __getattr__ (python/mypy#15692)
                rx.el.span(row.source, class_name="mp-muted mp-news-source"),
                _generated_mark(generated),
                class_name="mp-news-meta",
            ),
            rx.el.h3(row.headline, class_name="mp-news-headline"),
            rx.cond(row.body != "", rx.el.p(row.body, class_name="mp-news-body")),
            rx.cond(
                row.symbols.length() > 0,  # type: ignore[attr-defined]  # mypy: ObjectVar's overloaded __getattr__ (python/mypy#15692)
                rx.el.ul(
                    rx.foreach(row.symbols, lambda s: _symbol_button(s, on_select_symbol)),
                    class_name="mp-news-symbols",
                    aria_label="Symbols",
                ),
            ),
        ),
        key=row.id,
        class_name="mp-news-item",
        data_news_id=row.id,
        data_sentiment=row.sentiment,
    )


def _header(watchlist_only: rx.Var[bool], on_watchlist_only: EventType[bool]) -> rx.Component:
    return rx.flex(
        rx.el.label(
            rx.switch(
                checked=watchlist_only,
                on_change=on_watchlist_only,
                size="1",
                data_testid="news-watchlist-only",
            ),
            "Watchlist only",
            class_name="mp-news-switch",
        ),
        justify="end",
        align="center",
        wrap="wrap",
        spacing="2",
        class_name="mp-news-tools",
    )


def _empty(watchlist_only: rx.Var[bool]) -> rx.Component:
    return rx.text(
        rx.cond(
            watchlist_only,
            "No headlines about your watchlist yet.",
            "No headlines yet. New ones appear here as they arrive.",
        ),
        class_name="mp-muted mp-news-empty",
        size="2",
        data_testid="news-empty",
    )


def _no_source() -> rx.Component:
    return rx.text(
        NO_NEWS_SOURCE,
        class_name="mp-muted mp-news-empty",
        size="2",
        data_testid="news-no-source",
    )


def news_feed(
    items: ArrayVar[Sequence[Any]],
    watchlist_only: rx.Var[bool],
    on_watchlist_only: EventType[bool],
    on_select_symbol: EventCallback[str],
    announcement: rx.Var[str],
    news: rx.Var[str],
) -> rx.Component:
    """The news widget over `items` (`marketpulse.display.news.NewsRow`s, newest first, already
    filtered when `watchlist_only`); the switch sends its new value to `on_watchlist_only`, a
    symbol button sends its symbol to `on_select_symbol`. `news` is what the feed's source
    says of its headlines: generated, none, or "" (not known yet)."""
    generated = news == "generated"
    headlines = rx.fragment(
        _header(watchlist_only, on_watchlist_only),
        rx.cond(
            items.length() > 0,
            rx.el.div(
                rx.el.ul(
                    rx.foreach(items, lambda row: _item(row, on_select_symbol, generated)),
                    class_name="mp-news-list",
                    data_testid="news-list",
                ),
                class_name="mp-news-scroll",
                # Focusable so the keyboard can scroll it; named for screen readers.
                tab_index=0,
                role="region",
                aria_label="Headlines, newest first",
                aria_live="off",
            ),
            _empty(watchlist_only),
        ),
    )
    return rx.el.div(
        rx.cond(news == "none", _no_source(), headlines),
        rx.el.div(
            rx.cond(news == "none", "", announcement),  # no headline is spoken either
            class_name="mp-visually-hidden",
            aria_live="polite",
            aria_atomic="true",
            data_testid="news-announcer",
        ),
        class_name="mp-news",
        data_testid="news-feed",
    )
