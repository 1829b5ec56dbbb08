#!/usr/bin/env node
// The reference: a minimal socket.io 4 server that does the naive thing. One room per symbol
// (`price:<SYM>`), a client joins rooms by emitting `join` with a list of symbols, and every
// tick is emitted at once to its room as one `price` event {channel, seq, data:{symbol, last,
// ts}}: no batching, no conflation, no throttle.
//
// Ticks come from the same deterministic source as the Python benchmark server
// (tickgen.mjs ≡ realtime_server/sources/synthetic.py).
//
//   node server.mjs --port 9000 [--host 127.0.0.1] [--symbols 500] [--rate 5000] [--seed 7]
//   node server.mjs --print-ticks 20 [--symbols 500] [--seed 7] [--rate 5000]
//       prints the first ticks as JSON lines with t0 = 0 and exits (for the harness's tests)
//
// HTTP: GET /healthz → {"status":"ok"}; GET /stats → {ticks, dropped, connections, pid}.

import http from "node:http";
import { TickGenerator, WAKE_MS } from "./tickgen.mjs";

function parseArgs(argv) {
  const args = { host: "127.0.0.1", port: 0, symbols: 500, rate: 5000, seed: 7, printTicks: 0 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "").replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in args)) throw new Error(`unknown option ${argv[i]}`);
    args[key] = key === "host" ? argv[i + 1] : Number(argv[i + 1]);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));

if (args.printTicks > 0) {
  const gen = new TickGenerator({ symbols: args.symbols, rate: args.rate, seed: args.seed, t0: 0 });
  const lines = [];
  for (let k = 0; k < args.printTicks; k += 1) {
    const [i, cents, ts] = gen.step();
    lines.push(JSON.stringify({ symbol: gen.symbols[i], cents, ts }));
  }
  // Exit only once the write is flushed: a pipe's writes are asynchronous, and exiting at
  // once would cut the output short.
  process.stdout.write(lines.join("\n") + "\n", () => process.exit(0));
} else {
  serve(args);
}

async function serve(args) {
  // Loaded here, so that --print-ticks runs before `npm ci` has installed socket.io.
  const { Server } = await import("socket.io");
  const gen = new TickGenerator({ symbols: args.symbols, rate: args.rate, seed: args.seed });
  const rooms = gen.symbols.map((s) => `price:${s}`);
  const known = new Set(gen.symbols);
  const seqs = new Array(gen.symbols.length).fill(0);
  let ticks = 0;

  const httpServer = http.createServer((req, res) => {
    const body =
      req.url === "/stats"
        ? { ticks, dropped: gen.dropped, connections: io.engine.clientsCount, pid: process.pid }
        : req.url === "/healthz"
          ? { status: "ok" }
          : null;
    // (socket.io answers requests on its own path before this handler sees them)
    res.writeHead(body === null ? 404 : 200, { "content-type": "application/json" });
    res.end(JSON.stringify(body ?? { error: "not found" }));
  });

  const io = new Server(httpServer, { serveClient: false });

  io.on("connection", (socket) => {
    socket.on("join", (symbols, ack) => {
      const list = Array.isArray(symbols) ? symbols.filter((s) => known.has(s)) : [];
      socket.join(list.map((s) => `price:${s}`));
      if (typeof ack === "function") ack({ ok: true, joined: list.length });
    });
  });

  function emitTick(i, cents, ts) {
    seqs[i] += 1;
    ticks += 1;
    io.to(rooms[i]).emit("price", {
      channel: rooms[i],
      seq: seqs[i],
      data: { symbol: gen.symbols[i], last: cents / 100, ts },
    });
  }

  // The opening print of every symbol, then the fixed-rate walk.
  gen.symbols.forEach((_, i) => emitTick(i, 10000, gen.t0));
  const timer = setInterval(() => gen.advance(Date.now(), emitTick), WAKE_MS);

  httpServer.listen(args.port, args.host, () => {
    const { port } = httpServer.address();
    process.stdout.write(JSON.stringify({ listening: port, pid: process.pid }) + "\n");
  });

  function shutdown() {
    clearInterval(timer);
    io.close();
    setTimeout(() => process.exit(0), 200).unref();
  }
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}
