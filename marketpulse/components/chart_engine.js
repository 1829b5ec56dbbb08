/**
 * ChartEngine: the live chart's imperative half, one per mounted LiveChart. It holds the
 * points, draws at most once per animation frame, and on each draw lets chart_redraw.js
 * decide between a plotly redraw (the figure of chart_figure.js, through plotly_adapter.js)
 * and an overlay-only update (chart_overlay.js); it keeps the container's hooks current
 * (chart_hooks.js) and follows hover, resizes and the user's zoom. See live_chart.jsx for
 * why there are two drawing paths.
 */
import { accessibleName, hooksOf, writeHooks, writeLabel } from "./chart_hooks.js";
import { figure, modeOf } from "./chart_figure.js";
import { Overlay, newestBar } from "./chart_overlay.js";
import { paletteOf } from "./chart_palette.js";
import { applyPoints, maxPointsOf, spacingOf, trim, windowPoints } from "./chart_points.js";
import { followingAfter, formOf, needsPlotly } from "./chart_redraw.js";
import { drawFigure, onRelayout, purge, readAxes, resize } from "./plotly_adapter.js";

export class ChartEngine {
  constructor(props) {
    this.props = props;
    this.points = []; // latest data, sorted by t
    this.drawnPoints = []; // what is on screen (plotly + overlay)
    // What plotly was last given (null: nothing yet): {styleKey, form, mode, pal, spacing,
    // base: the bars plotly draws, newest: the bar the overlay draws or null}.
    this.drawn = null;
    this.axes = null; // the axes plotly drew (readAxes); null: plotly draws every update
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
    this.listening = false;
    this.alive = false;
  }

  get maxPoints() {
    return maxPointsOf(this.props.maxPoints);
  }

  get held() {
    return this.paused || this.hover;
  }

  attach(box, plot, overlay) {
    this.box = box;
    this.plot = plot;
    this.overlay = new Overlay(overlay);
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
    if (this.plot) purge(this.plot);
    this.drawn = null;
    this.axes = null;
    this.listening = false;
  }

  // -- inputs --------------------------------------------------------------------------------

  reset(window, revision) {
    this.points = windowPoints(window, this.maxPoints);
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
    trim(this.points, this.maxPoints);
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
    const { theme, scheme } = this.props;
    const mode = modeOf(this.props.mode);
    const uirevision = `${this.revisionSeen}:${this.liveEpoch}`;
    const styleKey = `${mode}|${theme}|${scheme}|${uirevision}|${this.maxPoints}`;
    const form = formOf(this.hover, target.length);
    const following = this.following;
    if (needsPlotly(this.drawn, this.axes, target, { form, styleKey, following })) {
      this.plotlyDraw(target, form, styleKey, mode, uirevision);
    } else {
      this.drawOverlay(target);
      if (show) this.overlays += 1;
    }
    this.drawnPoints = target;
    this.lastDrawMs = performance.now() - started;
    this.syncHooks();
  }

  plotlyDraw(target, form, styleKey, mode, uirevision) {
    const pal = paletteOf(this.props.theme, this.props.scheme);
    const live = form === "live";
    const base = live ? target.slice(0, -1) : target;
    const newest = live ? target[target.length - 1] : null;
    const spacing = spacingOf(target);
    this.datarevision += 1;
    const datarevision = this.datarevision;
    const fig = figure(base, newest, { mode, pal, spacing, uirevision, datarevision });
    this.drawn = { styleKey, form, mode, pal, spacing, base, newest };
    this.draws += 1;
    this.overlay.hide();
    const token = ++this.drawToken;
    const failed = (error) => {
      // A failed draw must not leave a half-known state: the next update redraws whole.
      if (this.drawn) this.drawn.styleKey = "";
      console.error("live chart: plotly draw failed", error);
    };
    try {
      drawFigure(this.plot, fig)
        .then(() => {
          if (!this.alive || token !== this.drawToken) return;
          this.listen();
          this.refit();
        })
        .catch(failed);
    } catch (error) {
      failed(error);
    }
  }

  listen() {
    if (this.listening) return;
    this.listening = onRelayout(this.plot, (event) => {
      if (!event) return;
      this.following = followingAfter(event, this.following);
      this.refit();
      this.syncHooks();
    });
  }

  /** Read the axes plotly drew, and put the overlay's bar on them. */
  refit() {
    this.axes = readAxes(this.plot);
    if (this.drawn?.newest) this.drawOverlay(this.drawnPoints);
  }

  /** Draw the newest bar (candle or line segment, and its volume) over plotly's plot. */
  drawOverlay(target) {
    const n = target.length;
    if (!this.axes || !this.drawn?.newest || n < 2) {
      this.overlay.hide();
      return;
    }
    this.overlay.show(newestBar(target[n - 1], target[n - 2], this.drawn, this.axes), this.axes);
  }

  scheduleResize() {
    if (!this.alive || this.resizeFrame) return;
    this.resizeFrame = requestAnimationFrame(() => {
      this.resizeFrame = 0;
      if (!this.drawn) return;
      resize(this.plot)
        .then(() => this.refit())
        // Rejected when the chart is hidden (display: none): it is resized when shown again.
        .catch(() => {});
    });
  }

  syncHooks() {
    if (!this.box) return;
    const hooks = hooksOf({
      drawn: this.drawnPoints,
      held: this.held,
      mode: this.drawn?.mode ?? modeOf(this.props.mode),
      following: this.following,
      revision: this.revisionSeen,
      draws: this.draws,
      overlays: this.overlays,
      drawMs: this.lastDrawMs,
    });
    writeHooks(this.box, hooks);
    this.syncLabel();
  }

  syncLabel() {
    if (this.box) writeLabel(this.box, accessibleName(this.props.label, this.drawnPoints));
  }
}
