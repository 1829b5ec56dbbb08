/* The source badge's ticking clock, wrapped for Reflex by `source_badge.py` beside this file.

   SourceClock  a replay's market clock: `at` (the replayed moment, ms since the epoch) read at
                `anchoredAt` (the app's clock, ms) and running at `speed` market ms per ms while
                `running`, shown as HH:MM in `timeZone` with `zoneLabel` ("10:42 ET"). It ticks
                on freshness.jsx's shared one-second clock, so the replayed time moves with no
                message from the server. Renders nothing while `at` is 0, and before hydration
                (the prerender knows no time, so the first client render matches it).

   DOM hook: a <time> element with `datetime` set to the moment shown (ISO 8601, UTC). */

import { replayedAt, useClock } from "../freshness/freshness.jsx";

const formats = new Map();

function formatter(timeZone) {
  if (!formats.has(timeZone)) {
    let format;
    try {
      format = new Intl.DateTimeFormat("en-GB", {
        timeZone,
        hour: "2-digit",
        minute: "2-digit",
        hourCycle: "h23",
      });
    } catch {
      format = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", hour: "2-digit", minute: "2-digit" });
    }
    formats.set(timeZone, format);
  }
  return formats.get(timeZone);
}

export function SourceClock({ at, anchoredAt, speed, running, timeZone, zoneLabel, ...rest }) {
  const now = useClock();
  if (!at || now === null) return null;
  const moment = replayedAt(at, anchoredAt, speed, running, now);
  return (
    <time {...rest} dateTime={new Date(moment).toISOString()}>
      {`${formatter(timeZone || "UTC").format(moment)} ${zoneLabel || ""}`.trim()}
    </time>
  );
}
