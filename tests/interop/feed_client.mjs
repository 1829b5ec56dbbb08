#!/usr/bin/env node
// A small, standalone MarketPulse feed client, written the way a third party would write one
// from docs/protocol.md with nothing but the official `socket.io-client` (v4) package.
//
// It connects to the `/feed` namespace over WebSocket (optionally with `auth: {token}`),
// subscribes with an acknowledgement, collects `batch` events, sends one invalid subscribe and
// one `ping`, and prints ONE JSON line to stdout summarising what it saw.
//
// Environment:
//   FEED_URL      server base URL, e.g. http://127.0.0.1:8765 (the namespace is appended)
//   FEED_TOKEN    optional JWT, sent as `auth: {token}`; unset or empty = connect as a guest
//   CHANNELS      comma-separated channels (default price:AAPL,price:MSFT,price:NVDA)
//   THROTTLE_MS   subscribe throttle_ms (default 50)
//   MIN_BATCHES   batches to collect before finishing (default 3)
//   TIMEOUT_MS    overall deadline (default 10000)
//
// Exit status: 0 summary printed; 1 the server answered against the protocol (the JSON line
// says how); 2 connect_error (prints {connect_error: err.data}); 3 deadline passed.

import { io } from "socket.io-client";

const NAMESPACE = "/feed";
const BAD_CHANNEL = "price:ZZZZ";

const env = process.env;
const FEED_URL = (env.FEED_URL || "http://127.0.0.1:8765").replace(/\/+$/, "");
const FEED_TOKEN = env.FEED_TOKEN || "";
const CHANNELS = (env.CHANNELS || "price:AAPL,price:MSFT,price:NVDA")
  .split(",")
  .map((name) => name.trim())
  .filter(Boolean);
const THROTTLE_MS = intFromEnv("THROTTLE_MS", 50);
const MIN_BATCHES = intFromEnv("MIN_BATCHES", 3);
const TIMEOUT_MS = intFromEnv("TIMEOUT_MS", 10_000);
const ACK_TIMEOUT_MS = Math.min(5_000, TIMEOUT_MS);

function intFromEnv(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    process.stdout.write(
      JSON.stringify({ failure: `${name} must be a non-negative integer, got ${raw}` }) + "\n",
    );
    process.exit(1);
  }
  return value;
}

let socket = null;
let finished = false;
function finish(code, summary) {
  if (finished) return;
  finished = true;
  const line = JSON.stringify(summary) + "\n";
  process.stdout.write(line, () => {
    try {
      socket?.disconnect();
    } finally {
      process.exit(code);
    }
  });
}

// ----- state ---------------------------------------------------------------------------------

const state = {
  stage: "connecting",
  connected: false,
  transport: null,
  subscribeAck: null,
  subscribeAckRead: false, // set as the ack packet is read, before any packet behind it
  batches: 0,
  updates: 0,
  batchesBeforeAck: 0,
  channelsSeen: new Set(),
  lastSeq: new Map(), // channel -> last seq applied (starts at the ack's position)
  seqMonotonic: true,
  seqViolations: [],
  goodbye: null,
};
let batchWaiter = null;

// ----- connection ----------------------------------------------------------------------------

const options = {
  transports: ["websocket"],
  reconnection: false, // one attempt: a refusal must surface, not be retried
  timeout: TIMEOUT_MS, // connection timeout
};
if (FEED_TOKEN) options.auth = { token: FEED_TOKEN };

socket = io(FEED_URL + NAMESPACE, options);

const deadline = setTimeout(() => {
  finish(3, { timeout: true, stage: state.stage, timeout_ms: TIMEOUT_MS, ...partial() });
}, TIMEOUT_MS);

socket.on("connect_error", (err) => {
  // A refusal by the server carries {code, message} in err.data; a transport failure has none.
  finish(2, { connect_error: err.data ?? null, message: err.message });
});

socket.on("goodbye", (payload) => {
  state.goodbye = payload;
});

socket.on("disconnect", (reason) => {
  if (state.stage !== "done") {
    finish(1, { failure: `disconnected: ${reason}`, stage: state.stage, ...partial() });
  }
});

