/**
 * The typed records a run produces: {@link RunRecord} (metrics.json) and the
 * {@link ReproductionRow}s `deno task reproduce` collects, with the contract a task module
 * exports for it ({@link Reproduction}).
 * @module
 */
import type { DeviceInfo, DeviceName } from "../kernels/device.ts";

/** What every metrics.json starts with; {@link RunRecord} adds the task's own parts. */
export interface RunHeader {
  task: string;
  /** The command line that reproduces the run, `deno task <task> <flags>`. */
  command: string;
  quick: boolean;
  device: DeviceInfo;
  seed: number;
}

/** What a task adds to the header: its settings, and usually its data, the report's numbers and ours. */
export interface RunBody {
  /** Hyperparameters, with the choices the report leaves open and why. */
  config: Record<string, unknown>;
  /** Where the data came from and how many samples each split had. */
  data?: Record<string, unknown>;
  /** The numbers the course reports, beside ours. */
  reported?: Record<string, unknown>;
  ours?: object;
  [extra: string]: unknown;
}

/** metrics.json of a run that measured `Ours`: the header, the body and the run's wall time. */
export type RunRecord<Ours extends object = Record<string, unknown>> =
  & RunHeader
  & RunBody
  & { reported: Record<string, unknown>; ours: Ours; wallSeconds: number };

/** Outcome of one check. Stand-in data is never a pass. */
export type ReproductionStatus = "pass" | "fail" | "not reproduced: data absent";

/** One line of results/REPRODUCTION.md. */
export interface ReproductionRow {
  /** Task name, as in `deno task <name>`. */
  task: string;
  /** What is checked, e.g. "test accuracy (quick: 6000 train, 1000 test)". */
  check: string;
  /** The reported number(s) from the course exercises, as text. */
  reported: string;
  /** Our number, as text. */
  ours: string;
  /** The threshold or tolerance applied, as text, e.g. "≥ 0.90". */
  tolerance: string;
  status: ReproductionStatus;
  /** Device description the run used. */
  device: string;
  wallSeconds: number;
  /** The command that reproduces this row. */
  command: string;
}

/** Where and how a reproduction runs. */
export interface RunOptions {
  outDir: string;
  device: DeviceName;
  seed: number;
}

/** What a task module exports for `deno task reproduce`. */
export interface Reproduction {
  task: string;
  /** Runs the quick version with results under `outDir`; never throws for a failed check. */
  runQuick(opts: RunOptions): Promise<ReproductionRow[]>;
  /** Runs the full recipe (absent where the full run is not defined or not feasible here). */
  runFull?(opts: RunOptions): Promise<ReproductionRow[]>;
  /**
   * The full recipe once per seed (results under `outDir/seed-<s>/`), one row per check with
   * mean ± standard deviation over `seeds`, judged on the mean. With `merge` nothing is trained:
   * the seeds' finished runs are read back from those folders (after `--shard` processes).
   */
  runFullSeeds?(opts: RunOptions, seeds: number[], merge: boolean): Promise<ReproductionRow[]>;
  /**
   * Data the full run needs. Without it `reproduce --full` records "not reproduced: data
   * absent" instead of training for hours on stand-in data that proves no more than the quick run.
   */
  requires?: "cifar10";
}
