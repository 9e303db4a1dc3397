/**
 * The timing loop shared by every workload of ours: `repeats` timed runs of at least `seconds`
 * each (and at least `minSteps` steps), median rate. A step only queues work (WebGPU: one submit);
 * its result is read back every `readEvery` steps and at the end of each repeat, so the time
 * covers the device's work without a readback serialising every step. Same rule as
 * bench/peers/tfjs_webgpu.ts and bench/peers/tfjs_cpu.ts.
 */
import { procMemory } from "./proc_memory.ts";

/** What one step returns: the units it did and a handle whose read waits for the step. */
export interface StepResult {
  units: number;
  /** Reads the step's result back (waits for the device); called on readback steps only. */
  read: () => Promise<unknown>;
  /** Frees what the step returned (called once the next step has been queued or read). */
  dispose: () => void;
}

/** Resident memory over the timed steps (what results.json's `memory` shows of them). */
export interface RssTrace {
  rssStartMiB?: number;
  rssEndMiB?: number;
  /** rssEnd − rssStart over all timed steps (MiB); near 0 when a step leaks nothing. */
  rssGrowthMiB?: number;
  /** RSS after each repeat (MiB), to tell steady growth from one-off allocation. */
  rssAfterRepeatMiB: number[];
  /** [timed step number, RSS MiB] at each readback (at most 200 kept, evenly thinned). */
  rssSamplesMiB: [number, number][];
  /** Least-squares slope of those samples, MiB per step (≈ 0 when steps do not grow memory). */
  rssSlopeMiBPerStep?: number;
}

/** Rates over the repeats and resident memory at the start and end of the timed steps. */
export interface Measurement {
  median: number;
  min: number;
  max: number;
  /** Steps per repeat. */
  steps: number[];
  memory: RssTrace;
}

/** Least-squares slope of y over x; undefined with fewer than 3 distinct points. */
export function slope(points: [number, number][]): number | undefined {
  if (new Set(points.map((p) => p[0])).size < 3) return undefined;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let sxy = 0, sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxy / sxx;
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  seconds: number;
  repeats?: number;
  readEvery?: number;
  minSteps?: number;
}

/** Times `step` (see the module comment); median of `repeats` rates in units per second. */
export async function measure(
  step: () => StepResult,
  { seconds, repeats = 3, readEvery = 10, minSteps = 2 }: MeasureOptions,
): Promise<Measurement> {
  const rates: number[] = [], steps: number[] = [], rssAfter: number[] = [];
  const samples: [number, number][] = [];
  let total = 0;
  const sample = () => {
    const rss = procMemory().rssMiB;
    if (rss !== undefined) samples.push([total, rss]);
  };
  const rssStart = procMemory().rssMiB;
  for (let r = 0; r < repeats; r++) {
    let units = 0, n = 0;
    let last: StepResult | undefined;
    const t0 = performance.now();
    while (n < minSteps || performance.now() - t0 < seconds * 1000) {
      const cur = step();
      last?.dispose();
      last = cur;
      units += cur.units;
      n++;
      total++;
      if (n % readEvery === 0) {
        await cur.read();
        sample();
      }
    }
    await last!.read();
    if (n % readEvery !== 0) sample();
    rates.push(units / ((performance.now() - t0) / 1000));
    last!.dispose();
    steps.push(n);
    const rss = procMemory().rssMiB;
    if (rss !== undefined) rssAfter.push(rss);
  }
  const rssEnd = procMemory().rssMiB;
  const sorted = [...rates].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)],
    min: sorted[0],
    max: sorted[sorted.length - 1],
    steps,
    memory: {
      rssStartMiB: rssStart,
      rssEndMiB: rssEnd,
      rssGrowthMiB: rssStart !== undefined && rssEnd !== undefined ? rssEnd - rssStart : undefined,
      rssAfterRepeatMiB: rssAfter,
      rssSamplesMiB: samples.filter((_, i) => i % Math.ceil(samples.length / 200) === 0),
      rssSlopeMiBPerStep: slope(samples),
    },
  };
}
