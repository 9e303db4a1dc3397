/**
 * Shards of a list of trials (or seeds): `--shard i/n` runs the items whose index ≡ i (mod n).
 * Which shard a process runs: `--shard` when given, else the task of a Slurm job array
 * (`sbatch --array=0-3` runs four shards), else all of them (0/1), with where it came from.
 * @module
 */

/** A shard: this process runs the items with index ≡ `index` (mod `count`). */
export interface Shard {
  /** This shard's number, 0 ≤ index < count. */
  index: number;
  /** How many shards the items are split into. */
  count: number;
}

/** Parses `"i/n"` with 0 ≤ i < n. Example: `parseShard("2/4")` → `{ index: 2, count: 4 }`. */
export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!(count >= 1 && index >= 0 && index < count)) {
    throw new Error(`--shard must be i/n with 0 ≤ i < n, got "${s}"`);
  }
  return { index, count };
}

/** The item indices (of `total`) that `shard` runs, ascending. Example: `shardIndices(5, parseShard("1/2"))` → `[1, 3]`. */
export function shardIndices(total: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let i = shard.index; i < total; i += shard.count) out.push(i);
  return out;
}

/** A shard and where it came from, e.g. `"--shard"` or `"Slurm job array (…)"`. */
export interface ShardChoice {
  /** The shard to run. */
  shard: Shard;
  /** Where it came from, for the log. */
  source: string;
}

/** The Slurm job-array variables {@link resolveShard} reads. */
const SLURM_VARS = [
  "SLURM_ARRAY_TASK_ID",
  "SLURM_ARRAY_TASK_COUNT",
  "SLURM_ARRAY_TASK_MIN",
  "SLURM_ARRAY_TASK_MAX",
  "SLURM_ARRAY_TASK_STEP",
] as const;

function wholeNumber(env: Record<string, string | undefined>, name: string): number | undefined {
  const v = env[name];
  if (v === undefined || v === "") return undefined;
  if (!/^\d+$/.test(v.trim())) {
    throw new Error(`${name}="${v}" is not a whole number; pass --shard i/n instead`);
  }
  return Number(v);
}

/**
 * The shard of a Slurm job array task, or undefined outside one. Task ids `MIN, MIN+STEP, …`
 * map to shards 0, 1, …; the count is `SLURM_ARRAY_TASK_COUNT`, else `(MAX − MIN)/STEP + 1`.
 * Example: `{SLURM_ARRAY_TASK_ID: "5", SLURM_ARRAY_TASK_MIN: "4", SLURM_ARRAY_TASK_MAX: "7"}`
 * → shard 1/4.
 */
export function slurmShard(env: Record<string, string | undefined>): ShardChoice | undefined {
  const id = wholeNumber(env, "SLURM_ARRAY_TASK_ID");
  if (id === undefined) return undefined;
  const min = wholeNumber(env, "SLURM_ARRAY_TASK_MIN") ?? 0;
  const max = wholeNumber(env, "SLURM_ARRAY_TASK_MAX");
  const step = wholeNumber(env, "SLURM_ARRAY_TASK_STEP") ?? 1;
  const given = wholeNumber(env, "SLURM_ARRAY_TASK_COUNT");
  const seen = SLURM_VARS.filter((k) => env[k] !== undefined && env[k] !== "")
    .map((k) => `${k}=${env[k]}`).join(", ");
  const count = given ?? (max !== undefined && step >= 1 ? (max - min) / step + 1 : undefined);
  if (count === undefined) {
    throw new Error(
      `Slurm job array: SLURM_ARRAY_TASK_ID is set but neither SLURM_ARRAY_TASK_COUNT nor ` +
        `SLURM_ARRAY_TASK_MAX is (${seen}); pass --shard i/n`,
    );
  }
  const index = step >= 1 ? (id - min) / step : NaN;
  // --array=3,7 (a rerun of two tasks) has COUNT 2 but MIN 3, MAX 7: no shard numbering fits.
  const span = max !== undefined && step >= 1 ? (max - min) / step + 1 : count;
  if (
    !(Number.isInteger(index) && Number.isInteger(count) && index >= 0 && index < count &&
      span === count)
  ) {
    throw new Error(
      `Slurm job array: cannot number this task as a shard (${seen}); use a contiguous ` +
        `array such as --array=0-${Math.max(0, count - 1)} (resubmitting the whole array ` +
        `reruns only unfinished trials), or pass --shard i/n`,
    );
  }
  return { shard: { index, count }, source: `Slurm job array (${seen})` };
}

/**
 * `--shard` when given, else the Slurm job array's task, else the whole grid.
 * Example: `resolveShard(undefined, Deno.env.toObject())`.
 */
export function resolveShard(
  flag: string | undefined,
  env: Record<string, string | undefined>,
): ShardChoice {
  if (flag !== undefined) return { shard: parseShard(flag), source: "--shard" };
  return slurmShard(env) ??
    { shard: { index: 0, count: 1 }, source: "default: no --shard and no Slurm job array" };
}
