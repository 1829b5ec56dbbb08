import { describe, expect, test } from "bun:test";
import {
  MIN_OVERLAY_POINTS,
  fits,
  followingAfter,
  formOf,
  needsPlotly,
} from "../../marketpulse/components/chart_redraw.js";
import { bar, bars } from "./support.js";

// Axes as plotly_adapter.readAxes gives them; only the ranges matter here.
const axes = { priceRange: [90, 110], volumeRange: [0, 100] };
const STYLE = "candles|light|red-green|0:0|300";

/** What plotly was given after drawing `target` in the live form. */
function drawnLive(target, extra = {}) {
  return {
    styleKey: STYLE,
    form: "live",
    mode: "candles",
    base: target.slice(0, -1),
    newest: target[target.length - 1],
    ...extra,
  };
}

const live = { form: "live", styleKey: STYLE, following: true };

test("formOf: plotly draws every bar while hovered or under the overlay's minimum", () => {
  expect(formOf(false, MIN_OVERLAY_POINTS)).toBe("live");
  expect(formOf(false, 300)).toBe("live");
  expect(formOf(true, 300)).toBe("all");
  expect(formOf(false, MIN_OVERLAY_POINTS - 1)).toBe("all");
  expect(formOf(false, 0)).toBe("all");
});

describe("fits", () => {
  test("a bar inside both ranges fits", () => {
    expect(fits(bar(0, { h: 109, l: 91, v: 99 }), axes, "candles")).toBe(true);
    expect(fits(bar(0, { h: 110, l: 90, v: 100 }), axes, "candles")).toBe(true);
  });

  test("a bar past the price range or the volume top does not", () => {
    expect(fits(bar(0, { h: 111, l: 95 }), axes, "candles")).toBe(false);
    expect(fits(bar(0, { h: 100, l: 89 }), axes, "candles")).toBe(false);
    expect(fits(bar(0, { v: 101 }), axes, "candles")).toBe(false);
  });

  test("in line mode only the close counts", () => {
    const wide = bar(0, { o: 100, c: 100, h: 120, l: 80 });
    expect(fits(wide, axes, "line")).toBe(true);
    expect(fits(wide, axes, "candles")).toBe(false);
    expect(fits(bar(0, { o: 100, c: 111 }), axes, "line")).toBe(false);
  });

  test("nothing fits unknown axes", () => {
    expect(fits(bar(0), null, "candles")).toBe(false);
  });
});

describe("needsPlotly", () => {
  const target = bars(5);

  test("before the first draw, and when the look or the form changes", () => {
    expect(needsPlotly(null, axes, target, live)).toBe(true);
    const drawn = drawnLive(target);
    expect(needsPlotly(drawn, axes, target, { ...live, styleKey: "line|light" })).toBe(true);
    expect(needsPlotly(drawn, axes, target, { ...live, form: "all" })).toBe(true);
  });

  test("not when only the newest bar moves within the drawn ranges: the overlay draws it", () => {
    const drawn = drawnLive(target);
    const moved = [...target.slice(0, -1), bar(4, { c: 104, h: 105 })];
    expect(needsPlotly(drawn, axes, moved, live)).toBe(false);
  });

  test("when a bar is added or an older bar changes", () => {
    const drawn = drawnLive(target);
    expect(needsPlotly(drawn, axes, [...target, bar(5)], live)).toBe(true);
    const older = target.slice();
    older[1] = bar(1, { c: 99 });
    expect(needsPlotly(drawn, axes, older, live)).toBe(true);
  });

  test("when the newest bar is a different bar than the overlay's", () => {
    const drawn = drawnLive(target);
    const shifted = [...target.slice(0, -1), bar(6)];
    expect(needsPlotly(drawn, axes, shifted, live)).toBe(true);
  });

  test("when the newest bar leaves the ranges while following, not when zoomed away", () => {
    const drawn = drawnLive(target);
    const high = [...target.slice(0, -1), bar(4, { c: 115 })];
    expect(needsPlotly(drawn, axes, high, live)).toBe(true);
    expect(needsPlotly(drawn, axes, high, { ...live, following: false })).toBe(false);
  });

  test("when plotly's axes could not be read", () => {
    expect(needsPlotly(drawnLive(target), null, target, live)).toBe(true);
  });

  test("in the all form, only when a bar differs", () => {
    const drawn = { styleKey: STYLE, form: "all", mode: "candles", base: target, newest: null };
    const all = { ...live, form: "all" };
    expect(needsPlotly(drawn, null, target.slice(), all)).toBe(false);
    expect(needsPlotly(drawn, null, [...target.slice(0, -1), bar(4, { c: 101 })], all)).toBe(true);
  });
});

describe("followingAfter", () => {
  test("a reset of the axes follows the live edge again", () => {
    expect(followingAfter({ "xaxis.autorange": true }, false)).toBe(true);
  });

  test("a zoom or pan of the time axis stops following", () => {
    expect(followingAfter({ "xaxis.range[0]": 1, "xaxis.range[1]": 2 }, true)).toBe(false);
    expect(followingAfter({ "xaxis.range": [1, 2] }, true)).toBe(false);
  });

  test("anything else keeps the current state", () => {
    expect(followingAfter({ autosize: true }, true)).toBe(true);
    expect(followingAfter({ "yaxis.range[0]": 1 }, false)).toBe(false);
    expect(followingAfter({ "xaxis.autorange": false }, false)).toBe(false);
  });
});
