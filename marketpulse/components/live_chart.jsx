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
 * no plotly mode bar: see CONFIG in chart_figure.js.
 *
 * DOM hooks on the container (stable, for tests): data-testid="live-chart", data-points,
 * data-last-t, data-paused, data-mode, data-following, data-revision; diagnostics:
 * data-draws (plotly redraws), data-overlays (overlay-only updates), data-draw-ms (main-thread
 * ms of the last update).
 *
 * Modules, each beside this one (shipped together as shared assets, see live_chart.py):
 * chart_engine.js (the imperative half: state, frames, events), chart_redraw.js (when plotly
 * redraws), chart_points.js (bar data), chart_figure.js (the plotly figure), chart_palette.js
 * (colours), chart_format.js (numbers, local time), chart_overlay.js (the newest bar),
 * chart_hooks.js (DOM hooks, accessible name) and plotly_adapter.js, the only one that
 * touches plotly.js (and its internals).
 */
import { useEffect, useLayoutEffect, useRef } from "react";
import { ChartEngine } from "./chart_engine.js";

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
