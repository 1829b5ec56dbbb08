/**
 * The live chart's colours, per theme and up/down scheme, and the choice of one palette.
 *
 * The palette is JSON between the palette-json markers: tests/unit/test_charting.py reads it
 * from this file and checks each colour against its background for WCAG AA (4.5:1).
 * Backgrounds are Radix Themes' panel colours; the rest are close to Radix step 11.
 */

export const PALETTES = /* palette-json */ {
  "light": {
    "background": "#ffffff",
    "text": "#1c2024",
    "muted": "#60646c",
    "grid": "#e8e8ec",
    "line": "#3a5bc7",
    "red-green": { "up": "#1f7a52", "down": "#ce2c31" },
    "blue-orange": { "up": "#0d74ce", "down": "#bd4b00" }
  },
  "dark": {
    "background": "#18191b",
    "text": "#edeef0",
    "muted": "#b0b4ba",
    "grid": "#2b2d31",
    "line": "#9eb1ff",
    "red-green": { "up": "#3dd68c", "down": "#ff9592" },
    "blue-orange": { "up": "#70b8ff", "down": "#ffa057" }
  }
} /* end-palette-json */;

/** The flat palette of a theme ("dark", else light) and scheme ("blue-orange", else red-green). */
export function paletteOf(theme, scheme) {
  const base = PALETTES[theme === "dark" ? "dark" : "light"];
  const sides = base[scheme === "blue-orange" ? "blue-orange" : "red-green"];
  return { ...base, up: sides.up, down: sides.down };
}
