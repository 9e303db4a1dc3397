/**
 * The worker side of fuzz_watchdog.ts: imports the target module it is sent, runs {@link fuzz}
 * on the named target with the shared progress counters, and posts the result or the failure.
 * @module
 */
import { fuzz, type FuzzTarget } from "./fuzz.ts";

/** What the watchdog sends: the target's module URL, its export name and the counters. */
export interface FuzzJob {
  module: string;
  name: string;
  progress: SharedArrayBuffer;
}

/** What the worker posts back. */
export type FuzzReply =
  | { ok: { cases: number; loaded: number; rejected: number } }
  | { error: string };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<FuzzJob>) => void) | null;
  postMessage: (m: FuzzReply) => void;
};

scope.onmessage = async ({ data: job }) => {
  try {
    const target = (await import(job.module))[job.name] as FuzzTarget | undefined;
    if (!target) throw new Error(`${job.module} exports no fuzz target "${job.name}"`);
    const seeds = await target.seeds();
    const ok = await fuzz(seeds, target.parse, target.isClean, {
      ...target.opts,
      progress: new Int32Array(job.progress),
    });
    scope.postMessage({ ok });
  } catch (e) {
    scope.postMessage({ error: (e as Error)?.stack ?? String(e) });
  }
};
