/**
 * The fuzz watchdog (fuzz_watchdog.ts) turns a hanging parser into a failed test in bounded
 * time, naming the case, and passes a worker's failures and results through unchanged.
 */
import assert from "node:assert/strict";
import { fuzzInput } from "./fuzz.ts";
import { syncHang } from "./fuzz_targets/hanging.ts";
import { fuzzInWorker } from "./fuzz_watchdog.ts";

const broken = new URL("./fuzz_targets/hanging.ts", import.meta.url);

/** The error `p` rejects with and how long that took. */
async function rejection(p: Promise<unknown>): Promise<{ message: string; ms: number }> {
  const t0 = performance.now();
  try {
    await p;
  } catch (e) {
    return { message: (e as Error).message, ms: performance.now() - t0 };
  }
  throw new Error("resolved; expected a rejection");
}

Deno.test("a parser in a synchronous infinite loop fails in about stallMillis, naming the case", async () => {
  const { message, ms } = await rejection(fuzzInWorker(broken, "syncHang", { stallMillis: 1000 }));
  assert.match(
    message,
    /^fuzz syncHang: no case finished for 1000 ms, stopped in case 5 \((\d+) bytes; rebuild it with fuzzInput\(seeds, 5, opts\)\) after 5 cases: the parser hangs$/,
  );
  // Worker start (imports) plus the stall, with room for a busy machine; never the 120 s total.
  assert.ok(ms < 30_000, `took ${ms} ms`);
  const bytes = Number(/\((\d+) bytes/.exec(message)![1]);
  assert.equal(fuzzInput(await syncHang.seeds(), 5, syncHang.opts).length, bytes);
});

Deno.test("a parse that never settles fails the same way", async () => {
  const { message } = await rejection(fuzzInWorker(broken, "asyncHang", { stallMillis: 1000 }));
  assert.match(message, /no case finished for 1000 ms, stopped in case 3 .* after 3 cases/);
});

Deno.test("a target that hangs before its first case fails at totalMillis", async () => {
  const { message, ms } = await rejection(
    fuzzInWorker(broken, "seedHang", { stallMillis: 500, totalMillis: 3000 }),
  );
  assert.match(message, /^fuzz seedHang: over 3000 ms, stopped before its first case/);
  assert.ok(ms >= 3000 && ms < 30_000, `took ${ms} ms`);
});

Deno.test("a worker's failures come through (an unclean error, a huge allocation, no such target); a good run counts", async () => {
  const { message } = await rejection(fuzzInWorker(broken, "unclean"));
  assert.match(
    message,
    /^fuzz unclean: Error: fuzz case 0 \(seed 9, \d+ bytes\): not a clean error: TypeError/,
  );
  assert.deepEqual(await fuzzInWorker(broken, "fine"), { cases: 50, loaded: 50, rejected: 0 });
  const greedy = await rejection(fuzzInWorker(broken, "greedy"));
  assert.match(greedy.message, /fuzz case 0: \d{8,} bytes allocated for a \d+-byte input/);
  const missing = await rejection(fuzzInWorker(broken, "nope"));
  assert.match(missing.message, /exports no fuzz target "nope"/);
});
