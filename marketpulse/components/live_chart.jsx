/**
 * LiveChart: a real-time OHLCV chart over plotly.js that is drawn once per `revision` and then
 * kept current from small `tail`s, so a tick costs ~100 bytes on the wire, not the figure.
 *
 * Props (all optional): `window` (ChartPoint[]: {t, o, h, l, c, v}, t = bar start in ms),
 * taken whole when `revision` changes; `tail` (ChartPoint[]), applied by `t` whenever it
 * changes: replace the point with that t, append a newer one, trim to `maxPoints`;
 * `mode` ("candles" | "line"); `paused` (hold the drawing, keep collecting); `goLive` (a counter:
 * a change re-follows the newest bar and drops the hover hold); `theme` ("light" | "dark");
 * `scheme` ("red-green" | "blue-orange"); `maxPoints`; `label` (what the chart shows, e.g.
 * "AAPL 1m price chart"; the last drawn price is appended for the accessible name).
 *
 * Drawing, and why it has two paths. A plotly.js redraw of 300 candles plus volume costs
 * ~20-30 ms of main thread however it is triggered (`react`, `extendTraces`, `restyle` all
 * replot every trace), while most ticks only move the forming (newest) bar. So plotly draws
 * every bar but the newest (plus an invisible "extent" trace so its autorange still covers it),
 * and the newest bar is drawn on a small SVG overlay positioned with plotly's own axis
 * mappings: a forming-bar tick is a few attribute writes. Plotly redraws (`Plotly.react` with
 * a bumped `datarevision`) when a bar is added, an older bar changes, the newest bar leaves
 * the drawn axis ranges, or the look changes. While the pointer is over the chart (or
 * `paused`) nothing new is drawn; the chart is then redrawn whole by plotly so its hover
 * labels cover the newest bar too, and catches up on leave (or resume).
 *
 * Interaction: drag to zoom (the chart then stops following the live edge until `goLive`
 * changes or a double-click resets the axes); hover for a unified crosshair label. There is
 * no plotly mode bar: see CONFIG.
 *
 * DOM hooks on the container (stable, for tests): data-testid="live-chart", data-points,
 * data-last-t, data-paused, data-mode, data-following, data-revision; diagnostics:
 * data-draws (plotly redraws), data-overlays (overlay-only updates), data-draw-ms (main-thread
 * ms of the last update).
 */
import { useEffect, useLayoutEffect, useRef } from "react";
import Plotly from "plotly.js-dist-min";

const HEIGHT = 320;
const PRICE_DOMAIN = [0.3, 1];
const VOLUME_DOMAIN = [0, 0.22];
// Candle bodies are 70% of the bar spacing: plotly's half-width is spacing / 2 * (1 - boxgap)
// when boxgroupgap is 0, and the overlay draws the newest candle with the same formula.
const BOX_GAP = 0.3;
const VOLUME_FILL = 0.7;
const CANDLE_LINE_WIDTH = 1;
const PRICE_LINE_WIDTH = 1.5;
const PRICE_DECIMALS = 2;
const PRICE_FORMAT = `,.${PRICE_DECIMALS}f`;
// Fewer points than this and plotly draws them all: the overlay needs a previous bar.
const MIN_OVERLAY_POINTS = 3;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const DEFAULT_MAX_POINTS = 300;
const DEFAULT_SPACING_MS = 60000;
// A forming bar's volume only grows: leaving it 25% headroom on the volume axis saves a
// plotly redraw on most ticks of the bar that sets a new volume high.
const VOLUME_HEADROOM = 1.25;
const PRICE_HEADROOM = 0.06;
const CONFIG = {
  // No mode bar (so no logo either): the container is role="img", whose content is
  // presentational, and plotly 4's mode bar is a row of focusable buttons (axe-core:
  // nested-interactive). Drag to zoom, double-click to reset; "Go live" is the app's control.
  displayModeBar: false,
  displaylogo: false,
  responsive: false, // a ResizeObserver on the container also sees layout (not only window) changes
};

// Colours as JSON (tests/unit/test_charting.py checks each against its background for WCAG AA,
// 4.5:1). Backgrounds are Radix Themes' panel colours; the rest are close to Radix step 11.
const PALETTES = /* palette-json */ {
  "light": {
    "background": "#ffffff",
    "text": "#1c2024",
    "muted": "#60646c",
    "grid": "#e8e8ec",
    "line": "#3a5bc7",
    "red-green": { "up": "#1f7a52", "down": "#ce2c31" },
    "blue-orange": { "up": "#0d74ce", "down": "#bd4b00" }
  },
  "dark": {
    "background": "#18191b",
    "text": "#edeef0",
    "muted": "#b0b4ba",
    "grid": "#2b2d31",
    "line": "#9eb1ff",
    "red-green": { "up": "#3dd68c", "down": "#ff9592" },
    "blue-orange": { "up": "#70b8ff", "down": "#ffa057" }
  }
} /* end-palette-json */;

