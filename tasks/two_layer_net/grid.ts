/**
 * The hyperparameter grid: its trials in a fixed order (experiment/trials.ts gridProduct) and
 * their files (`--shard i/n` runs the trials whose index ≡ i mod n, one JSON file each,
 * resumable).
 * @module
 */
import type { Shard } from "../../experiment/shards.ts";
import {
  type GridPoint,
  gridProduct,
  runTrials,
  type ShardReport,
  type TrialHead,
} from "../../experiment/trials.ts";
import type { EpochRecord } from "../../train/history.ts";

/** The values each hyperparameter takes; trials are their product, learning rate slowest. */
export type GridSpec = {
  learningRate: number[];
  hidden: number[];
  reg: number[];
  batchSize: number[];
};

/** The assignment's grid: 3 × 4 × 3 × 4 = 144 trials. */
export const FULL_GRID: GridSpec = {
  learningRate: [1e-3, 2e-3, 3e-3],
  hidden: [20, 40, 60, 80],
  reg: [1e-4, 1e-3, 3e-3],
  batchSize: [200, 300, 400, 500],
};

/** One point of the grid. */
export type TrialParams = GridPoint<GridSpec>;

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

/**
 * Runs this shard's trials of `spec` that are not already on disk, writing each one's file as
 * soon as it finishes. Example: `await runShard({ dir, spec: FULL_GRID, shard, settings, run })`.
 */
export function runShard(o: {
  dir: string;
  spec: GridSpec;
  shard: Shard;
  settings: TrialSettings;
  run: (p: TrialParams) => Promise<Omit<TrialRecord, keyof TrialHead<unknown, unknown>>>;
  log?: (s: string) => void;
}): Promise<ShardReport> {
  return runTrials({ ...o, trials: gridProduct(o.spec), complete: isTrialRecord });
}
