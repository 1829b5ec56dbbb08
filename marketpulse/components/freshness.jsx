/* Data freshness, computed in the browser: how old the newest data a widget shows is, and
   whether the feed link behind it is up. Wrapped for Reflex by `freshness.py` beside this file.

   Exports
     Freshness         a badge ("Live", "Delayed · updated 12 s ago") or a dot for a table row
     FreshnessSection  a <section> whose header holds a title and the badge, around children
     freshnessOf       the rule: (ageMs | null, link, delayedMs, staleMs) -> live|delayed|stale
     replayedAt        a replayed market clock now: its anchor moved on at its speed

   Every element carries data-freshness="live|delayed|stale" (the DOM contract for tests).
   One shared one-second clock drives every instance, so "updated 3 s ago" ticks without the
   server sending anything. Data stamped on a replayed market clock (a replay's quotes) is aged
   on that clock: `clockAt` (the replayed moment at `clockAnchoredAt`, the app's clock) running
   at `clockSpeed`, its age in wall time (a replayed minute at x60 is a second old). On the server (prerender) and during hydration the clock reads null
   and the age counts as 0, so the first client render matches the prerendered HTML. */

import { useEffect, useId, useRef, useState, useSyncExternalStore } from "react";

const TICK_MS = 1000;
const DEFAULT_DELAYED_MS = 5000;
const DEFAULT_STALE_MS = 30000;

const clock = { now: 0, timer: null, listeners: new Set() };

function tick() {
  clock.now = Date.now();
  clock.listeners.forEach((listener) => listener());
}

// Background tabs throttle timers; catch up the moment the tab is shown again.
function onVisibilityChange() {
  if (document.visibilityState === "visible") tick();
}

function subscribe(listener) {
  clock.listeners.add(listener);
  if (clock.timer === null) {
    clock.now = Date.now();
    clock.timer = setInterval(tick, TICK_MS);
    document.addEventListener("visibilitychange", onVisibilityChange);
  }
  return () => {
    clock.listeners.delete(listener);
    if (clock.listeners.size === 0) {
      clearInterval(clock.timer);
      clock.timer = null;
      document.removeEventListener("visibilitychange", onVisibilityChange);
    }
  };
}

function clientNow() {
  if (clock.now === 0) clock.now = Date.now();
  return clock.now;
}

function serverNow() {
  return null;
}

/** The shared clock in ms, or null before hydration (no time is known on the server). */
export function useClock() {
  return useSyncExternalStore(subscribe, clientNow, serverNow);
}

/** The replayed moment at `now`: `at` (read at `anchoredAt`) moved on at `speed` while
    `running`. */
export function replayedAt(at, anchoredAt, speed, running, now) {
  const rate = Number.isFinite(speed) && speed > 0 ? speed : 1;
  const elapsed = running && anchoredAt > 0 ? Math.max(0, now - anchoredAt) : 0;
  return at + elapsed * rate;
}

/** How old (wall ms) data stamped `updatedAt` is at `now`: on the browser's clock moved by
    `offsetMs`, or on a replayed clock when `clockAt` is set. Never negative: data stamped a
    moment "in the future" is simply new. */
function dataAge(now, updatedAt, offsetMs, clockAt, clockAnchoredAt, clockSpeed) {
  if (clockAt > 0) {
    const rate = Number.isFinite(clockSpeed) && clockSpeed > 0 ? clockSpeed : 1;
    return Math.max(0, (replayedAt(clockAt, clockAnchoredAt, rate, true, now) - updatedAt) / rate);
  }
  return Math.max(0, now + (offsetMs || 0) - updatedAt);
}

/** live | delayed | stale. `ageMs` null means no data yet (stale: nothing to trust). Only a
    live link can be "live"; polling is at most "delayed"; "source_down" (the feed's market
    data source is not ok: nothing new can arrive) is "stale" at once; any other link state is
    "delayed" at once and "stale" once the age passes `delayedMs`. */
export function freshnessOf(ageMs, link, delayedMs, staleMs) {
  if (ageMs === null || link === "source_down") return "stale";
  const byAge = ageMs < delayedMs ? "live" : ageMs < staleMs ? "delayed" : "stale";
  if (link === "live") return byAge;
  if (link === "polling") return byAge === "live" ? "delayed" : byAge;
  return ageMs < delayedMs ? "delayed" : "stale";
}