function paletteOf(theme, scheme) {
  const base = PALETTES[theme === "dark" ? "dark" : "light"];
  const sides = base[scheme === "blue-orange" ? "blue-orange" : "red-green"];
  return { ...base, up: sides.up, down: sides.down };
}

// Plotly has no time zones and draws date axes in UTC: shifting each bar start by the
// browser's offset at that instant (so DST is right) makes the axis read local time.
const localMs = (t) => t - new Date(t).getTimezoneOffset() * 60000;

const isPoint = (p) => p !== null && typeof p === "object" && typeof p.t === "number";

const samePoint = (a, b) =>
  a === b ||
  (a.t === b.t && a.o === b.o && a.h === b.h && a.l === b.l && a.c === b.c && a.v === b.v);

/** Fold `incoming` into the sorted `points` in place, by t; trim to the newest `max`. */
function applyPoints(points, incoming, max) {
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
  if (points.length > max) {
    points.splice(0, points.length - max);
    changed = true;
  }
  return changed;
}

/** The smallest gap between bar starts: what plotly sizes candles and bars by. */
function spacingOf(points) {
  let best = Infinity;
  for (let i = 1; i < points.length; i++) {
    const d = points[i].t - points[i - 1].t;
    if (d > 0 && d < best) best = d;
  }
  return best === Infinity ? DEFAULT_SPACING_MS : best;
}

/** High minus low over the drawn bars and the forming one (at least a cent). */
function priceSpan(plotted, newest) {
  let high = newest.h;
  let low = newest.l;
  for (const p of plotted) {
    if (p.h > high) high = p.h;
    if (p.l < low) low = p.l;
  }
  return Math.max(high - low, 0.01);
}

