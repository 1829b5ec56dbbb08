"""Reflex configuration for MarketPulse.

Ports come from Reflex itself: `REFLEX_FRONTEND_PORT` / `REFLEX_BACKEND_PORT` (or the
`--frontend-port` / `--backend-port` flags; in `--env prod` both are served on one port).
The app's own settings (feed URL, database URL, ...) come from `marketpulse.config`.
"""

import reflex as rx

from marketpulse.config import get_config

settings = get_config()

config = rx.Config(
    app_name="marketpulse",
    telemetry_enabled=False,
    db_url=settings.db_url,
    default_color_mode="dark",
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium"),
        ),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
