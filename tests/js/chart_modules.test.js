/**
 * How the chart's modules are shipped and layered: Reflex links into the frontend only the
 * modules live_chart.py names (a module imported but not named breaks the production build),
 * and plotly.js, internals included, is reached only through plotly_adapter.js.
 */
import { expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";

const DIR = new URL("../../marketpulse/components/", import.meta.url);
const read = (name) => readFileSync(new URL(name, DIR), "utf8");
const code = (name) => read(name).replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
const importsOf = (name) =>
  [...code(name).matchAll(/^import\s[^;]*?from\s+"([^"]+)";/gm)].map((m) => m[1]);

/** Every module live_chart.jsx imports by a relative path, directly or not. */
function relativeModules() {
  const seen = new Set();
  const visit = (name) => {
    for (const spec of importsOf(name)) {
      if (!spec.startsWith("./")) continue;
      const module = spec.slice(2);
      if (!seen.has(module)) {
        seen.add(module);
        visit(module);
      }
    }
  };
  visit("live_chart.jsx");
  return seen;
}

test("live_chart.py ships exactly the modules live_chart.jsx imports", () => {
  const python = read("live_chart.py");
  const block = /^_HELPERS = \(([\s\S]*?)\)/m.exec(python);
  expect(block).not.toBeNull();
  const shipped = [...block[1].matchAll(/"([^"]+)"/g)].map((m) => m[1]).sort();
  const imported = [...relativeModules()].sort();
  expect(imported.length).toBeGreaterThan(0);
  expect(shipped).toEqual(imported);
  for (const name of imported) expect(existsSync(new URL(name, DIR))).toBe(true);
});

test("only plotly_adapter.js imports plotly or reads underscored (internal) properties", () => {
  const modules = ["live_chart.jsx", ...relativeModules()];
  expect(modules).toContain("plotly_adapter.js");
  for (const name of modules) {
    const adapter = name === "plotly_adapter.js";
    expect({ name, plotly: importsOf(name).some((s) => s.startsWith("plotly")) }).toEqual({
      name,
      plotly: adapter,
    });
    expect({ name, internals: /\._[A-Za-z]/.test(code(name)) }).toEqual({
      name,
      internals: adapter,
    });
  }
});

test("each module opens with a comment saying what it owns", () => {
  for (const name of ["live_chart.jsx", ...relativeModules()]) {
    expect({ name, header: read(name).startsWith("/**\n") }).toEqual({ name, header: true });
  }
});
