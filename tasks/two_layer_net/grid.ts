/**
 * The hyperparameter grid: its trials in a fixed order and their files (experiment/trials.ts:
 * `--shard i/n` runs the trials whose index ≡ i mod n, one JSON file each, resumable).
 * @module
 */
import type { Shard } from "../../experiment/shards.ts";
import { runTrials, type ShardReport, type TrialHead } from "../../experiment/trials.ts";
import type { EpochRecord } from "../../train/history.ts";

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

export { parseShard, type Shard, shardIndices } from "../../experiment/shards.ts";
export { type ShardReport, trialPath } from "../../experiment/trials.ts";

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
export interface TrialRecord extends TrialHead<TrialParams, TrialSettings> {
  valAcc: number;
  testAcc: number;
  trainAcc: number;
  finalLoss: number;
  seconds: number;
  history: EpochRecord[];
}

/** A trial file holds the trial's results, not only its head. */
export const isTrialRecord = (r: { valAcc?: unknown }): boolean => typeof r.valAcc === "number";

/** Runs one trial; the shard runner adds index, params and settings. */
export type TrialRunner = (
  p: TrialParams,
) => Promise<Omit<TrialRecord, keyof TrialHead<TrialParams, TrialSettings>>>;

/**
 * Runs this shard's trials of `spec` that are not already on disk, writing each one's file as
 * soon as it finishes. Example: `await runShard({ dir, spec: FULL_GRID, shard, settings, run })`.
 */
export function runShard(o: {
  dir: string;
  spec: GridSpec;
  shard: Shard;
  settings: TrialSettings;
  run: TrialRunner;
  log?: (s: string) => void;
}): Promise<ShardReport> {
  return runTrials({ ...o, trials: gridTrials(o.spec), complete: isTrialRecord });
}