socket.on("batch", (batch) => {
  if (!batch || !Array.isArray(batch.updates) || typeof batch.server_ts !== "number") {
    finish(1, { failure: "malformed batch", batch });
    return;
  }
  state.batches += 1;
  if (!state.subscribeAckRead) state.batchesBeforeAck += 1;
  for (const { channel, seq } of batch.updates) {
    state.updates += 1;
    state.channelsSeen.add(channel);
    const last = state.lastSeq.get(channel);
    if (last !== undefined && !(seq > last)) {
      state.seqMonotonic = false;
      if (state.seqViolations.length < 5) state.seqViolations.push({ channel, last, seq });
    }
    if (last === undefined || seq > last) state.lastSeq.set(channel, seq);
  }
  if (batchWaiter && state.batches >= MIN_BATCHES) batchWaiter();
});

socket.on("connect", () => {
  state.connected = true;
  state.transport = socket.io.engine.transport.name;
  run().catch((err) => finish(1, { failure: String(err?.message ?? err), stage: state.stage }));
});

// ----- the session ---------------------------------------------------------------------------

function request(event, payload, onRead = () => {}) {
  // Every request is sent with an acknowledgement; the server answers each one. `onRead` runs
  // in the ack's callback, as its packet is read: the code after an `await` runs later, after
  // every packet that came in the same read (under load, the batches behind the ack).
  return new Promise((resolve, reject) => {
    socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err, reply) => {
      if (err) {
        reject(err);
        return;
      }
      onRead(reply);
      resolve(reply);
    });
  });
}

async function run() {
  state.stage = "subscribe";
  const ack = await request(
    "subscribe",
    { id: "sub-1", channels: CHANNELS, throttle_ms: THROTTLE_MS },
    () => {
      state.subscribeAckRead = true;
    },
  );
  if (!ack || ack.ok !== true || ack.id !== "sub-1") {
    finish(1, { failure: "subscribe refused", ack });
    return;
  }
  for (const [channel, position] of Object.entries(ack.positions ?? {})) {
    const seen = state.lastSeq.get(channel);
    if (seen === undefined || position.seq > seen) state.lastSeq.set(channel, position.seq);
  }
  state.subscribeAck = {
    id: ack.id,
    channels: ack.channels,
    throttle_ms: ack.throttle_ms,
    snapshot_keys: Object.keys(ack.snapshot ?? {}).sort(),
    snapshot_symbols: Object.fromEntries(
      Object.entries(ack.snapshot ?? {}).map(([channel, quote]) => [channel, quote?.symbol]),
    ),
    positions: ack.positions,
    recovered: ack.recovered,
    replay_keys: Object.keys(ack.replay ?? {}),
  };

  // A refused request must not disturb the connection: batches keep flowing after it.
  state.stage = "bad_subscribe";
  const bad = await request("subscribe", { id: "sub-bad", channels: [BAD_CHANNEL] });
  const badSubscribe = {
    ok: bad?.ok,
    id: bad?.id,
    code: bad?.error?.code ?? null,
    message: bad?.error?.message ?? null,
  };

  state.stage = "batches";
  if (state.batches < MIN_BATCHES) {
    await new Promise((resolve) => {
      batchWaiter = resolve;
    });
  }

  state.stage = "ping";
  const clientTs = Date.now(); // an integer: the server refuses a fractional client_ts
  const started = performance.now();
  const pong = await request("ping", { id: "ping-1", client_ts: clientTs });
  const rttMs = Math.round((performance.now() - started) * 1000) / 1000;
  const ping = {
    ok: pong?.ok,
    id: pong?.id,
    client_ts_echoed: pong?.client_ts === clientTs,
    server_ts: pong?.server_ts,
    clock_offset_ms: typeof pong?.server_ts === "number" ? pong.server_ts - clientTs : null,
  };

  state.stage = "done";
  clearTimeout(deadline);
  finish(0, {
    connected: state.connected,
    transport: state.transport,
    subscribe_ack: state.subscribeAck,
    bad_subscribe: badSubscribe,
    error_code: badSubscribe.code,
    ping,
    rtt_ms: pong?.ok === true ? rttMs : null,
    ...partial(),
  });
}

function partial() {
  return {
    connected: state.connected,
    batches: state.batches,
    batches_before_ack: state.batchesBeforeAck,
    updates: state.updates,
    channels_seen: [...state.channelsSeen].sort(),
    seq_monotonic: state.seqMonotonic,
    seq_violations: state.seqViolations,
    goodbye: state.goodbye,
  };
}
