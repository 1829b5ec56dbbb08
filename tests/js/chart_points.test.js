import { describe, expect, test } from "bun:test";
import {
  DEFAULT_MAX_POINTS,
  DEFAULT_SPACING_MS,
  applyPoints,
  isPoint,
  maxPointsOf,
  priceSpan,
  samePoint,
  spacingOf,
  trim,
  windowPoints,
} from "../../marketpulse/components/chart_points.js";
import { MINUTE, T0, bar, bars } from "./support.js";

const starts = (points) => points.map((p) => (p.t - T0) / MINUTE);

describe("applyPoints", () => {
  test("appends a newer bar", () => {
    const points = bars(2);
    expect(applyPoints(points, [bar(2)], 10)).toBe(true);
    expect(starts(points)).toEqual([0, 1, 2]);
  });

  test("replaces the newest bar by t, changed only if a value differs", () => {
    const points = bars(2);
    expect(applyPoints(points, [bar(1)], 10)).toBe(false);
    const moved = bar(1, { c: 101 });
    expect(applyPoints(points, [moved], 10)).toBe(true);
    expect(points).toHaveLength(2);
    expect(points[1]).toBe(moved);
  });

  test("replaces an older bar in place", () => {
    const points = bars(10);
    const moved = bar(3, { c: 97 });
    expect(applyPoints(points, [moved], 10)).toBe(true);
    expect(starts(points)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(points[3]).toBe(moved);
    expect(applyPoints(points, [bar(3, { c: 97 })], 10)).toBe(false);
  });

  test("inserts a missing older bar in order", () => {
    const points = [bar(0), bar(1), bar(4), bar(5)];
    expect(applyPoints(points, [bar(3), bar(2)], 10)).toBe(true);
    expect(starts(points)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test("skips anything that is not a point", () => {
    const points = bars(2);
    const junk = [null, undefined, 3, "x", {}, { t: "1" }, [bar(5)]];
    expect(applyPoints(points, junk, 10)).toBe(false);
    expect(starts(points)).toEqual([0, 1]);
  });

  test("trims the oldest bars past max, which is a change", () => {
    const points = bars(3);
    expect(applyPoints(points, [], 2)).toBe(true);
    expect(starts(points)).toEqual([1, 2]);
    expect(applyPoints(points, [bar(3)], 2)).toBe(true);
    expect(starts(points)).toEqual([2, 3]);
  });

  test("agrees with a model of replace-or-insert-then-trim over random tails", () => {
    // The model is tests/unit/test_charting.py's apply_tail, which the server side is proven against.
    const model = (drawn, tail, max) => {
      for (const p of tail) {
        const at = drawn.findIndex((q) => q.t === p.t);
        if (at >= 0) drawn[at] = p;
        else {
          drawn.push(p);
          drawn.sort((a, b) => a.t - b.t);
        }
      }
      drawn.splice(0, Math.max(0, drawn.length - max));
    };
    let seed = 42; // mulberry32: a seeded generator, so a failure replays
    const random = (n) => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) % n;
    };
    for (let run = 0; run < 200; run++) {
      const max = 1 + random(6);
      const points = [];
      const expected = [];
      for (let flush = 0; flush < 20; flush++) {
        const tail = Array.from({ length: random(4) }, () => bar(random(12), { c: 95 + random(10) }));
        const before = JSON.stringify(points);
        const changed = applyPoints(points, tail, max);
        model(expected, tail, max);
        expect(points).toEqual(expected);
        // A change is never missed (it would go undrawn); a trimmed insert may report one.
        if (JSON.stringify(points) !== before) expect(changed).toBe(true);
      }
    }
  });
});

describe("windowPoints", () => {
  test("sorts a window by t, skips non-points and keeps the newest max", () => {
    const window = [bar(3), null, bar(0), bar(2), { t: "x" }, bar(1)];
    expect(starts(windowPoints(window, 3))).toEqual([1, 2, 3]);
  });

  test("takes anything but an array as empty", () => {
    expect(windowPoints(undefined, 5)).toEqual([]);
    expect(windowPoints({ t: T0 }, 5)).toEqual([]);
  });
});

test("trim drops the oldest past max and says whether it did", () => {
  const points = bars(4);
  expect(trim(points, 4)).toBe(false);
  expect(trim(points, 1)).toBe(true);
  expect(starts(points)).toEqual([3]);
});

test("maxPointsOf takes a whole count of at least 1, else the default", () => {
  expect(maxPointsOf(120)).toBe(120);
  expect(maxPointsOf("50")).toBe(50);
  expect(maxPointsOf(2.7)).toBe(2);
  expect(maxPointsOf(1)).toBe(1);
  for (const bad of [0, 0.5, -3, NaN, Infinity, undefined, "many"]) {
    expect(maxPointsOf(bad)).toBe(DEFAULT_MAX_POINTS);
  }
});

test("isPoint and samePoint", () => {
  expect(isPoint(bar(0))).toBe(true);
  expect(isPoint({ t: 1 })).toBe(true);
  expect(isPoint(null)).toBe(false);
  expect(isPoint({ t: "1" })).toBe(false);
  expect(samePoint(bar(0), bar(0))).toBe(true);
  for (const field of ["o", "h", "l", "c", "v"]) {
    expect(samePoint(bar(0), { ...bar(0), [field]: 1 })).toBe(false);
  }
  expect(samePoint(bar(0), bar(1))).toBe(false);
});

describe("spacingOf", () => {
  test("is the smallest positive gap between bar starts", () => {
    const points = [bar(0), bar(5), bar(7), bar(10)];
    expect(spacingOf(points)).toBe(2 * MINUTE);
    const seconds = [0, 1000, 2000, 5000].map((t) => ({ ...bar(0), t: T0 + t }));
    expect(spacingOf(seconds)).toBe(1000);
  });

  test("ignores repeated starts and defaults to a minute under two bars", () => {
    expect(spacingOf([bar(0), bar(0), bar(3)])).toBe(3 * MINUTE);
    expect(spacingOf([bar(0)])).toBe(DEFAULT_SPACING_MS);
    expect(spacingOf([])).toBe(DEFAULT_SPACING_MS);
  });
});

describe("priceSpan", () => {
  test("is high minus low over the drawn bars and the forming one", () => {
    const plotted = [bar(0, { h: 105, l: 99 }), bar(1, { h: 103, l: 97 })];
    expect(priceSpan(plotted, bar(2, { h: 104, l: 100 }))).toBe(8);
    expect(priceSpan(plotted, bar(2, { h: 110, l: 90 }))).toBe(20);
  });

  test("is at least a cent", () => {
    expect(priceSpan([bar(0)], bar(1))).toBe(0.01);
    expect(priceSpan([], bar(1, { h: 100.004, l: 100 }))).toBe(0.01);
  });
});
