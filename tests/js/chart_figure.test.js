import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  CONFIG,
  VOLUME_FILL,
  candleHalfMs,
  figure,
  modeOf,
} from "../../marketpulse/components/chart_figure.js";
import { paletteOf } from "../../marketpulse/components/chart_palette.js";
import { MINUTE, T0, bar } from "./support.js";

const pal = paletteOf("dark", "red-green");
const look = (extra = {}) => ({
  mode: "candles",
  pal,
  spacing: MINUTE,
  uirevision: "3:1",
  datarevision: 7,
  ...extra,
});
// Up, down, up: closes against opens.
const plotted = [
  bar(0, { o: 100, c: 102, h: 103, l: 99, v: 10 }),
  bar(1, { o: 102, c: 101, h: 104, l: 98, v: 20 }),
  bar(2, { o: 101, c: 101, h: 101, l: 101, v: 30 }),
];
const newest = bar(3, { o: 101, c: 103, h: 105, l: 100, v: 40 });

const zone = process.env.TZ;
beforeAll(() => {
  process.env.TZ = "UTC"; // plotly's axis times are then the bar starts themselves
});
afterAll(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

describe("figure, candles", () => {
  const candles = () => figure(plotted, null, look()).data;

  test("draws every given bar as a candle at its start", () => {
    const data = candles();
    const [price] = data;
    expect(data).toHaveLength(2);
    expect(price.type).toBe("candlestick");
    expect(price.x).toEqual([T0, T0 + MINUTE, T0 + 2 * MINUTE]);
    expect(price.open).toEqual([100, 102, 101]);
    expect(price.high).toEqual([103, 104, 101]);
    expect(price.low).toEqual([99, 98, 101]);
    expect(price.close).toEqual([102, 101, 101]);
    expect(price.increasing.fillcolor).toBe(pal.up);
    expect(price.decreasing.fillcolor).toBe(pal.down);
  });

  test("draws volume on the second axis, coloured by each bar's direction", () => {
    const [price, volume] = candles();
    expect(volume.type).toBe("bar");
    expect(volume.yaxis).toBe("y2");
    expect(volume.x).toEqual(price.x);
    expect(volume.y).toEqual([10, 20, 30]);
    // A flat bar (close == open) counts as up.
    expect(volume.marker.color).toEqual([pal.up, pal.down, pal.up]);
    expect(volume.width).toBe(MINUTE * VOLUME_FILL);
  });

  test("formats prices with two decimals in the hover label", () => {
    const [price] = candles();
    expect(price.hovertemplate).toContain("%{close:,.2f}");
  });
});

describe("figure, line", () => {
  test("draws the closes as one line in the palette's line colour", () => {
    const [price] = figure(plotted, null, look({ mode: "line" })).data;
    expect(price.type).toBe("scatter");
    expect(price.mode).toBe("lines");
    expect(price.y).toEqual([102, 101, 101]);
    expect(price.line.color).toBe(pal.line);
    expect(price.open).toBeUndefined();
  });
});

describe("figure with the newest bar left to the overlay", () => {
  test("adds invisible extents so autorange covers the newest bar with headroom", () => {
    const { data } = figure(plotted, newest, look());
    expect(data).toHaveLength(4);
    const [, , priceExtent, volumeExtent] = data;
    for (const trace of [priceExtent, volumeExtent]) {
      expect(trace.opacity).toBe(0);
      expect(trace.hoverinfo).toBe("skip");
      expect(trace.mode).toBe("lines"); // markers would pad the x range by 5%
    }
    const nx = newest.t;
    const half = candleHalfMs(MINUTE);
    expect(priceExtent.x).toEqual([nx - half, nx + half]);
    // Span over plotted and newest: 105 - 98 = 7; 6% of it either side of the newest bar.
    const pad = 0.06 * 7;
    expect(priceExtent.y[0]).toBeCloseTo(100 - pad, 10);
    expect(priceExtent.y[1]).toBeCloseTo(105 + pad, 10);
    expect(volumeExtent.yaxis).toBe("y2");
    expect(volumeExtent.y).toEqual([40 * 1.25]);
  });

  test("pads around the close in line mode", () => {
    const [, , priceExtent] = figure(plotted, newest, look({ mode: "line" })).data;
    const pad = 0.06 * 7;
    expect(priceExtent.y[0]).toBeCloseTo(103 - pad, 10);
    expect(priceExtent.y[1]).toBeCloseTo(103 + pad, 10);
  });

  test("candle bodies are 70% of the spacing, as plotly draws them with boxgap", () => {
    expect(candleHalfMs(MINUTE)).toBeCloseTo(0.35 * MINUTE, 6);
    expect(figure(plotted, newest, look()).layout.boxgap).toBe(0.3);
  });
});

describe("figure layout", () => {
  test("carries the revisions plotly keeps zoom and redraws by", () => {
    const { layout } = figure(plotted, null, look());
    expect(layout.uirevision).toBe("3:1");
    expect(layout.datarevision).toBe(7);
  });

  test("paints in the palette", () => {
    const { layout } = figure(plotted, null, look());
    expect(layout.paper_bgcolor).toBe(pal.background);
    expect(layout.plot_bgcolor).toBe(pal.background);
    expect(layout.font.color).toBe(pal.text);
    expect(layout.xaxis.gridcolor).toBe(pal.grid);
    expect(layout.yaxis.tickfont.color).toBe(pal.muted);
  });

  test("puts price above volume, both on the right, volume from zero", () => {
    const { layout } = figure(plotted, null, look());
    expect(layout.yaxis.domain[0]).toBeGreaterThan(layout.yaxis2.domain[1]);
    expect(layout.yaxis.side).toBe("right");
    expect(layout.yaxis2.rangemode).toBe("tozero");
    expect(layout.yaxis2.fixedrange).toBe(true);
    expect(layout.yaxis.tickformat).toBe(",.2f");
  });

  test("shows seconds in the hover time only for sub-minute bars", () => {
    expect(figure(plotted, null, look()).layout.xaxis.hoverformat).toBe("%b %d %H:%M");
    const seconds = figure(plotted, null, look({ spacing: 1000 })).layout.xaxis.hoverformat;
    expect(seconds).toBe("%b %d %H:%M:%S");
  });

  test("has no mode bar (its buttons would nest in role=img) and no responsive hook", () => {
    const fig = figure(plotted, null, look());
    expect(fig.config).toBe(CONFIG);
    expect(CONFIG.displayModeBar).toBe(false);
    expect(CONFIG.responsive).toBe(false);
  });

  test("draws an empty window", () => {
    const { data } = figure([], null, look());
    expect(data[0].x).toEqual([]);
    expect(data[1].y).toEqual([]);
  });
});

test("modeOf takes line as line and anything else as candles", () => {
  expect(modeOf("line")).toBe("line");
  expect(modeOf("candles")).toBe("candles");
  expect(modeOf(undefined)).toBe("candles");
  expect(modeOf("bars")).toBe("candles");
});
