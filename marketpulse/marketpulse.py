"""The Reflex app: global stylesheet, head tags, and the pages. Nothing else lives here."""

import reflex as rx

from marketpulse.pages import dashboard

app = rx.App(
    stylesheets=["/marketpulse.css"],
    head_components=[rx.el.link(rel="icon", href="/favicon.ico", sizes="any")],
    html_lang="en",
)
dashboard.add_pages(app)
