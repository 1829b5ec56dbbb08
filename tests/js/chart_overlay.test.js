import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Overlay, newestBar } from "../../marketpulse/components/chart_overlay.js";
import { paletteOf } from "../../marketpulse/components/chart_palette.js";
import { MINUTE, T0, bar } from "./support.js";

const pal = paletteOf("light", "blue-orange");
// Linear axes: 1 px per second from T0; price 200 px at 0, 1 px per unit up; volume 50 px at 0.
const axes = {
  x: (ms) => (ms - T0) / 1000,
  price: (value) => 200 - value,
  volume: (value) => 50 - value / 10,
  priceArea: () => ({ x: 24, y: 8, width: 600, height: 200 }),
  volumeArea: () => ({ x: 24, y: 250, width: 600, height: 60 }),
};
const look = (mode) => ({ mode, pal, spacing: MINUTE });

const zone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = "UTC";
});
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe("newestBar, candles", () => {
  test("an up candle: body from open to close, 70% of the spacing wide, wick high to low", () => {
    const shapes = newestBar(bar(2, { o: 100, c: 104, h: 106, l: 99, v: 300 }), bar(1), look("candles"), axes);
    expect(shapes.segment).toBeUndefined();
    const cx = 120; // two minutes after T0
    const half = 21; // 0.35 * 60 s
    expect(shapes.body.x).toBeCloseTo(cx - half, 9);
    expect(shapes.body.width).toBeCloseTo(2 * half, 9);
    expect(shapes.body.y).toBe(200 - 104);
    expect(shapes.body.height).toBe(4);
    expect(shapes.body.fill).toBe(pal.up);
    expect(shapes.wick).toEqual({
      x1: cx,
      x2: cx,
      y1: 200 - 106,
      y2: 200 - 99,
      stroke: pal.up,
      "stroke-width": 1,
    });
  });

  test("a down candle takes the down colour, a flat one the up colour and 1 px", () => {
    const down = newestBar(bar(2, { o: 104, c: 100 }), bar(1), look("candles"), axes);
    expect(down.body.fill).toBe(pal.down);
    expect(down.bar.fill).toBe(pal.down);
    expect(down.body.height).toBe(4);
    const flat = newestBar(bar(2, { o: 100, c: 100 }), bar(1), look("candles"), axes);
    expect(flat.body.fill).toBe(pal.up);
    expect(flat.body.height).toBe(1);
  });

  test("its volume bar: 70% of the spacing wide, from zero to the volume", () => {
    const { bar: volume } = newestBar(bar(2, { v: 300 }), bar(1), look("candles"), axes);
    expect(volume.x).toBeCloseTo(120 - 21, 9);
    expect(volume.width).toBeCloseTo(42, 9);
    expect(volume.y).toBe(20);
    expect(volume.height).toBe(30);
  });

  test("a volume bar is never of negative height", () => {
    const { bar: volume } = newestBar(bar(2, { v: -10 }), bar(1), look("candles"), axes);
    expect(volume.height).toBe(0);
  });
});

describe("newestBar, line", () => {
  test("a segment from the previous close to this close, in the line colour", () => {
    const shapes = newestBar(bar(2, { c: 104 }), bar(1, { c: 101 }), look("line"), axes);
    expect(shapes.body).toBeUndefined();
    expect(shapes.wick).toBeUndefined();
    expect(shapes.segment).toEqual({ d: "M60,99L120,96", stroke: pal.line, "stroke-width": 1.5 });
    expect(shapes.bar.fill).toBe(pal.up);
  });
});

/** A stand-in for an SVG element: its attributes and style. */
function element() {
  return {
    attrs: {},
    style: {},
    setAttribute(key, value) {
      this.attrs[key] = String(value);
    },
  };
}

/** The overlay's SVG as live_chart.jsx renders it: two plot areas and four shapes. */
function overlaySvg() {
  const parts = {};
  for (const area of ["price", "volume"]) parts[`[data-area="${area}"]`] = element();
  for (const shape of ["body", "wick", "segment", "bar"]) parts[`[data-shape="${shape}"]`] = element();
  return { ...element(), parts, querySelector: (selector) => parts[selector] };
}

describe("Overlay", () => {
  test("shows a candle over the plot areas, the segment hidden", () => {
    const svg = overlaySvg();
    const overlay = new Overlay(svg);
    overlay.show(newestBar(bar(2, { o: 100, c: 104 }), bar(1), look("candles"), axes), axes);
    expect(svg.style.visibility).toBe("visible");
    expect(svg.parts['[data-area="price"]'].attrs).toEqual({ x: "24", y: "8", width: "600", height: "200" });
    expect(svg.parts['[data-area="volume"]'].attrs.y).toBe("250");
    expect(svg.parts['[data-shape="segment"]'].style.display).toBe("none");
    expect(svg.parts['[data-shape="body"]'].style.display).toBe("");
    expect(svg.parts['[data-shape="body"]'].attrs.height).toBe("4");
    expect(svg.parts['[data-shape="bar"]'].attrs.fill).toBe(pal.up);
  });

  test("switches to a line segment, hiding the candle", () => {
    const svg = overlaySvg();
    const overlay = new Overlay(svg);
    overlay.show(newestBar(bar(2), bar(1), look("candles"), axes), axes);
    overlay.show(newestBar(bar(2, { c: 104 }), bar(1), look("line"), axes), axes);
    expect(svg.parts['[data-shape="body"]'].style.display).toBe("none");
    expect(svg.parts['[data-shape="wick"]'].style.display).toBe("none");
    expect(svg.parts['[data-shape="segment"]'].style.display).toBe("");
    expect(svg.parts['[data-shape="segment"]'].attrs.d).toBe("M60,100L120,96");
  });

  test("hides", () => {
    const svg = overlaySvg();
    new Overlay(svg).hide();
    expect(svg.style.visibility).toBe("hidden");
  });
});
