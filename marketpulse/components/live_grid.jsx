/* The watchlist's price grid, wrapped for Reflex by `live_grid.py` beside this file.

   Why a component of its own: the state resends the visible rows whole at every batch (up to
   ten times a second), and a table built of Radix components re-rendered every row, icon
   and cell each time. Here each row is a React.memo keyed by its symbol and compared field by
   field, so a batch re-renders only the rows whose values changed, with plain table elements
   (Radix Themes' classes keep the look) in a fixed layout. Handlers are read through a ref,
   so passing them never invalidates a row.

   DOM hooks (the tests' contract): rows `data-symbol` and `data-selected`; price cells
   `data-field="last"` and `data-ts`; the price span `mp-price` with `flash-up`/`flash-down`,
   remounted per flash by its `key`; sort buttons `data-sort` in headers carrying `aria-sort`;
   the row's bell `data-testid="alert-button"` with `data-alert-symbol`; a freshness dot per row
   (`data-freshness`). The grid is not a live region.

   Under a replay the rows' times are the replayed market's: `timeZone` shows them in its zone,
   and `clockAt`, `clockAnchoredAt`, `clockSpeed` (the replayed clock) age each row's dot on it
   (see freshness.jsx). Unset, times are the browser's local ones, aged on its clock. */

import { memo, useCallback, useMemo, useRef } from "react";
import { ArrowDown, ArrowUp, BellPlus } from "lucide-react";
import { Freshness } from "../freshness/freshness.jsx";

const COLUMNS = [
  ["symbol", "Symbol", "start", "mp-col-symbol"],
  ["name", "Name", "start", "mp-col-name"],
  ["last", "Last", "end", "mp-col-last"],
  ["change", "Change", "end", "mp-col-change"],
  ["change_pct", "Change %", "end", "mp-col-pct"],
  ["volume", "Volume", "end", "mp-col-volume"],
  ["updated", "Updated", "end", "mp-col-time"],
];
const ROW_FIELDS = ["symbol", "name", "last", "change", "change_pct", "volume", "ts", "trend", "flash", "tick"];
const TIME_FORMAT = { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false };

function localTime(ts, timeZone) {
  if (!(ts > 0)) return "—";
  const format = timeZone ? { ...TIME_FORMAT, timeZone } : TIME_FORMAT;
  return new Date(ts).toLocaleTimeString(undefined, format);
}

function trendClass(trend, column) {
  const kind = trend === "up" || trend === "down" ? trend : "flat";
  return `rt-TableCell rt-r-ta-right mp-num mp-trend-${kind} ${column}`;
}

function SortHeader({ column, title, justify, css, sortKey, descending, onSort }) {
  const active = sortKey === column;
  const order = active ? (descending ? "descending" : "ascending") : "none";
  const align = justify === "end" ? "rt-r-ta-right" : "rt-r-ta-left";
  return (
    <th className={`rt-TableCell rt-TableColumnHeaderCell ${align} ${css}`} scope="col" aria-sort={order}>
      <button type="button" className={`mp-sort mp-sort-${justify}`} data-sort={column} onClick={() => onSort(column)}>
        {title}
        {active ? (descending ? <ArrowDown size={12} aria-hidden="true" /> : <ArrowUp size={12} aria-hidden="true" />) : null}
      </button>
    </th>
  );
}