function agoText(ageMs) {
  const seconds = Math.floor(ageMs / 1000);
  if (seconds < 1) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

const LEVEL_WORD = { live: "Live", delayed: "Delayed", stale: "Stale" };

function positive(value, fallback) {
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

/** Everything a view needs: level, visible text, spoken text, tooltip. */
function useFreshness({ updatedAt, delayedMs, staleMs, link, clockOffsetMs, clockAt, clockAnchoredAt, clockSpeed }) {
  const now = useClock();
  const hasData = Number.isFinite(updatedAt) && updatedAt > 0;
  const delayed = positive(delayedMs, DEFAULT_DELAYED_MS);
  const stale = Math.max(positive(staleMs, DEFAULT_STALE_MS), delayed);
  // On the data's clock: the browser's moved by the offset (theirs minus ours), or a replay's.
  const ageMs = !hasData
    ? null
    : now === null
      ? 0
      : dataAge(now, updatedAt, clockOffsetMs, clockAt, clockAnchoredAt, clockSpeed);
  const level = freshnessOf(ageMs, link, delayed, stale);
  if (!hasData) {
    return { now, hasData, level, text: "No data yet", spoken: "No data yet", title: "No data received yet" };
  }
  const text = level === "live" ? "Live" : `${LEVEL_WORD[level]} · updated ${agoText(ageMs)}`;
  const spoken = level === "live" ? "Data live" : `Data ${level}, updated ${agoText(ageMs)}`;
  // Local time only in the browser: the prerender's time zone and locale may differ.
  const title = now === null ? spoken : `${spoken} (at ${new Date(updatedAt).toLocaleTimeString()})`;
  return { now, hasData, level, text, spoken, title };
}

function classes(...names) {
  return names.filter(Boolean).join(" ");
}

function FreshnessView({ state, variant, className, rest }) {
  const dot = variant === "dot";
  return (
    <span
      {...rest}
      className={classes("mp-fresh", dot ? "mp-fresh-dot" : "mp-fresh-badge", className)}
      data-freshness={state.level}
      data-has-data={state.hasData ? "true" : "false"}
      title={state.title}
    >
      <span className="mp-fresh-mark" aria-hidden="true" />
      {dot ? (
        <span className="mp-visually-hidden">{state.spoken}</span>
      ) : (
        <span className="mp-fresh-text">{state.text}</span>
      )}
    </span>
  );
}

/** A badge (`variant="badge"`, the default) or a row's dot (`variant="dot"`). */
export function Freshness({
  updatedAt,
  delayedMs,
  staleMs,
  link,
  clockOffsetMs,
  clockAt,
  clockAnchoredAt,
  clockSpeed,
  variant,
  className,
  ...rest
}) {
  const state = useFreshness({ updatedAt, delayedMs, staleMs, link, clockOffsetMs, clockAt, clockAnchoredAt, clockSpeed });
  return <FreshnessView state={state} variant={variant} className={className} rest={rest} />;
}

/** The sentence for a polite live region: set on level changes only, never per tick, and not
    for the first level seen (nor the arrival of the first data), so loading a page is silent. */
function useLevelAnnouncement(state, label, enabled) {
  const [message, setMessage] = useState("");
  const previous = useRef(null);
  const key = state.now === null || !state.hasData ? null : state.level;
  useEffect(() => {
    if (key === null) return;
    if (previous.current !== null && previous.current !== key && enabled) {
      setMessage(`${label ? `${label}: ` : ""}data ${key}`);
    }
    previous.current = key;
  }, [key, label, enabled]);
  return message;
}

function headingTag(level) {
  const n = Math.round(Number(level));
  return n >= 1 && n <= 6 ? `h${n}` : "h2";
}

/** <section data-freshness> with a header (title + badge) and the children below it. */
export function FreshnessSection({
  updatedAt,
  delayedMs,
  staleMs,
  link,
  clockOffsetMs,
  label,
  headingLevel,
  announce,
  className,
  children,
  ...rest
}) {
  const state = useFreshness({ updatedAt, delayedMs, staleMs, link, clockOffsetMs });
  const message = useLevelAnnouncement(state, label, Boolean(announce));
  const headingId = useId();
  const Heading = headingTag(headingLevel);
  return (
    <section
      {...rest}
      className={classes("mp-fresh-section", className)}
      data-freshness={state.level}
      aria-labelledby={headingId}
    >
      <header className="mp-fresh-header">
        <Heading id={headingId} className="mp-fresh-title">
          {label}
        </Heading>
        <FreshnessView state={state} variant="badge" rest={{}} />
        {announce ? (
          <span className="mp-visually-hidden" role="status">
            {message}
          </span>
        ) : null}
      </header>
      {children}
    </section>
  );
}
