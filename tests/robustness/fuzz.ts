/**
 * A small seeded mutation fuzzer for the file parsers: each case is a valid seed input with a
 * few random mutations (bit flips, boundary bytes, overwritten header fields, truncation,
 * extension, spliced blocks). A run is bounded by a case count and a time budget, but always
 * runs at least `minCases`, so a slow machine still covers the same first cases (same seed ⇒
 * same inputs). Each case must end in a clean error or a load whose invariants hold, and must
 * not allocate much more than the input implies (ArrayBuffer memory measured around the call).
 * The tests run {@link fuzz} in a worker under a watchdog (fuzz_watchdog.ts), so a parser that
 * never returns fails its test in seconds instead of hanging CI.
 * @module
 */
import assert from "node:assert/strict";
import { Rng } from "../../kernels/random.ts";

/** How long and how hard to fuzz. */
export interface FuzzBudget {
  seed: number;
  /** Cases always run, whatever the time. */
  minCases: number;
  /** Cases at most. */
  maxCases: number;
  /** Stop after this many milliseconds once `minCases` ran. */
  maxMillis: number;
}

/** A few seconds per parser: thousands of cases on a free core, `minCases` on a busy one. */
export const DEFAULT_BUDGET: FuzzBudget = {
  seed: 1,
  minCases: 300,
  maxCases: 20_000,
  maxMillis: 3000,
};

/** Byte ranges worth hitting more often (header fields). */
export type HotRange = [start: number, end: number];

const BOUNDARY = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 0x20, 0x30, 0x37, 0x38];

/** One mutated copy of `input`: 1–4 random edits, half of them inside a hot range if given. */
export function mutate(rng: Rng, input: Uint8Array, hot: HotRange[] = []): Uint8Array {
  let b = input.slice();
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const pos = (): number => {
      if (hot.length && rng.uniform() < 0.5) {
        const [s, t] = hot[rng.int(hot.length)];
        return Math.min(b.length - 1, s + rng.int(Math.max(1, t - s)));
      }
      return rng.int(b.length);
    };
    const kind = b.length === 0 ? 5 : rng.int(8);
    switch (kind) {
      case 0: // one bit
        b[pos()] ^= 1 << rng.int(8);
        break;
      case 1: // a boundary byte
        b[pos()] = BOUNDARY[rng.int(BOUNDARY.length)];
        break;
      case 2: // a random byte
        b[pos()] = rng.int(256);
        break;
      case 3: { // a run of one byte value (a wiped or stuffed field)
        const at = pos(), len = 1 + rng.int(12), v = BOUNDARY[rng.int(BOUNDARY.length)];
        b.fill(v, at, Math.min(b.length, at + len));
        break;
      }
      case 4: // truncation
        b = b.slice(0, rng.int(b.length));
        break;
      case 5: { // extension with random bytes
        const extra = Uint8Array.from({ length: 1 + rng.int(600) }, () => rng.int(256));
        const out = new Uint8Array(b.length + extra.length);
        out.set(b);
        out.set(extra, b.length);
        b = out;
        break;
      }
      case 6: { // a block cut out of the middle
        const at = rng.int(b.length), len = 1 + rng.int(Math.min(1024, b.length - at));
        const out = new Uint8Array(b.length - len);
        out.set(b.subarray(0, at));
        out.set(b.subarray(at + len), at);
        b = out;
        break;
      }
      default: { // a block copied over another place
        const from = rng.int(b.length), to = rng.int(b.length);
        const len = Math.min(1 + rng.int(64), b.length - from, b.length - to);
        b.copyWithin(to, from, from + len);
      }
    }
  }
  return b;
}

/** Values a header field should never hold, or only just. */
const WEIRD: unknown[] = [
  null,
  -1,
  0,
  1.5,
  2 ** 53,
  1e308,
  "x",
  "float64",
  "int32",
  "F16",
  [],
  {},
  [-1],
  [1e9, 1e9],
  true,
];

/**
 * A copy of `b` whose JSON header (its length a little-endian u32 or u64 of `bytes` bytes at
 * `lengthAt`, the JSON right after it) has one random leaf or list replaced by a weird value,
 * with the length field rewritten to match: the mutation reaches past the length and JSON
 * checks. `b` itself when its header is not JSON.
 */
export function mutateJsonHeader(
  b: Uint8Array,
  rng: Rng,
  { lengthAt, bytes }: { lengthAt: number; bytes: 4 | 8 },
): Uint8Array {
  const at = lengthAt + bytes;
  if (b.length < at) return b;
  const view = new DataView(b.buffer, b.byteOffset);
  const hlen = bytes === 4
    ? view.getUint32(lengthAt, true)
    : Number(view.getBigUint64(lengthAt, true) & 0xffffffffn);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(b.subarray(at, at + hlen)));
  } catch {
    return b;
  }
  const spots: [Record<string, unknown>, string][] = [];
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== "object") return;
    for (const [k, c] of Object.entries(v)) {
      spots.push([v as Record<string, unknown>, k]);
      walk(c);
    }
  };
  walk(header);
  if (spots.length) {
    const [obj, key] = spots[rng.int(spots.length)];
    obj[key] = WEIRD[rng.int(WEIRD.length)];
  }
  const h = new TextEncoder().encode(JSON.stringify(header));
  const rest = b.subarray(Math.min(b.length, at + hlen));
  const out = new Uint8Array(at + h.length + rest.length);
  out.set(b.subarray(0, lengthAt));
  const o = new DataView(out.buffer);
  if (bytes === 4) o.setUint32(lengthAt, h.length, true);
  else o.setBigUint64(lengthAt, BigInt(h.length), true);
  out.set(h, at);
  out.set(rest, at + h.length);
  return out;
}

