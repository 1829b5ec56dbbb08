"""Reflex configuration of the chart benchmark's app (`benchmarks/chart_app`, not MarketPulse).

The harness (`benchmarks/chart.py`) copies this directory to a build directory of its own and
runs `reflex run --env prod` there on a free port; the app never builds inside the repository.
"""

import reflex as rx

config = rx.Config(
    app_name="chart_app",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[],
    disable_plugins=[rx.plugins.SitemapPlugin],
)
