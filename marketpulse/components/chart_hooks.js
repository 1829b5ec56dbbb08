/**
 * What the live chart's container tells tests and assistive technology: the data-* hooks
 * (stable, see live_chart.jsx) and the accessible name with the last drawn price. Working
 * them out is pure; writing them touches only the attributes whose value changed, since each
 * write is a style invalidation.
 */
import { formatPrice } from "./chart_format.js";

/** The container's dataset values for the chart's state (`drawn`: the points on screen). */
export function hooksOf({ drawn, held, mode, following, revision, draws, overlays, drawMs }) {
  const last = drawn.length ? drawn[drawn.length - 1] : null;
  return {
    points: String(drawn.length),
    lastT: last ? String(last.t) : "",
    paused: String(held),
    mode,
    following: String(following),
    revision: String(revision),
    draws: String(draws),
    overlays: String(overlays),
    drawMs: drawMs.toFixed(2),
  };
}

/** The chart's accessible name: its `label` (or "Price chart") and the last drawn close. */
export function accessibleName(label, drawn) {
  const name = label || "Price chart";
  const price = drawn.length ? `, last ${formatPrice(drawn[drawn.length - 1].c)}` : ", no data yet";
  return `${name}${price}`;
}

export function writeHooks(box, hooks) {
  for (const key in hooks) {
    if (box.dataset[key] !== hooks[key]) box.dataset[key] = hooks[key];
  }
}

export function writeLabel(box, text) {
  if (box.getAttribute("aria-label") !== text) box.setAttribute("aria-label", text);
}
