/**
 * How the live chart shows numbers and times: price decimals (as text and as plotly's d3
 * format) and the shift that makes plotly's UTC date axis read local time. Pure.
 */

export const PRICE_DECIMALS = 2;
export const PRICE_FORMAT = `,.${PRICE_DECIMALS}f`;

/** A price as the user's locale writes it, with PRICE_DECIMALS decimals. */
export function formatPrice(value) {
  return value.toLocaleString(undefined, {
    minimumFractionDigits: PRICE_DECIMALS,
    maximumFractionDigits: PRICE_DECIMALS,
  });
}

// Plotly has no time zones and draws date axes in UTC: shifting each bar start by the
// browser's offset at that instant (so DST is right) makes the axis read local time.
export const localMs = (t) => t - new Date(t).getTimezoneOffset() * 60000;
