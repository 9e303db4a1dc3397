/**
 * Runs a fuzz target in a worker under a watchdog: a parser stuck in a synchronous loop cannot
 * be interrupted from its own thread, so the fuzz loop runs in a Worker and this thread watches
 * the cases it finishes; when none finishes for `stallMillis`, or the whole run passes
 * `totalMillis`, the worker is terminated and the run fails naming the case (seeded: rebuild
 * its input with `fuzzInput`). A never-settling async parse is caught the same way.
 * @module
 */
import type { FuzzResult } from "./fuzz.ts";
import type { FuzzJob, FuzzReply } from "./fuzz_worker.ts";

/** Watchdog limits. */
export interface WatchdogLimits {
  /** A case that runs this long is a hang (default 10 s; a case is a few KB of input). */
  stallMillis?: number;
  /** The whole run, worker start included (default 120 s). */
  totalMillis?: number;
}

const POLL_MS = 100;

/**
 * Fuzzes export `name` of module `module` (a {@link FuzzTarget}) in a worker and resolves with
 * its result; rejects with the worker's failure, or with a hang message after the limits.
 * Example: `await fuzzInWorker(new URL("./fuzz_targets/idx.ts", import.meta.url), "idx")`.
 */
export function fuzzInWorker(
  module: URL,
  name: string,
  limits: WatchdogLimits = {},
): Promise<FuzzResult> {
  const stallMillis = limits.stallMillis ?? 10_000, totalMillis = limits.totalMillis ?? 120_000;
  const shared = new SharedArrayBuffer(3 * 4);
  const progress = new Int32Array(shared);
  progress[0] = -1;
  const worker = new Worker(new URL("./fuzz_worker.ts", import.meta.url), { type: "module" });
  const t0 = performance.now();
  return new Promise<FuzzResult>((resolve, reject) => {
    let done = false, finished = 0, since = t0;
    const end = (f: () => void) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      worker.terminate();
      f();
    };
    const timer = setInterval(() => {
      const now = performance.now(), n = Atomics.load(progress, 2);
      // The stall clock starts with the first case: loading the target counts to the total only.
      if (n !== finished || Atomics.load(progress, 0) < 0) [finished, since] = [n, now];
      const stalled = now - since > stallMillis, late = now - t0 > totalMillis;
      if (!stalled && !late) return;
      const c = Atomics.load(progress, 0), bytes = Atomics.load(progress, 1);
      const where = c < 0
        ? "before its first case (loading the target or making its seeds)"
        : `in case ${c} (${bytes} bytes; rebuild it with fuzzInput(seeds, ${c}, opts))`;
      end(() =>
        reject(
          new Error(
            `fuzz ${name}: ${
              stalled ? `no case finished for ${stallMillis} ms` : `over ${totalMillis} ms`
            }, stopped ${where} after ${finished} cases: the parser hangs`,
          ),
        )
      );
    }, POLL_MS);
    worker.onmessage = (e: MessageEvent<FuzzReply>) => {
      const r = e.data;
      end(() => ("ok" in r ? resolve(r.ok) : reject(new Error(`fuzz ${name}: ${r.error}`))));
    };
    worker.onerror = (e) => {
      e.preventDefault();
      end(() => reject(new Error(`fuzz ${name}: the worker failed: ${e.message}`)));
    };
    worker.postMessage({ module: module.href, name, progress: shared } satisfies FuzzJob);
  });
}