function figure(plotted, newest, { mode, pal, spacing, uirevision, datarevision }) {
  const n = plotted.length;
  const x = new Array(n);
  const o = new Array(n);
  const h = new Array(n);
  const l = new Array(n);
  const c = new Array(n);
  const v = new Array(n);
  const colours = new Array(n);
  for (let i = 0; i < n; i++) {
    const p = plotted[i];
    x[i] = localMs(p.t);
    o[i] = p.o;
    h[i] = p.h;
    l[i] = p.l;
    c[i] = p.c;
    v[i] = p.v;
    colours[i] = p.c >= p.o ? pal.up : pal.down;
  }
  const price =
    mode === "line"
      ? {
          type: "scatter",
          mode: "lines",
          name: "Close",
          x,
          y: c,
          line: { color: pal.line, width: PRICE_LINE_WIDTH },
          hovertemplate: `Close %{y:${PRICE_FORMAT}}<extra></extra>`,
        }
      : {
          type: "candlestick",
          name: "Price",
          x,
          open: o,
          high: h,
          low: l,
          close: c,
          whiskerwidth: 0,
          increasing: { line: { color: pal.up, width: CANDLE_LINE_WIDTH }, fillcolor: pal.up },
          decreasing: { line: { color: pal.down, width: CANDLE_LINE_WIDTH }, fillcolor: pal.down },
          hovertemplate:
            `O %{open:${PRICE_FORMAT}}  H %{high:${PRICE_FORMAT}}  ` +
            `L %{low:${PRICE_FORMAT}}  C %{close:${PRICE_FORMAT}}<extra></extra>`,
        };
  const volume = {
    type: "bar",
    name: "Volume",
    x,
    y: v,
    yaxis: "y2",
    width: spacing * VOLUME_FILL,
    marker: { color: colours, line: { width: 0 } },
    hovertemplate: "Vol %{y:,}<extra></extra>",
  };
  const data = [price, volume];
  if (newest) {
    // Invisible: only there so autorange leaves room for the overlay's newest bar. Lines,
    // not markers: plotly pads a markers trace's x range by 5% (15 empty bars at 300).
    const nx = localMs(newest.t);
    const half = (spacing / 2) * (1 - BOX_GAP);
    // Headroom above and below the forming bar, a share of the window's span: it may then grow
    // that far before the axis has to rescale (a plotly redraw), instead of at every new high.
    const top = mode === "line" ? newest.c : newest.h;
    const bottom = mode === "line" ? newest.c : newest.l;
    const pad = PRICE_HEADROOM * priceSpan(plotted, newest);
    const hidden = { type: "scatter", mode: "lines", opacity: 0, line: { width: 0 } };
    data.push(
      { ...hidden, x: [nx - half, nx + half], y: [bottom - pad, top + pad], hoverinfo: "skip" },
      { ...hidden, x: [nx], y: [newest.v * VOLUME_HEADROOM], yaxis: "y2", hoverinfo: "skip" },
    );
  }
  const axis = {
    gridcolor: pal.grid,
    linecolor: pal.grid,
    zeroline: false,
    tickfont: { color: pal.muted },
    // The default ("hide past div") measures every tick label on every draw (~4 ms).
    ticklabeloverflow: "allow",
  };
  const spikes = {
    showspikes: true,
    spikemode: "across",
    spikesnap: "cursor",
    spikethickness: 1,
    spikedash: "dot",
    spikecolor: pal.muted,
  };
  const layout = {
    height: HEIGHT,
    autosize: true,
    // Room for half a time label on the left (labels may overflow the plot, see the axes).
    margin: { l: 24, r: 64, t: 8, b: 24, pad: 0 },
    paper_bgcolor: pal.background,
    plot_bgcolor: pal.background,
    font: { family: FONT, size: 12, color: pal.text },
    showlegend: false,
    dragmode: "zoom",
    hovermode: "x unified",
    spikedistance: -1,
    hoverlabel: { bgcolor: pal.background, bordercolor: pal.muted, font: { color: pal.text } },
    boxgap: BOX_GAP,
    boxgroupgap: 0,
    uirevision,
    datarevision,
    xaxis: {
      ...axis,
      ...spikes,
      type: "date",
      anchor: "y2",
      autorange: true,
      rangeslider: { visible: false },
      // One line of tick labels (plotly's default adds the date on a second line); the
      // date is in the hover label instead.
      tickformatstops: [
        { dtickrange: [null, 60000], value: "%H:%M:%S" },
        { dtickrange: [60000, 86400000], value: "%H:%M" },
        { dtickrange: [86400000, null], value: "%b %d" },
      ],
      hoverformat: spacing < 60000 ? "%b %d %H:%M:%S" : "%b %d %H:%M",
    },
    yaxis: {
      ...axis,
      ...spikes,
      domain: PRICE_DOMAIN,
      side: "right",
      autorange: true,
      tickformat: PRICE_FORMAT,
      hoverformat: PRICE_FORMAT,
    },
    yaxis2: {
      ...axis,
      domain: VOLUME_DOMAIN,
      side: "right",
      autorange: true,
      rangemode: "tozero",
      fixedrange: true,
      tickformat: "~s",
      nticks: 3,
    },
  };
  return { data, layout };
}

function formatPrice(value) {
  return value.toLocaleString(undefined, {
    minimumFractionDigits: PRICE_DECIMALS,
    maximumFractionDigits: PRICE_DECIMALS,
  });
}

/** The chart's imperative half: data, drawing, hooks. One per mounted component. */
class ChartEngine {
  constructor(props) {
    this.props = props;
    this.points = []; // latest data, sorted by t
    this.drawnPoints = []; // what is on screen (plotly + overlay)
    this.base = []; // what plotly was last given
    this.newest = null; // the bar the overlay draws (null: plotly draws every bar)
    this.form = "";
    this.styleKey = "";
    this.plotted = false;
    this.paused = Boolean(props.paused);
    this.hover = false;
    this.following = true;
    this.forceShow = false;
    this.revisionSeen = props.revision ?? 0;
    this.goLiveSeen = props.goLive ?? 0;
    this.liveEpoch = 0;
    this.datarevision = 0;
    this.draws = 0;
    this.overlays = 0;
    this.lastDrawMs = 0;
    this.frame = 0;
    this.resizeFrame = 0;
    this.drawToken = 0;
    this.ranges = null;
    this.geometry = null;
    this.listening = false;
    this.alive = false;
  }

  get maxPoints() {
    const max = Number(this.props.maxPoints);
    return Number.isFinite(max) && max >= 1 ? Math.floor(max) : DEFAULT_MAX_POINTS;
  }

  get held() {
    return this.paused || this.hover;
  }

