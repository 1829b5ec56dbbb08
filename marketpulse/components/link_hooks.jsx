/* Two small browser-side helpers of the connection indicator, wrapped by `link_hooks.py`.

   VisibilityWatcher  renders nothing; calls onChange(visible) whenever the tab is shown or
                      hidden (document.visibilityState), so the app stops sending a hidden tab
                      updates and catches it up when it is shown again.
   Countdown          "retry in 4 s", ticking in the browser until `until` (ms since the epoch);
                      renders nothing when `until` is 0. `lead` and `due` change its words
                      ("retrying in 8 s", then "retrying now"). */

import { useEffect, useState } from "react";

export function VisibilityWatcher({ onChange }) {
  useEffect(() => {
    const report = () => onChange?.(document.visibilityState === "visible");
    document.addEventListener("visibilitychange", report);
    if (document.visibilityState !== "visible") report();
    return () => document.removeEventListener("visibilitychange", report);
  }, [onChange]);
  return null;
}

export function Countdown({ until, lead = "retry in", due = "retrying…", ...rest }) {
  const [now, setNow] = useState(null);
  useEffect(() => {
    if (!until) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [until]);
  if (!until) return null;
  // Until the first tick of the effect above, read the clock here: the figure is never shown
  // without its countdown. (`until` is 0 in the prerender, so hydration matches.)
  const seconds = Math.max(0, Math.ceil((until - (now ?? Date.now())) / 1000));
  return (
    <span data-testid="retry-countdown" {...rest}>
      {seconds > 0 ? `${lead} ${seconds} s` : due}
    </span>
  );
}
