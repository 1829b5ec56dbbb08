/**
 * The live chart's look and the plotly figure built from it: sizes, domains, line widths,
 * headroom, the plotly config, and `figure()`, which turns bars and a palette into plotly
 * `data` and `layout`. Pure: it builds plain objects and never calls plotly. The overlay
 * draws the newest bar with the same widths (see chart_overlay.js).
 */
import { PRICE_FORMAT, localMs } from "./chart_format.js";
import { priceSpan } from "./chart_points.js";

const HEIGHT = 320;
const PRICE_DOMAIN = [0.3, 1];
const VOLUME_DOMAIN = [0, 0.22];
// Candle bodies are 70% of the bar spacing: plotly's half-width is spacing / 2 * (1 - boxgap)
// when boxgroupgap is 0, and the overlay draws the newest candle with the same formula.
const BOX_GAP = 0.3;
export const VOLUME_FILL = 0.7;
export const CANDLE_LINE_WIDTH = 1;
export const PRICE_LINE_WIDTH = 1.5;
const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
// A forming bar's volume only grows: leaving it 25% headroom on the volume axis saves a
// plotly redraw on most ticks of the bar that sets a new volume high.
const VOLUME_HEADROOM = 1.25;
const PRICE_HEADROOM = 0.06;
export const CONFIG = {
  // No mode bar (so no logo either): the container is role="img", whose content is
  // presentational, and plotly 4's mode bar is a row of focusable buttons (axe-core:
  // nested-interactive). Drag to zoom, double-click to reset; "Go live" is the app's control.
  displayModeBar: false,
  displaylogo: false,
  responsive: false, // a ResizeObserver on the container also sees layout (not only window) changes
};

/** The `mode` prop as a chart mode: "line", else "candles". */
export const modeOf = (mode) => (mode === "line" ? "line" : "candles");

/** Half a candle body's width in ms of the time axis, as plotly sizes it. */
export const candleHalfMs = (spacing) => (spacing / 2) * (1 - BOX_GAP);

/**
 * The plotly figure of `plotted` (every bar plotly draws) in `mode` with palette `pal`.
 * Given the `newest` bar (drawn by the overlay), it adds invisible traces so that plotly's
 * autorange covers that bar too. Returns {data, layout, config} for `Plotly.react`.
 */
export function figure(plotted, newest, { mode, pal, spacing, uirevision, datarevision }) {
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
    const half = candleHalfMs(spacing);
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
  return { data, layout, config: CONFIG };
}