/** What one case did, for the summary assertion. */
export type Outcome = "loaded" | "rejected";

/** ArrayBuffer bytes in use (typed arrays live outside the JS heap). */
function externalBytes(): number {
  return Deno.memoryUsage().external;
}

/** How a target is fuzzed besides its seeds and parser. */
export interface FuzzOptions {
  budget?: FuzzBudget;
  hot?: HotRange[];
  allowBytes?: (input: Uint8Array) => number;
  /** Repairs checksums or lengths of half the cases, so mutations reach deeper code. */
  fixup?: (input: Uint8Array, rng: Rng) => Uint8Array;
  /**
   * Progress for a watchdog: `progress[0]` is set to the number of the case about to run,
   * `progress[1]` to its length in bytes, `progress[2]` to the cases finished.
   */
  progress?: Int32Array;
}

/**
 * A parser to fuzz, defined in a module of its own so a worker can import it by name: the seed
 * inputs, the parse (which throws or returns after checking its invariants), and which thrown
 * errors are clean.
 */
export interface FuzzTarget {
  seeds: () => Uint8Array[] | Promise<Uint8Array[]>;
  parse: (input: Uint8Array) => unknown | Promise<unknown>;
  isClean: (e: unknown) => boolean;
  opts?: Omit<FuzzOptions, "progress">;
}

/** What a fuzz run did. */
export interface FuzzResult {
  cases: number;
  loaded: number;
  rejected: number;
}

/**
 * The inputs of the first `n + 1` cases of a run (the last is case `n`), without parsing: a
 * case's input depends only on the seed, the options and the case number, so a case a watchdog
 * names can be rebuilt and debugged.
 */
export function fuzzInput(seeds: Uint8Array[], n: number, opts: FuzzOptions = {}): Uint8Array {
  const rng = new Rng((opts.budget ?? DEFAULT_BUDGET).seed);
  let input: Uint8Array = new Uint8Array(0);
  for (let c = 0; c <= n; c++) input = nextInput(rng, seeds, c, opts);
  return input;
}

function nextInput(rng: Rng, seeds: Uint8Array[], c: number, opts: FuzzOptions): Uint8Array {
  const input = mutate(rng, seeds[c % seeds.length], opts.hot);
  return opts.fixup && rng.uniform() < 0.5 ? opts.fixup(input, rng) : input;
}

/**
 * Runs `parse` on mutated copies of the seeds. `parse` returns after a correct load (checking
 * its invariants itself) or throws; `isClean` says whether a thrown error is a clean one (the
 * parser's own error type and message), anything else fails the test with the input's case
 * number. Allocation per case must stay under `allowBytes(input)` (default 4 × its length + 1 MiB).
 * Returns how many cases loaded and were rejected.
 */
export async function fuzz(
  seeds: Uint8Array[],
  parse: (input: Uint8Array) => unknown | Promise<unknown>,
  isClean: (e: unknown) => boolean,
  opts: FuzzOptions = {},
): Promise<FuzzResult> {
  const budget = opts.budget ?? DEFAULT_BUDGET;
  const allow = opts.allowBytes ?? ((input) => 4 * input.length + (1 << 20));
  const rng = new Rng(budget.seed);
  const t0 = performance.now();
  let loaded = 0, rejected = 0, cases = 0;
  while (
    cases < budget.maxCases &&
    (cases < budget.minCases || performance.now() - t0 < budget.maxMillis)
  ) {
    const input = nextInput(rng, seeds, cases, opts);
    if (opts.progress) {
      Atomics.store(opts.progress, 0, cases);
      Atomics.store(opts.progress, 1, input.length);
    }
    const before = externalBytes();
    let outcome: Outcome;
    try {
      await parse(input);
      outcome = "loaded";
    } catch (e) {
      if (!isClean(e)) {
        throw new Error(
          `fuzz case ${cases} (seed ${budget.seed}, ${input.length} bytes): not a clean error: ` +
            `${(e as Error)?.stack ?? e}`,
        );
      }
      outcome = "rejected";
    }
    const grew = externalBytes() - before;
    assert.ok(
      grew <= allow(input),
      `fuzz case ${cases}: ${grew} bytes allocated for a ${input.length}-byte input`,
    );
    if (outcome === "loaded") loaded++;
    else rejected++;
    cases++;
    if (opts.progress) Atomics.store(opts.progress, 2, cases);
  }
  return { cases, loaded, rejected };
}
