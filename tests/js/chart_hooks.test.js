import { describe, expect, test } from "bun:test";
import {
  accessibleName,
  hooksOf,
  writeHooks,
  writeLabel,
} from "../../marketpulse/components/chart_hooks.js";
import { bar } from "./support.js";

const state = (extra = {}) => ({
  drawn: [bar(0), bar(1, { c: 101.5 })],
  held: false,
  mode: "candles",
  following: true,
  revision: 4,
  draws: 2,
  overlays: 9,
  drawMs: 1.23456,
  ...extra,
});

describe("hooksOf", () => {
  test("names the drawn points, the last bar's start and the chart's state as strings", () => {
    expect(hooksOf(state())).toEqual({
      points: "2",
      lastT: String(bar(1).t),
      paused: "false",
      mode: "candles",
      following: "true",
      revision: "4",
      draws: "2",
      overlays: "9",
      drawMs: "1.23",
    });
  });

  test("an empty chart has no last start; a held, zoomed one says so", () => {
    const hooks = hooksOf(state({ drawn: [], held: true, following: false, mode: "line" }));
    expect(hooks.points).toBe("0");
    expect(hooks.lastT).toBe("");
    expect(hooks.paused).toBe("true");
    expect(hooks.following).toBe("false");
    expect(hooks.mode).toBe("line");
  });
});

describe("accessibleName", () => {
  test("is the label and the last drawn close", () => {
    expect(accessibleName("AAPL 1m price chart", state().drawn)).toMatch(
      /^AAPL 1m price chart, last 101[.,]50$/,
    );
  });

  test("says so when there is no data, and has a default label", () => {
    expect(accessibleName("AAPL", [])).toBe("AAPL, no data yet");
    expect(accessibleName("", [])).toBe("Price chart, no data yet");
    expect(accessibleName(undefined, [bar(0)])).toMatch(/^Price chart, last 100[.,]00$/);
  });
});

/** A container that counts its attribute writes. */
function box() {
  const writes = [];
  const values = {};
  const dataset = new Proxy(values, {
    set(target, key, value) {
      writes.push(key);
      target[key] = value;
      return true;
    },
  });
  const attributes = {};
  return {
    writes,
    dataset,
    attributes,
    getAttribute: (name) => attributes[name] ?? null,
    setAttribute(name, value) {
      writes.push(name);
      attributes[name] = value;
    },
  };
}

describe("writing", () => {
  test("writes every hook once, then only the ones that changed", () => {
    const el = box();
    writeHooks(el, hooksOf(state()));
    expect(el.writes).toHaveLength(9);
    expect(el.dataset.points).toBe("2");
    el.writes.length = 0;
    writeHooks(el, hooksOf(state({ held: true })));
    expect(el.writes).toEqual(["paused"]);
    expect(el.dataset.paused).toBe("true");
  });

  test("writes the accessible name only when it changes", () => {
    const el = box();
    writeLabel(el, "AAPL, no data yet");
    writeLabel(el, "AAPL, no data yet");
    expect(el.writes).toEqual(["aria-label"]);
    writeLabel(el, "AAPL, last 1.00");
    expect(el.attributes["aria-label"]).toBe("AAPL, last 1.00");
    expect(el.writes).toHaveLength(2);
  });
});