function RowView({ row, selected, link, delayedMs, staleMs, clock, onSelect, onAlert }) {
  const flash = row.flash === "up" ? " flash-up" : row.flash === "down" ? " flash-down" : "";
  return (
    <tr
      className={`rt-TableRow rt-r-va-middle${selected ? " mp-row-selected" : ""}`}
      data-symbol={row.symbol}
      data-selected={selected ? "true" : "false"}
    >
      <th className="rt-TableCell rt-TableRowHeaderCell mp-col-symbol" scope="row">
        <button
          type="button"
          className="mp-symbol-button"
          aria-label={`Show ${row.symbol} on the chart`}
          aria-pressed={selected ? "true" : "false"}
          onClick={() => onSelect(row.symbol)}
        >
          {row.symbol}
        </button>
      </th>
      <td className="rt-TableCell mp-col-name">
        <span className="mp-muted">{row.name}</span>
      </td>
      <td className="rt-TableCell rt-r-ta-right mp-num mp-col-last" data-field="last" data-ts={row.ts}>
        <span key={row.tick} className={`mp-price${flash}`}>
          {row.last}
        </span>
      </td>
      <td className={trendClass(row.trend, "mp-col-change")}>{row.change}</td>
      <td className={trendClass(row.trend, "mp-col-pct")}>{row.change_pct}</td>
      <td className="rt-TableCell rt-r-ta-right mp-num mp-col-volume">{row.volume}</td>
      <td className="rt-TableCell rt-r-ta-right mp-num mp-muted mp-col-time">
        <span className="mp-time-cell">
          {localTime(row.ts, clock.timeZone)}
          <Freshness
            updatedAt={row.ts}
            delayedMs={delayedMs}
            staleMs={staleMs}
            link={link}
            clockAt={clock.at}
            clockAnchoredAt={clock.anchoredAt}
            clockSpeed={clock.speed}
            variant="dot"
          />
        </span>
      </td>
      <td className="rt-TableCell mp-col-alert">
        <button
          type="button"
          className="rt-reset rt-BaseButton rt-r-size-1 rt-variant-ghost rt-IconButton mp-alert-button"
          aria-haspopup="dialog"
          aria-label={`Create an alert for ${row.symbol}`}
          data-testid="alert-button"
          data-alert-symbol={row.symbol}
          onClick={() => onAlert(row.symbol)}
        >
          <BellPlus size={14} aria-hidden="true" />
        </button>
      </td>
    </tr>
  );
}

function sameRow(a, b) {
  if (a.selected !== b.selected || a.link !== b.link) return false;
  if (a.delayedMs !== b.delayedMs || a.staleMs !== b.staleMs || a.clock !== b.clock) return false;
  return ROW_FIELDS.every((field) => a.row[field] === b.row[field]);
}

const Row = memo(RowView, sameRow);

export function LiveGrid({
  rows,
  sortKey,
  descending,
  selected,
  link,
  rowDelayedMs,
  rowStaleMs,
  clockAt,
  clockAnchoredAt,
  clockSpeed,
  timeZone,
  onSort,
  onSelect,
  onAlert,
}) {
  // One object per clock change, so the rows' memo compares it by identity.
  const clock = useMemo(
    () => ({ at: clockAt, anchoredAt: clockAnchoredAt, speed: clockSpeed, timeZone }),
    [clockAt, clockAnchoredAt, clockSpeed, timeZone],
  );
  // The latest handlers, read at click time: rows never re-render because a handler changed.
  const handlers = useRef({});
  handlers.current = { onSort, onSelect, onAlert };
  const sort = useCallback((column) => handlers.current.onSort?.(column), []);
  const select = useCallback((symbol) => handlers.current.onSelect?.(symbol), []);
  const alert = useCallback((symbol) => handlers.current.onAlert?.(symbol), []);
  return (
    <div className="rt-TableRoot rt-r-size-2 rt-variant-surface mp-watchlist" aria-live="off">
      <div className="mp-grid-scroll">
        <table className="rt-TableRootTable mp-grid">
          <thead className="rt-TableHeader">
            <tr className="rt-TableRow">
              {COLUMNS.map(([column, title, justify, css]) => (
                <SortHeader
                  key={column}
                  column={column}
                  title={title}
                  justify={justify}
                  css={css}
                  sortKey={sortKey}
                  descending={descending}
                  onSort={sort}
                />
              ))}
              <th className="rt-TableCell rt-TableColumnHeaderCell mp-col-alert" scope="col">
                <span className="mp-visually-hidden">Alert</span>
              </th>
            </tr>
          </thead>
          <tbody className="rt-TableBody">
            {(rows || []).map((row) => (
              <Row
                key={row.symbol}
                row={row}
                selected={row.symbol === selected}
                link={link}
                delayedMs={rowDelayedMs}
                staleMs={rowStaleMs}
                clock={clock}
                onSelect={select}
                onAlert={alert}
              />
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
