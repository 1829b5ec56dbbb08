/**
 * The newest bar drawn over plotly's plot: `newestBar()` works out its shapes (a candle or a
 * line segment from the previous close, and its volume bar) in pixels, purely, from the axis
 * mappings that plotly_adapter.js reads; `Overlay` writes them into the overlay's SVG.
 *
 * `axes` is what `readAxes()` returns: `x`, `price` and `volume` map a value to pixels
 * within their plot area; `priceArea()` and `volumeArea()` are those areas in the container.
 */
import { localMs } from "./chart_format.js";
import {
  CANDLE_LINE_WIDTH,
  PRICE_LINE_WIDTH,
  VOLUME_FILL,
  candleHalfMs,
} from "./chart_figure.js";

/** The SVG attributes of bar `p` (after `prev`) as plotly would draw it: {segment} or {body, wick}, and {bar}. */
export function newestBar(p, prev, { mode, pal, spacing }, axes) {
  const colour = p.c >= p.o ? pal.up : pal.down;
  const x = localMs(p.t);
  const cx = axes.x(x);
  const shapes = {};
  if (mode === "line") {
    shapes.segment = {
      d: `M${axes.x(localMs(prev.t))},${axes.price(prev.c)}L${cx},${axes.price(p.c)}`,
      stroke: pal.line,
      "stroke-width": PRICE_LINE_WIDTH,
    };
  } else {
    const half = Math.abs(axes.x(x + candleHalfMs(spacing)) - cx);
    const top = axes.price(Math.max(p.o, p.c));
    const bottom = axes.price(Math.min(p.o, p.c));
    shapes.body = {
      x: cx - half,
      y: top,
      width: 2 * half,
      height: Math.max(bottom - top, 1),
      fill: colour,
      stroke: colour,
      "stroke-width": CANDLE_LINE_WIDTH,
    };
    shapes.wick = {
      x1: cx,
      x2: cx,
      y1: axes.price(p.h),
      y2: axes.price(p.l),
      stroke: colour,
      "stroke-width": CANDLE_LINE_WIDTH,
    };
  }
  const barHalf = Math.abs(axes.x(x + (spacing * VOLUME_FILL) / 2) - cx);
  const barTop = axes.volume(p.v);
  shapes.bar = {
    x: cx - barHalf,
    y: barTop,
    width: 2 * barHalf,
    height: Math.max(axes.volume(0) - barTop, 0),
    fill: colour,
  };
  return shapes;
}

function setAttrs(el, attrs) {
  for (const key in attrs) el.setAttribute(key, attrs[key]);
}

/** The overlay's SVG (as rendered by live_chart.jsx): hidden, or showing one bar. */
export class Overlay {
  constructor(svg) {
    this.svg = svg;
    const find = (selector) => svg.querySelector(selector);
    this.price = find('[data-area="price"]');
    this.volume = find('[data-area="volume"]');
    this.body = find('[data-shape="body"]');
    this.wick = find('[data-shape="wick"]');
    this.segment = find('[data-shape="segment"]');
    this.bar = find('[data-shape="bar"]');
  }

  hide() {
    this.svg.style.visibility = "hidden";
  }

  /** Show `shapes` (from `newestBar`) over the plot areas of `axes`. */
  show(shapes, axes) {
    setAttrs(this.price, axes.priceArea());
    setAttrs(this.volume, axes.volumeArea());
    const line = Boolean(shapes.segment);
    this.segment.style.display = line ? "" : "none";
    this.body.style.display = line ? "none" : "";
    this.wick.style.display = line ? "none" : "";
    if (line) {
      setAttrs(this.segment, shapes.segment);
    } else {
      setAttrs(this.body, shapes.body);
      setAttrs(this.wick, shapes.wick);
    }
    setAttrs(this.bar, shapes.bar);
    this.svg.style.visibility = "visible";
  }
}
