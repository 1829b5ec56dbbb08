/**
 * The live chart's bar data: what a point is, folding windows and tails into the sorted
 * points by `t`, the trim to the newest `max`, and the measures taken over points (bar
 * spacing, price span). Pure: no DOM, no plotly.
 *
 * A point is a ChartPoint {t, o, h, l, c, v}, t = the bar's start in ms since the epoch.
 */

export const DEFAULT_MAX_POINTS = 300;
export const DEFAULT_SPACING_MS = 60000;

export const isPoint = (p) => p !== null && typeof p === "object" && typeof p.t === "number";

export const samePoint = (a, b) =>
  a === b ||
  (a.t === b.t && a.o === b.o && a.h === b.h && a.l === b.l && a.c === b.c && a.v === b.v);

/** The `maxPoints` prop as a bar count: a whole number of at least 1, else the default. */
export function maxPointsOf(value) {
  const max = Number(value);
  return Number.isFinite(max) && max >= 1 ? Math.floor(max) : DEFAULT_MAX_POINTS;
}

/** Drop the oldest of the sorted `points` (in place) past `max`; whether any were dropped. */
export function trim(points, max) {
  if (points.length <= max) return false;
  points.splice(0, points.length - max);
  return true;
}

/** Fold `incoming` into the sorted `points` in place, by t; trim to the newest `max`. */
export function applyPoints(points, incoming, max) {
  let changed = false;
  for (const p of incoming) {
    if (!isPoint(p)) continue;
    const n = points.length;
    if (n === 0 || p.t > points[n - 1].t) {
      points.push(p);
      changed = true;
    } else if (p.t === points[n - 1].t) {
      changed = changed || !samePoint(points[n - 1], p);
      points[n - 1] = p;
    } else {
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (points[mid].t < p.t) lo = mid + 1;
        else hi = mid;
      }
      if (points[lo].t === p.t) {
        changed = changed || !samePoint(points[lo], p);
        points[lo] = p;
      } else {
        points.splice(lo, 0, p);
        changed = true;
      }
    }
  }
  if (trim(points, max)) changed = true;
  return changed;
}

/** A whole window (any order, non-points skipped) as sorted points, the newest `max` of them. */
export function windowPoints(window, max) {
  const incoming = (Array.isArray(window) ? window : []).filter(isPoint);
  incoming.sort((a, b) => a.t - b.t);
  const points = [];
  applyPoints(points, incoming, max);
  return points;
}

/** The smallest gap between bar starts: what plotly sizes candles and bars by. */
export function spacingOf(points) {
  let best = Infinity;
  for (let i = 1; i < points.length; i++) {
    const d = points[i].t - points[i - 1].t;
    if (d > 0 && d < best) best = d;
  }
  return best === Infinity ? DEFAULT_SPACING_MS : best;
}

/** High minus low over the drawn bars and the forming one (at least a cent). */
export function priceSpan(plotted, newest) {
  let high = newest.h;
  let low = newest.l;
  for (const p of plotted) {
    if (p.h > high) high = p.h;
    if (p.l < low) low = p.l;
  }
  return Math.max(high - low, 0.01);
}
