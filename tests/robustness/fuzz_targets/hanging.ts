/**
 * Broken parsers for fuzz_watchdog_test.ts: one loops forever synchronously at its sixth case,
 * one never settles, one hangs before any case, one throws an unclean error, one allocates far
 * more than its input. @module
 */
import type { FuzzTarget } from "../fuzz.ts";

const seeds = () => [Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)];
const budget = { seed: 9, minCases: 50, maxCases: 50, maxMillis: 1000 };
let calls = 0;

/** Case 5 never returns: a `while (true)` no promise or timer can interrupt. */
export const syncHang: FuzzTarget = {
  seeds,
  parse: () => {
    if (calls++ === 5) { for (;;) { /* the bug */ } }
  },
  isClean: () => true,
  opts: { budget },
};

/** Case 3 returns a promise that never settles. */
export const asyncHang: FuzzTarget = {
  seeds,
  parse: () => (calls++ === 3 ? new Promise(() => {}) : undefined),
  isClean: () => true,
  opts: { budget },
};

/** Making the seeds never returns. */
export const seedHang: FuzzTarget = {
  seeds: () => {
    for (;;) { /* the bug */ }
  },
  parse: () => {},
  isClean: () => true,
};

/** Case 0 throws a TypeError where the parser's own error is expected. */
export const unclean: FuzzTarget = {
  seeds,
  parse: () => {
    throw new TypeError("cannot read properties of undefined");
  },
  isClean: (e) => !(e instanceof TypeError),
  opts: { budget },
};

const kept: Uint8Array[] = [];

/** Case 0 allocates 64 MiB for an 8-byte input (kept, so the collector cannot hide it). */
export const greedy: FuzzTarget = {
  seeds,
  parse: () => {
    kept.push(new Uint8Array(64 << 20).fill(1));
  },
  isClean: () => true,
  opts: { budget },
};

/** Every case loads: the run ends with all 50 cases. */
export const fine: FuzzTarget = { seeds, parse: () => {}, isClean: () => false, opts: { budget } };
