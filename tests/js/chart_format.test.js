import { afterEach, describe, expect, test } from "bun:test";
import { PRICE_FORMAT, formatPrice, localMs } from "../../marketpulse/components/chart_format.js";

describe("formatPrice", () => {
  test("writes two decimals, rounding", () => {
    expect(formatPrice(3.14159)).toMatch(/^3[.,]14$/);
    expect(formatPrice(2)).toMatch(/^2[.,]00$/);
    expect(formatPrice(0.996)).toMatch(/^1[.,]00$/);
  });

  test("groups thousands as the locale does", () => {
    expect(formatPrice(1234567.5)).toMatch(/^1\D?234\D?567[.,]50$/);
  });

  test("matches plotly's d3 format of the axes", () => {
    expect(PRICE_FORMAT).toBe(",.2f");
  });
});

describe("localMs", () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  test("is the identity in UTC", () => {
    process.env.TZ = "UTC";
    expect(localMs(Date.UTC(2026, 0, 1, 12))).toBe(Date.UTC(2026, 0, 1, 12));
  });

  test("shifts by the zone's offset at that instant, daylight saving included", () => {
    process.env.TZ = "America/New_York";
    const hour = 3600000;
    expect(localMs(Date.UTC(2026, 0, 15, 14, 30))).toBe(Date.UTC(2026, 0, 15, 9, 30));
    expect(localMs(Date.UTC(2026, 6, 15, 13, 30))).toBe(Date.UTC(2026, 6, 15, 9, 30));
    // Either side of the spring-forward instant (2026-03-08 07:00 UTC).
    const spring = Date.UTC(2026, 2, 8, 7);
    expect(spring - localMs(spring - 1)).toBe(5 * hour + 1);
    expect(spring - localMs(spring)).toBe(4 * hour);
  });
});
