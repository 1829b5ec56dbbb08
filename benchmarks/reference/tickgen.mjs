// The benchmark's synthetic tick source, in JavaScript. It must produce exactly the same
// ticks as realtime_server/sources/synthetic.py (a test compares the two); change both or neither.
//
//   symbols      S000 … S499 (zero-padded to at least 3 digits), every one starting at 100.00
//   randomness   xorshift32, state = (seed × 0x9E3779B1 + 1) mod 2^32 (1 if that is 0)
//   tick k       symbol = next() mod N; price in cents += next() mod 5 − 2 (never below 1)
//   timestamps   tick k falls due at t0 + floor(k × 1000 / rate) ms (t0 = start, in ms);
//                its `ts` is that due time: the moment the source "saw" the trade
//   pacing       every wake-up (10 ms) produces every tick that has fallen due; ticks more
//                than MAX_LAG_MS overdue are advanced through (the walk stays identical) but
//                not emitted, and counted as dropped, so an overloaded server's work stays
//                bounded

export const MAX_LAG_MS = 2000;
export const WAKE_MS = 10;

export function symbolNames(n) {
  const width = Math.max(3, String(n - 1).length);
  return Array.from({ length: n }, (_, i) => "S" + String(i).padStart(width, "0"));
}

export class XorShift32 {
  constructor(seed) {
    let x = (Math.imul(seed | 0, 0x9e3779b1) + 1) >>> 0;
    this.x = x === 0 ? 1 : x;
  }
  next() {
    let x = this.x;
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    this.x = x;
    return x;
  }
}

export class TickGenerator {
  constructor({ symbols = 500, rate = 5000, seed = 7, t0 = Date.now() } = {}) {
    this.symbols = symbolNames(symbols);
    this.rate = rate;
    this.t0 = t0;
    this.rng = new XorShift32(seed);
    this.cents = new Array(symbols).fill(10000);
    this.k = 0; // next tick index
    this.dropped = 0;
  }

  dueTs(k) {
    return this.t0 + Math.floor((k * 1000) / this.rate);
  }

  /** The next tick of the walk, emitted or not: [symbolIndex, cents, ts]. */
  step() {
    const n = this.symbols.length;
    const i = this.rng.next() % n;
    const cents = Math.max(1, this.cents[i] + (this.rng.next() % 5) - 2);
    this.cents[i] = cents;
    const ts = this.dueTs(this.k);
    this.k += 1;
    return [i, cents, ts];
  }

  /** Every tick due at `nowMs`, calling emit(symbolIndex, cents, ts) for those not too late. */
  advance(nowMs, emit) {
    let emitted = 0;
    while (this.dueTs(this.k) <= nowMs) {
      const [i, cents, ts] = this.step();
      if (nowMs - ts > MAX_LAG_MS) {
        this.dropped += 1;
      } else {
        emit(i, cents, ts);
        emitted += 1;
      }
    }
    return emitted;
  }
}

/** The `count` distinct symbol indices client `id` follows (same for every server). */
export function clientSymbols(id, count, n) {
  const rng = new XorShift32(1_000_003 + id);
  const pool = Array.from({ length: n }, (_, i) => i);
  const take = Math.min(count, n);
  for (let j = 0; j < take; j += 1) {
    const r = j + (rng.next() % (n - j));
    [pool[j], pool[r]] = [pool[r], pool[j]];
  }
  return pool.slice(0, take);
}
