/** Shared fixtures for the chart's JS tests: bars one minute apart from a fixed start. */
export const T0 = 1767225600000; // 2026-01-01T00:00:00Z
export const MINUTE = 60000;

/** Bar `i` (start T0 + i minutes), flat at 100 unless told otherwise. */
export function bar(i, { o = 100, h, l, c = 100, v = 10 } = {}) {
  return { t: T0 + i * MINUTE, o, h: h ?? Math.max(o, c), l: l ?? Math.min(o, c), c, v };
}

export const bars = (n, fields) => Array.from({ length: n }, (_, i) => bar(i, fields));
