"""`theme_sync(theme)`: keeps the app's colour mode (light/dark) equal to a preference var.

Reflex's colour mode lives in the browser (a React context, saved in localStorage), so a
backend event cannot set it. This renders nothing; its hook calls the context's `setColorMode`
whenever `theme` differs from the current mode — after a login, a logout, or a change on the
settings page — and the choice persists in localStorage, so a reload paints in the right mode.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.components.component import field
from reflex_base.constants.base import ColorMode
from reflex_base.style import color_mode_imports
from reflex_base.utils.imports import ImportVar
from reflex_base.vars import VarData
from reflex_base.vars.base import Var
from reflex_base.vars.function import FunctionStringVar
from reflex_base.vars.sequence import LiteralArrayVar

_COLOR_MODE_HOOKS = VarData(
    imports=color_mode_imports,
    hooks={f"const {{ {ColorMode.NAME}, {ColorMode.SET} }} = useContext(ColorModeContext);": None},
)
_raw_mode: Var[str] = Var(_js_expr=ColorMode.NAME, _var_type=str, _var_data=_COLOR_MODE_HOOKS)
_set_mode: Var[Any] = Var(_js_expr=ColorMode.SET, _var_data=_COLOR_MODE_HOOKS)


class ThemeSync(rx.Fragment):
    """A fragment whose only job is the colour-mode effect (see the module docstring)."""

    theme: Var[str] | None = field(default=None, is_javascript_property=False)
    ready: Var[bool] | None = field(default=None, is_javascript_property=False)

    def add_hooks(self) -> list[str | Var]:
        if self.theme is None or self.ready is None:
            return []
        theme, ready = Var.create(self.theme), Var.create(self.ready)
        effect: Var[Any] = Var(
            _js_expr=(
                f"() => {{ if ({ready!s} && ({theme!s} === 'light' || {theme!s} === 'dark') "
                f"&& {theme!s} !== {_raw_mode!s}) {{ {_set_mode!s}({theme!s}); }} }}"
            )
        )
        return [
            FunctionStringVar(
                "useEffect", _var_data=VarData(imports={"react": [ImportVar(tag="useEffect")]})
            ).call(effect, LiteralArrayVar.create([ready, theme, _raw_mode, _set_mode]))
        ]


def theme_sync(theme: rx.Var[str], ready: rx.Var[bool]) -> rx.Component:
    """Render nothing; once `ready` (the state is loaded), keep the colour mode equal to
    `theme` ("light" or "dark"). Before that the mode saved in the browser stays, so a reload
    does not flash the default theme."""
    return ThemeSync.create(theme=theme, ready=ready)