  attach(box, plot, overlay) {
    this.box = box;
    this.plot = plot;
    this.overlay = overlay;
    this.shapes = {
      price: overlay.querySelector('[data-area="price"]'),
      volume: overlay.querySelector('[data-area="volume"]'),
      body: overlay.querySelector('[data-shape="body"]'),
      wick: overlay.querySelector('[data-shape="wick"]'),
      segment: overlay.querySelector('[data-shape="segment"]'),
      bar: overlay.querySelector('[data-shape="bar"]'),
    };
    this.alive = true;
    this.onEnter = () => this.setHover(true);
    this.onLeave = () => this.setHover(false);
    box.addEventListener("pointerenter", this.onEnter);
    box.addEventListener("pointerleave", this.onLeave);
    this.observer = new ResizeObserver(() => this.scheduleResize());
    this.observer.observe(box);
    this.syncHooks();
    this.request();
  }

  detach() {
    this.alive = false;
    cancelAnimationFrame(this.frame);
    cancelAnimationFrame(this.resizeFrame);
    this.frame = 0;
    this.resizeFrame = 0;
    this.observer?.disconnect();
    this.box?.removeEventListener("pointerenter", this.onEnter);
    this.box?.removeEventListener("pointerleave", this.onLeave);
    if (this.plot) Plotly.purge(this.plot);
    this.plotted = false;
    this.listening = false;
    this.styleKey = "";
  }

  // -- inputs --------------------------------------------------------------------------------

  reset(windowPoints, revision) {
    const points = (Array.isArray(windowPoints) ? windowPoints : []).filter(isPoint);
    points.sort((a, b) => a.t - b.t);
    this.points = [];
    applyPoints(this.points, points, this.maxPoints);
    this.revisionSeen = revision ?? 0;
    this.following = true;
    // A reset is shown even while held: it is the user's own doing (new symbol, resume).
    this.forceShow = true;
    this.request();
  }

  applyTail(tail) {
    if (!Array.isArray(tail) || tail.length === 0) return;
    if (applyPoints(this.points, tail, this.maxPoints) && !this.held) this.request();
  }

  setPaused(paused) {
    if (this.paused === Boolean(paused)) return;
    this.paused = Boolean(paused);
    this.syncHooks();
    this.request();
  }

  setHover(hover) {
    if (this.hover === hover) return;
    this.hover = hover;
    this.syncHooks();
    this.request();
  }

  goLive(counter) {
    if (counter === this.goLiveSeen) return;
    this.goLiveSeen = counter;
    this.liveEpoch += 1; // a new uirevision: plotly forgets the user's zoom
    this.following = true;
    this.hover = false;
    this.request();
  }

  restyle() {
    if (this.points.length > this.maxPoints) {
      this.points.splice(0, this.points.length - this.maxPoints);
    }
    this.request();
  }

  // -- drawing -------------------------------------------------------------------------------

