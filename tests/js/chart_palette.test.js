import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { PALETTES, paletteOf } from "../../marketpulse/components/chart_palette.js";

const SOURCE = new URL("../../marketpulse/components/chart_palette.js", import.meta.url);

describe("paletteOf", () => {
  test("takes the theme's colours and the scheme's up and down", () => {
    const pal = paletteOf("dark", "blue-orange");
    expect(pal.background).toBe(PALETTES.dark.background);
    expect(pal.line).toBe(PALETTES.dark.line);
    expect(pal.up).toBe(PALETTES.dark["blue-orange"].up);
    expect(pal.down).toBe(PALETTES.dark["blue-orange"].down);
    const light = paletteOf("light", "red-green");
    expect(light.text).toBe(PALETTES.light.text);
    expect(light.up).toBe(PALETTES.light["red-green"].up);
  });

  test("falls back to light and red-green for anything else", () => {
    const fallback = paletteOf(undefined, "purple");
    expect(fallback.background).toBe(PALETTES.light.background);
    expect(fallback.up).toBe(PALETTES.light["red-green"].up);
    expect(fallback.down).toBe(PALETTES.light["red-green"].down);
    expect(paletteOf("Dark", null).background).toBe(PALETTES.light.background);
  });

  test("gives a fresh object, leaving the palettes as they are", () => {
    const pal = paletteOf("dark", "red-green");
    pal.up = "#000000";
    expect(paletteOf("dark", "red-green").up).toBe(PALETTES.dark["red-green"].up);
  });

  test("up and down differ in every theme and scheme", () => {
    for (const theme of ["light", "dark"]) {
      for (const scheme of ["red-green", "blue-orange"]) {
        const pal = paletteOf(theme, scheme);
        expect(pal.up).not.toBe(pal.down);
      }
    }
  });
});

test("the palette-json block the contrast test reads is the palette in use", () => {
  // tests/unit/test_charting.py checks WCAG contrast on this block of the file.
  const text = readFileSync(SOURCE, "utf8");
  const block = /\/\* palette-json \*\/(.*?)\/\* end-palette-json \*\//s.exec(text);
  expect(block).not.toBeNull();
  expect(JSON.parse(block[1])).toEqual(PALETTES);
});
