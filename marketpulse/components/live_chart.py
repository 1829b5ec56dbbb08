"""`live_chart(...)`: the real-time price chart, a Reflex wrapper over `live_chart.jsx` beside it.

The React component (plotly.js underneath) draws `window` once per `revision` and then applies
each `tail` in place, so a tick sends a few points instead of a whole figure; see
`marketpulse.display.chart` for what a state sends when. The module and the plain JS modules it
imports (`chart_*.js`, `plotly_adapter.js`, by relative paths) are shared assets: Reflex links
each one named here into the same folder under the frontend's `public/external/` (one folder
per calling Python module), so the relative imports resolve in the build, and
`rx.asset(...).importable_path` of `live_chart.jsx` is the component's import path. As a
`NoSSRComponent` it is imported only in the browser, so plotly.js never runs during the
server-side prerender. Its look needs `/chart.css`.

Props keep the JS names Reflex derives from the Python ones (`go_live` → `goLive`,
`max_points` → `maxPoints`). DOM hooks (for tests): `data-testid="live-chart"` with
`data-points`, `data-last-t`, `data-paused`, `data-mode`, `data-following`, `data-revision`.
"""

from __future__ import annotations

from collections.abc import Sequence

import reflex as rx
from reflex_base.components.component import field
from reflex_base.vars.base import Var

from marketpulse.display.chart import ChartPoint

PLOTLY_PACKAGE = "plotly.js-dist-min@4.1.2"
"""The npm package the module imports, pinned (the registry's latest when this was written)."""

_MODULE = rx.asset("live_chart.jsx", shared=True)
_HELPERS = (
    "chart_engine.js",
    "chart_figure.js",
    "chart_format.js",
    "chart_hooks.js",
    "chart_overlay.js",
    "chart_palette.js",
    "chart_points.js",
    "chart_redraw.js",
    "plotly_adapter.js",
)
"""The modules `live_chart.jsx` imports, directly or not; each must be linked beside it."""
for _helper in _HELPERS:
    rx.asset(_helper, shared=True)

PointsVar = Var[Sequence[ChartPoint]] | Var[Sequence[dict[str, float]]]
"""A state var holding chart points (typed either way)."""


class LiveChart(rx.NoSSRComponent):
    """The `LiveChart` export of `live_chart.jsx`."""

    library = _MODULE.importable_path
    lib_dependencies: list[str] = [PLOTLY_PACKAGE]
    tag = "LiveChart"
    is_default = False

    # Props are typed as plain dicts: Reflex's prop check cannot test against a TypedDict.
    window: Var[list[dict[str, float]]] = field(
        doc="The whole window, oldest first; read only when `revision` changes."
    )
    tail: Var[list[dict[str, float]]] = field(
        doc="Points changed since the last flush, applied by `t` whenever this changes."
    )
    revision: Var[int] = field(doc="Bump to make the chart take `window` whole (a reset).")
    mode: Var[str] = field(doc='"candles" or "line".')
    paused: Var[bool] = field(doc="Hold the drawing; data keeps collecting and shows on resume.")
    go_live: Var[int] = field(doc="Bump to follow the newest bar again (undo zoom, hover hold).")
    theme: Var[str] = field(doc='"light" or "dark".')
    scheme: Var[str] = field(doc='Up/down colours: "red-green" or "blue-orange".')
    max_points: Var[int] = field(doc="Most bars kept and drawn; older ones are dropped.")
    label: Var[str] = field(doc="What the chart shows; the last drawn price is appended.")


def live_chart(
    window: PointsVar,
    tail: PointsVar,
    revision: Var[int],
    mode: Var[str],
    paused: Var[bool],
    go_live: Var[int],
    theme: Var[str],
    scheme: Var[str],
    max_points: Var[int] | int,
    label: Var[str] | str,
) -> rx.Component:
    """The live chart of one symbol and interval, a pure function of its vars.

    `label` names the chart for assistive technology ("AAPL 1-minute price chart"); leave the
    price out of it: the component appends the last drawn price itself, so the label var does
    not change (and is not resent) on every tick.
    """
    return LiveChart.create(
        window=window,
        tail=tail,
        revision=revision,
        mode=mode,
        paused=paused,
        go_live=go_live,
        theme=theme,
        scheme=scheme,
        max_points=max_points,
        label=label,
    )
