#!/usr/bin/env node
// The load generator: many socket.io-client connections in one Node process, driven by the
// Python harness over stdin/stdout (one JSON object per line each way). The same code drives
// both servers; only how a client subscribes and which event carries prices differ:
//
//   ours       io(URL + "/feed"), emitWithAck("subscribe", {id, channels:["price:<SYM>"…],
//              throttle_ms}); prices arrive in `batch` events {server_ts, updates:[…]}
//   reference  io(URL), emitWithAck("join", ["<SYM>"…]); one `price` event per tick
//
// Every received price update counts once, with its staleness `Date.now() − data.ts` (ms) in
// a 1 ms histogram. Commands (each answered with one line carrying the same `op`):
//   {"op":"connect", "url", "kind":"ours"|"reference", "ids":[…], "symbols_per_client",
//    "nsymbols", "throttle_ms", "subscribe":true, "concurrency", "timeout_ms", "deflate"}
//   {"op":"reset"}    start a measuring window (zero the counters)
//   {"op":"report"}   counters since the last reset
//   {"op":"close"}    disconnect every connection and exit

import readline from "node:readline";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { io } from "socket.io-client";
import { clientSymbols, symbolNames } from "./tickgen.mjs";

const HIST_MAX_MS = 120_000;

const sockets = [];
let live = 0;
const disconnects = {};
let hist = new Float64Array(HIST_MAX_MS + 1); // last bucket: HIST_MAX_MS and beyond
let updates = 0;
let frames = 0;
let windowStart = performance.now();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

function record(ageMs) {
  const bucket = ageMs <= 0 ? 0 : ageMs >= HIST_MAX_MS ? HIST_MAX_MS : ageMs | 0;
  hist[bucket] += 1;
}

function onBatch(batch) {
  frames += 1;
  const now = Date.now();
  const list = batch?.updates;
  if (!Array.isArray(list)) return;
  for (let j = 0; j < list.length; j += 1) {
    const ts = list[j]?.data?.ts;
    if (typeof ts === "number") {
      updates += 1;
      record(now - ts);
    }
  }
}

function onPrice(message) {
  frames += 1;
  const ts = message?.data?.ts;
  if (typeof ts === "number") {
    updates += 1;
    record(Date.now() - ts);
  }
}

function connectOne(cmd, id) {
  const names = symbolNames(cmd.nsymbols);
  const mine = clientSymbols(id, cmd.symbols_per_client, cmd.nsymbols).map((i) => names[i]);
  const ours = cmd.kind === "ours";
  const socket = io(ours ? `${cmd.url}/feed` : cmd.url, {
    transports: ["websocket"],
    forceNew: true, // one WebSocket per client, never multiplexed
    reconnection: false,
    timeout: cmd.timeout_ms,
    // The official client offers permessage-deflate by default (as browsers do); a server may
    // accept it (ours, under uvicorn) or not (socket.io's default). deflate:false offers none.
    ...(cmd.deflate === false ? { perMessageDeflate: false } : {}),
  });
  sockets.push(socket);
  if (ours) socket.on("batch", onBatch);
  else socket.on("price", onPrice);
  return new Promise((resolve) => {
    const fail = (why) => {
      socket.disconnect();
      resolve({ ok: false, error: String(why).slice(0, 200) });
    };
    socket.once("connect_error", (err) => fail(err?.data?.code ?? err?.message ?? err));
    socket.once("connect", async () => {
      live += 1;
      socket.once("disconnect", (reason) => {
        live -= 1;
        disconnects[reason] = (disconnects[reason] ?? 0) + 1;
      });
      if (!cmd.subscribe) return resolve({ ok: true });
      try {
        const ack = ours
          ? await socket.timeout(cmd.timeout_ms).emitWithAck("subscribe", {
              id: String(id),
              channels: mine.map((s) => `price:${s}`),
              throttle_ms: cmd.throttle_ms,
            })
          : await socket.timeout(cmd.timeout_ms).emitWithAck("join", mine);
        if (ack?.ok === true) resolve({ ok: true });
        else fail(`subscribe refused: ${JSON.stringify(ack?.error ?? ack)}`);
      } catch (err) {
        fail(`subscribe: ${err?.message ?? err}`);
      }
    });
  });
}

async function connectMany(cmd) {
  const ids = [...cmd.ids];
  const errors = [];
  let ok = 0;
  const worker = async () => {
    while (ids.length) {
      const result = await connectOne(cmd, ids.shift());
      if (result.ok) ok += 1;
      else if (errors.length < 5) errors.push(result.error);
      else errors.push(null);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, cmd.concurrency ?? 20) }, worker));
  return { ok, failed: cmd.ids.length - ok, errors: errors.filter(Boolean) };
}

function reset() {
  hist = new Float64Array(HIST_MAX_MS + 1);
  updates = 0;
  frames = 0;
  loopDelay.reset();
  windowStart = performance.now();
}

function report() {
  const sparse = [];
  for (let ms = 0; ms <= HIST_MAX_MS; ms += 1) if (hist[ms]) sparse.push([ms, hist[ms]]);
  const ns = (v) => (Number.isFinite(v) ? v / 1e6 : null);
  return {
    window_s: (performance.now() - windowStart) / 1000,
    updates,
    frames,
    hist: sparse,
    live,
    disconnects,
    loop_delay_ms: {
      p50: ns(loopDelay.percentile(50)),
      p99: ns(loopDelay.percentile(99)),
      max: ns(loopDelay.max),
    },
  };
}

function reply(op, body) {
  process.stdout.write(JSON.stringify({ op, pid: process.pid, ...body }) + "\n");
}

const rl = readline.createInterface({ input: process.stdin });
rl.on("line", async (line) => {
  let cmd;
  try {
    cmd = JSON.parse(line);
  } catch {
    return reply("error", { error: "bad json" });
  }
  try {
    if (cmd.op === "connect") reply("connect", await connectMany(cmd));
    else if (cmd.op === "reset") reply("reset", (reset(), {}));
    else if (cmd.op === "report") reply("report", report());
    else if (cmd.op === "close") {
      for (const socket of sockets) socket.disconnect();
      reply("close", {});
      setTimeout(() => process.exit(0), 50);
    } else reply("error", { error: `unknown op ${cmd.op}` });
  } catch (err) {
    reply("error", { error: String(err?.stack ?? err) });
  }
});
// The harness going away (stdin closed) ends this process too.
rl.on("close", () => process.exit(0));
