/**
 * The live chart's drawing decisions, pure: which form a draw takes ("live": plotly draws
 * every bar but the newest, which the overlay draws; "all": plotly draws every bar), whether
 * plotly must redraw or the overlay suffices, and whether the chart follows the live edge
 * after the user zooms, pans or resets.
 */
import { samePoint } from "./chart_points.js";

// Fewer points than this and plotly draws them all: the overlay needs a previous bar.
export const MIN_OVERLAY_POINTS = 3;

/** "all" while the pointer is over the chart (so hover labels cover every bar) or too few bars. */
export const formOf = (hover, count) => (hover || count < MIN_OVERLAY_POINTS ? "all" : "live");

/** Whether bar `p` lies inside the drawn axis ranges of `axes` (else autorange must rerun). */
export function fits(p, axes, mode) {
  if (!axes) return false;
  const [y0, y1] = axes.priceRange;
  const top = mode === "line" ? p.c : p.h;
  const bottom = mode === "line" ? p.c : p.l;
  return bottom >= y0 && top <= y1 && p.v <= axes.volumeRange[1];
}

/**
 * Whether plotly must redraw to show `target` in `form`. `drawn` is what plotly was last
 * given ({styleKey, form, base, newest, mode}; null before the first draw), `axes` what it
 * drew (null: unreadable). While `following` the live edge, a newest bar outside the drawn
 * ranges needs plotly's autorange; a zoomed chart leaves it clipped.
 */
export function needsPlotly(drawn, axes, target, { form, styleKey, following }) {
  if (!drawn || styleKey !== drawn.styleKey || form !== drawn.form) return true;
  const n = target.length;
  const plotlyHas = form === "live" ? n - 1 : n;
  if (drawn.base.length !== plotlyHas) return true;
  for (let i = 0; i < plotlyHas; i++) {
    if (!samePoint(target[i], drawn.base[i])) return true;
  }
  if (form === "all") return false;
  const newest = target[n - 1];
  if (newest.t !== drawn.newest.t || !axes) return true;
  return following && !fits(newest, axes, drawn.mode);
}

/** Whether the chart follows the live edge after plotly relayout `event` (the user's view). */
export function followingAfter(event, following) {
  if (event["xaxis.autorange"] === true) return true;
  if ("xaxis.range[0]" in event || "xaxis.range[1]" in event || "xaxis.range" in event) {
    return false; // the user zoomed or panned away from the live edge
  }
  return following;
}
