/**
 * Judging a full recipe over several seeds (`deno task reproduce --full --seeds 1-5`): the seed
 * list and shard parsers, mean ± standard deviation, and the table row of one check over seeds,
 * whose tolerance applies to the mean and whose text shows every seed's value.
 * @module
 */
import { type Shard, shardIndices } from "../experiment/shards.ts";

export { parseShard, type Shard } from "../experiment/shards.ts";

/** "1-5", "1,2,3" or "1-3,7" → [1, 2, 3, 4, 5] …; seeds are non-negative integers, no repeats. */
export function parseSeeds(s: string): number[] {
  const seeds: number[] = [];
  for (const part of s.split(",").map((p) => p.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) {
      throw new Error(`--seeds: "${part}" is not a seed or a range; write e.g. 1-5 or 1,2,3`);
    }
    const from = Number(m[1]), to = Number(m[2] ?? m[1]);
    if (to < from) throw new Error(`--seeds: range "${part}" runs backwards; write ${to}-${from}`);
    for (let k = from; k <= to; k++) seeds.push(k);
  }
  if (seeds.length === 0) throw new Error("--seeds: give at least one seed, e.g. 1-5");
  if (new Set(seeds).size !== seeds.length) throw new Error(`--seeds: "${s}" repeats a seed`);
  return seeds;
}

/** The seeds shard `sh` runs (0-based `i/n`, as `two-layer-net --grid`): seed k when k ≡ i (mod n). */
export function shardSeeds(seeds: number[], sh: Shard): number[] {
  return shardIndices(seeds.length, sh).map((k) => seeds[k]);
}

/** Mean and sample standard deviation (n − 1 in the denominator; 0 for one value). */
export function meanSd(values: number[]): { mean: number; sd: number } {
  if (values.length === 0) throw new Error("meanSd: no values");
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  if (values.length === 1) return { mean, sd: 0 };
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (values.length - 1)) };
}

/** A check's value on each seed, and the verdict on their mean. */
export interface SeedJudgement {
  ours: string;
  pass: boolean;
  mean: number;
  sd: number;
}

/**
 * The "ours" text and verdict of one check over seeds: `mean ± sd (n seeds; s: v, …)` (one seed:
 * its value and seed), passing when `pass(mean)` holds. Example: `judgeSeeds([{ seed: 1, value: 0.99 }], (m) => m > 0.98)`.
 */
export function judgeSeeds(
  values: { seed: number; value: number }[],
  pass: (v: number) => boolean,
  label = "",
): SeedJudgement {
  const { mean, sd } = meanSd(values.map((v) => v.value));
  const each = values.map((v) => `${v.seed}: ${v.value.toFixed(4)}`).join(", ");
  const prefix = label ? `${label}: ` : "";
  // One seed has no spread to show: its value and which seed it was.
  const ours = values.length === 1
    ? `${prefix}${mean.toFixed(4)} (seed ${values[0].seed})`
    : `${prefix}mean ${mean.toFixed(4)} ± ${sd.toFixed(4)} over ${values.length} seeds (${each})`;
  return {
    ours,
    pass: pass(mean),
    mean,
    sd,
  };
}

/** The tolerance text of a check judged on the mean of `n` seeds. */
export function onTheMean(tolerance: string, n: number): string {
  return n > 1 ? `${tolerance}, on the mean of ${n} seeds` : tolerance;
}
