/**
 * The only module that touches plotly.js: its calls (react, resize, purge, the relayout
 * event) and the one read of its internals, the drawn axes in `_fullLayout` (range, `l2p`,
 * `_offset`, `_length`), which the overlay needs to draw a bar where plotly would. A plotly
 * upgrade that changes those internals is handled here alone: `readAxes()` then returns null
 * and the chart falls back to plotly drawing every bar.
 */
import Plotly from "plotly.js-dist-min";

/** Draw (or update) `figure` ({data, layout, config}) in `el`: `Plotly.react`'s promise. */
export const drawFigure = (el, { data, layout, config }) =>
  Plotly.react(el, data, layout, config);

/** Fit the plot to its container again; rejects while the chart is hidden (display: none). */
export const resize = (el) => Plotly.Plots.resize(el);

export const purge = (el) => Plotly.purge(el);

/** Call `handler(event)` on each plotly relayout (zoom, pan, reset); false if `el` has no events yet. */
export function onRelayout(el, handler) {
  if (typeof el.on !== "function") return false;
  el.on("plotly_relayout", handler);
  return true;
}

/**
 * The axes plotly last drew in `el`, or null when they cannot be read: the price and volume
 * ranges as drawn (copied now), pixel mappings `x`, `price`, `volume` (value → px within the
 * plot area) and the plot areas `priceArea()`, `volumeArea()` ({x, y, width, height} in px),
 * read from the axes when called.
 */
export function readAxes(el) {
  const full = el._fullLayout;
  const xa = full?.xaxis;
  const ya = full?.yaxis;
  const va = full?.yaxis2;
  const usable = [xa, ya, va].every(
    (axis) => axis && typeof axis.l2p === "function" && Array.isArray(axis.range),
  );
  if (!usable) return null;
  const area = (axis) => ({ x: xa._offset, y: axis._offset, width: xa._length, height: axis._length });
  return {
    priceRange: ya.range.slice(),
    volumeRange: va.range.slice(),
    x: (value) => xa.l2p(value),
    price: (value) => ya.l2p(value),
    volume: (value) => va.l2p(value),
    priceArea: () => area(ya),
    volumeArea: () => area(va),
  };
}
