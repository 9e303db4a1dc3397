/**
 * The hyperparameter grid: its trials in a fixed order, shards (`--shard i/n` runs the trials
 * whose index ≡ i mod n), and one JSON file per finished trial, written atomically so a killed
 * shard resumes where it stopped and shards on different machines can be merged.
 * @module
 */
import { join } from "node:path";
import { writeFileAtomic } from "../../train/atomic_write.ts";
import type { EpochRecord } from "../../train/history.ts";
import { toJson } from "../../experiment/results.ts";

/** The values each hyperparameter takes; trials are their product. */
export interface GridSpec {
  learningRate: number[];
  hidden: number[];
  reg: number[];
  batchSize: number[];
}

/** The assignment's grid: 3 × 4 × 3 × 4 = 144 trials. */
export const FULL_GRID: GridSpec = {
  learningRate: [1e-3, 2e-3, 3e-3],
  hidden: [20, 40, 60, 80],
  reg: [1e-4, 1e-3, 3e-3],
  batchSize: [200, 300, 400, 500],
};

/** One point of the grid. */
export interface TrialParams {
  learningRate: number;
  hidden: number;
  reg: number;
  batchSize: number;
}

/**
 * Every trial of `spec`, index = position: learning rate varies slowest, batch size fastest.
 * Example: `gridTrials(FULL_GRID).length === 144`.
 */
export function gridTrials(spec: GridSpec): TrialParams[] {
  const out: TrialParams[] = [];
  for (const learningRate of spec.learningRate) {
    for (const hidden of spec.hidden) {
      for (const reg of spec.reg) {
        for (const batchSize of spec.batchSize) out.push({ learningRate, hidden, reg, batchSize });
      }
    }
  }
  return out;
}

/** A shard: this process runs trials with index ≡ `index` (mod `count`). */
export interface Shard {
  index: number;
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

/** The trial indices (of `total`) that `shard` runs, ascending. */
export function shardIndices(total: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let i = shard.index; i < total; i += shard.count) out.push(i);
  return out;
}

/** What every trial of one grid run shares; a trial file made with other settings is stale. */
export interface TrialSettings {
  iterations: number;
  learningRateDecay: number;
  initStd: number;
  seed: number;
  numTrain: number;
  numVal: number;
  numTest: number;
  /** The data's source line (tells CIFAR-10 from the stand-in). */
  source: string;
}

/** The contents of one trial file. */
export interface TrialRecord {
  index: number;
  params: TrialParams;
  settings: TrialSettings;
  valAcc: number;
  testAcc: number;
  trainAcc: number;
  finalLoss: number;
  seconds: number;
  history: EpochRecord[];
}

/** `dir/trial-NNN.json`. */
export function trialPath(dir: string, index: number): string {
  return join(dir, `trial-${String(index).padStart(3, "0")}.json`);
}

/** True when two records hold the same fields with the same values (key order aside). */
function sameFields(a: object, b: object): boolean {
  return JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort());
}

/**
 * The trial file for `index` when it exists, parses, and was made for these params and
 * settings; otherwise undefined (a torn file cannot exist: files are written atomically).
 */
export function readTrial(
  dir: string,
  index: number,
  params: TrialParams,
  settings: TrialSettings,
): Promise<TrialRecord | undefined> {
  return readTrialFile(trialPath(dir, index), index, params, settings);
}

/**
 * {@link readTrial} of the file at `path` (a trial file copied from another machine); without
 * `settings.source` a file made on any data source is taken.
 */
export async function readTrialFile(
  path: string,
  index: number,
  params: TrialParams,
  settings: Omit<TrialSettings, "source"> & { source?: string },
): Promise<TrialRecord | undefined> {
  let rec: TrialRecord;
  try {
    rec = JSON.parse(await Deno.readTextFile(path));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  const want = { ...settings, source: settings.source ?? rec.settings?.source };
  const ok = rec.index === index && sameFields(rec.params, params) &&
    sameFields(rec.settings, want) && typeof rec.valAcc === "number";
  return ok ? rec : undefined;
}

/** Runs one trial; the shard runner adds index, params and settings. */
export type TrialRunner = (
  p: TrialParams,
) => Promise<Omit<TrialRecord, "index" | "params" | "settings">>;

/** What {@link runShard} did. */
export interface ShardReport {
  ran: number[];
  /** Trials already on disk with the same settings. */
  skipped: number[];
}

/**
 * Runs this shard's trials that are not already on disk, writing each one's file as soon as it
 * finishes. Example: `await runShard({ dir, spec: FULL_GRID, shard: parseShard("0/4"), ... })`.
 */
export async function runShard(o: {
  dir: string;
  spec: GridSpec;
  shard: Shard;
  settings: TrialSettings;
  run: TrialRunner;
  log?: (s: string) => void;
}): Promise<ShardReport> {
  const trials = gridTrials(o.spec);
  const report: ShardReport = { ran: [], skipped: [] };
  const mine = shardIndices(trials.length, o.shard);
  for (const index of mine) {
    const params = trials[index];
    if (await readTrial(o.dir, index, params, o.settings)) {
      report.skipped.push(index);
      continue;
    }
    o.log?.(
      `trial ${index} (${report.ran.length + report.skipped.length + 1}/${mine.length} ` +
        `of shard ${o.shard.index}/${o.shard.count}): ${JSON.stringify(params)}`,
    );
    const r = await o.run(params);
    const rec: TrialRecord = { index, params, settings: o.settings, ...r };
    await writeFileAtomic(trialPath(o.dir, index), toJson(rec));
    report.ran.push(index);
  }
  return report;
}