  request() {
    if (this.alive && !this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.draw();
      });
    }
  }

  draw() {
    if (!this.alive) return;
    const started = performance.now();
    const show = this.forceShow || !this.held;
    this.forceShow = false;
    const target = show ? this.points.slice() : this.drawnPoints;
    const { mode: rawMode, theme, scheme } = this.props;
    const mode = rawMode === "line" ? "line" : "candles";
    const uirevision = `${this.revisionSeen}:${this.liveEpoch}`;
    const styleKey = `${mode}|${theme}|${scheme}|${uirevision}|${this.maxPoints}`;
    const form = this.hover || target.length < MIN_OVERLAY_POINTS ? "all" : "live";
    if (this.needsPlotly(target, form, styleKey)) {
      this.plotlyDraw(target, form, styleKey, mode, uirevision);
    } else {
      this.drawOverlay(target);
      if (show) this.overlays += 1;
    }
    this.drawnPoints = target;
    this.lastDrawMs = performance.now() - started;
    this.syncHooks();
  }

  needsPlotly(target, form, styleKey) {
    if (!this.plotted || styleKey !== this.styleKey || form !== this.form) return true;
    const n = target.length;
    const plotlyHas = form === "live" ? n - 1 : n;
    if (this.base.length !== plotlyHas) return true;
    for (let i = 0; i < plotlyHas; i++) {
      if (!samePoint(target[i], this.base[i])) return true;
    }
    if (form === "all") return false;
    const newest = target[n - 1];
    if (newest.t !== this.newest.t || !this.geometry) return true;
    return this.following && !this.fits(newest);
  }

  /** Whether the newest bar lies inside the drawn axis ranges (else autorange must rerun). */
  fits(p) {
    if (!this.ranges) return false;
    const [y0, y1] = this.ranges.price;
    const top = this.mode === "line" ? p.c : p.h;
    const bottom = this.mode === "line" ? p.c : p.l;
    return bottom >= y0 && top <= y1 && p.v <= this.ranges.volume[1];
  }

  plotlyDraw(target, form, styleKey, mode, uirevision) {
    const pal = paletteOf(this.props.theme, this.props.scheme);
    const live = form === "live";
    const plotted = live ? target.slice(0, -1) : target;
    const newest = live ? target[target.length - 1] : null;
    const spacing = spacingOf(target);
    this.datarevision += 1;
    const { data, layout } = figure(plotted, newest, {
      mode,
      pal,
      spacing,
      uirevision,
      datarevision: this.datarevision,
    });
    this.base = plotted;
    this.newest = newest;
    this.form = form;
    this.styleKey = styleKey;
    this.mode = mode;
    this.pal = pal;
    this.spacing = spacing;
    this.plotted = true;
    this.draws += 1;
    this.hideOverlay();
    const token = ++this.drawToken;
    const failed = (error) => {
      // A failed draw must not leave a half-known state: the next update redraws whole.
      this.styleKey = "";
      console.error("live chart: plotly draw failed", error);
    };
    try {
      Plotly.react(this.plot, data, layout, CONFIG)
        .then(() => {
          if (!this.alive || token !== this.drawToken) return;
          this.listen();
          this.measure();
          if (this.newest) this.drawOverlay(this.drawnPoints);
        })
        .catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  listen() {
    if (this.listening || typeof this.plot.on !== "function") return;
    this.listening = true;
    this.plot.on("plotly_relayout", (event) => {
      if (!event) return;
      if (event["xaxis.autorange"] === true) {
        this.following = true;
      } else if (
        "xaxis.range[0]" in event ||
        "xaxis.range[1]" in event ||
        "xaxis.range" in event
      ) {
        this.following = false; // the user zoomed or panned away from the live edge
      }
      this.measure();
      if (this.form === "live" && this.newest) this.drawOverlay(this.drawnPoints);
      this.syncHooks();
    });
  }

  /** Read plotly's axis mappings after a draw; without them, plotly draws every update. */
  measure() {
    const full = this.plot._fullLayout;
    const xa = full?.xaxis;
    const ya = full?.yaxis;
    const va = full?.yaxis2;
    const usable = [xa, ya, va].every(
      (axis) => axis && typeof axis.l2p === "function" && Array.isArray(axis.range),
    );
    if (!usable) {
      this.ranges = null;
      this.geometry = null;
      return;
    }
    this.ranges = { price: ya.range.slice(), volume: va.range.slice() };
    this.geometry = { xa, ya, va };
  }

  hideOverlay() {
    if (this.overlay) this.overlay.style.visibility = "hidden";
  }

  /** Draw the newest bar (candle or line segment, and its volume) over plotly's plot. */
  drawOverlay(target) {
    const g = this.geometry;
    const n = target.length;
    if (!g || !this.newest || n < 2) {
      this.hideOverlay();
      return;
    }
    const { xa, ya, va } = g;
    const { price, volume, body, wick, segment, bar } = this.shapes;
    const p = target[n - 1];
    const prev = target[n - 2];
    const up = p.c >= p.o;
    const colour = up ? this.pal.up : this.pal.down;
    place(price, xa, ya);
    place(volume, xa, va);
    const x = localMs(p.t);
    const cx = xa.l2p(x);
    const candleHalf = (this.spacing / 2) * (1 - BOX_GAP);
    if (this.mode === "line") {
      body.style.display = "none";
      wick.style.display = "none";
      segment.style.display = "";
      segment.setAttribute(
        "d",
        `M${xa.l2p(localMs(prev.t))},${ya.l2p(prev.c)}L${cx},${ya.l2p(p.c)}`,
      );
      segment.setAttribute("stroke", this.pal.line);
      segment.setAttribute("stroke-width", PRICE_LINE_WIDTH);
    } else {
      segment.style.display = "none";
      body.style.display = "";
      wick.style.display = "";
      const half = Math.abs(xa.l2p(x + candleHalf) - cx);
      const top = ya.l2p(Math.max(p.o, p.c));
      const bottom = ya.l2p(Math.min(p.o, p.c));
      setAttrs(body, {
        x: cx - half,
        y: top,
        width: 2 * half,
        height: Math.max(bottom - top, 1),
        fill: colour,
        stroke: colour,
        "stroke-width": CANDLE_LINE_WIDTH,
      });
      setAttrs(wick, {
        x1: cx,
        x2: cx,
        y1: ya.l2p(p.h),
        y2: ya.l2p(p.l),
        stroke: colour,
        "stroke-width": CANDLE_LINE_WIDTH,
      });
    }
    const barHalf = Math.abs(xa.l2p(x + (this.spacing * VOLUME_FILL) / 2) - cx);
    const barTop = va.l2p(p.v);
    setAttrs(bar, {
      x: cx - barHalf,
      y: barTop,
      width: 2 * barHalf,
      height: Math.max(va.l2p(0) - barTop, 0),
      fill: colour,
    });
    this.overlay.style.visibility = "visible";
  }

  scheduleResize() {
    if (!this.alive || this.resizeFrame) return;
    this.resizeFrame = requestAnimationFrame(() => {
      this.resizeFrame = 0;
      if (!this.plotted) return;
      Plotly.Plots.resize(this.plot)
        .then(() => {
          this.measure();
          if (this.form === "live" && this.newest) this.drawOverlay(this.drawnPoints);
        })
        // Rejected when the chart is hidden (display: none): it is resized when shown again.
        .catch(() => {});
    });
  }

  syncHooks() {
    const box = this.box;
    if (!box) return;
    const drawn = this.drawnPoints;
    const last = drawn.length ? drawn[drawn.length - 1] : null;
    const hooks = {
      points: String(drawn.length),
      lastT: last ? String(last.t) : "",
      paused: String(this.held),
      mode: this.mode ?? (this.props.mode === "line" ? "line" : "candles"),
      following: String(this.following),
      revision: String(this.revisionSeen),
      draws: String(this.draws),
      overlays: String(this.overlays),
      drawMs: this.lastDrawMs.toFixed(2),
    };
    // Only changed attributes are written: each write is a style invalidation.
    for (const key in hooks) {
      if (box.dataset[key] !== hooks[key]) box.dataset[key] = hooks[key];
    }
    this.syncLabel();
  }

  syncLabel() {
    if (!this.box) return;
    const drawn = this.drawnPoints;
    const name = this.props.label || "Price chart";
    const price = drawn.length ? `, last ${formatPrice(drawn[drawn.length - 1].c)}` : ", no data yet";
    const text = `${name}${price}`;
    if (this.box.getAttribute("aria-label") !== text) this.box.setAttribute("aria-label", text);
  }
}

function place(svg, xa, ya) {
  setAttrs(svg, { x: xa._offset, y: ya._offset, width: xa._length, height: ya._length });
}

function setAttrs(el, attrs) {
  for (const key in attrs) el.setAttribute(key, attrs[key]);
}

export function LiveChart(props) {
  const boxRef = useRef(null);
  const plotRef = useRef(null);
  const overlayRef = useRef(null);
  const engineRef = useRef(null);
  if (engineRef.current === null) engineRef.current = new ChartEngine(props);
  const engine = engineRef.current;
  const { tail, revision, mode, paused, goLive, theme, scheme, maxPoints, label } = props;

  // Runs first after every commit, so the effects below and later draws see the newest props.
  useLayoutEffect(() => {
    engine.props = props;
  });
  useLayoutEffect(() => {
    engine.attach(boxRef.current, plotRef.current, overlayRef.current);
    return () => engine.detach();
  }, [engine]);
  useEffect(() => engine.reset(engine.props.window, revision), [engine, revision]);
  useEffect(() => engine.applyTail(tail), [engine, tail]);
  useEffect(() => engine.setPaused(paused), [engine, paused]);
  useEffect(() => engine.goLive(goLive), [engine, goLive]);
  useEffect(() => engine.restyle(), [engine, mode, theme, scheme, maxPoints]);
  useLayoutEffect(() => engine.syncLabel(), [engine, label]);

  const className = props.className ? `mp-live-chart ${props.className}` : "mp-live-chart";
  return (
    <div
      ref={boxRef}
      id={props.id}
      className={className}
      style={props.style}
      data-testid="live-chart"
      role="img"
    >
      <div ref={plotRef} className="mp-live-chart__plot" />
      <svg ref={overlayRef} className="mp-live-chart__overlay" aria-hidden="true" focusable="false">
        <svg data-area="price">
          <line data-shape="wick" />
          <rect data-shape="body" />
          <path data-shape="segment" fill="none" />
        </svg>
        <svg data-area="volume">
          <rect data-shape="bar" />
        </svg>
      </svg>
    </div>
  );
}

export default LiveChart;
