import {
  atLeast,
  checkRow,
  near,
  onStandIn,
  type RowContext,
  taskCommand,
} from "../experiment/checks.ts";
import type { Reproduction, ReproductionRow, RunOptions } from "./reproduce_types.ts";

/**
 * Reproduction rows of the CIFAR-10 tasks. On stand-in data a row is never a pass: its status is
 * "not reproduced: data absent", and the quick run's plumbing floor (stand-in accuracy well above
 * chance) is stated in the row's text, met or not.
 */

/** {@link RunOptions} plus where CIFAR-10 is (tests point it at an empty folder). */
export interface CifarRunOptions extends RunOptions {
  dataDir?: string;
}

/** A CIFAR-10 task's reproduction, which also takes where CIFAR-10 is. */
export interface CifarReproduction extends Reproduction {
  runQuick(opts: CifarRunOptions): Promise<ReproductionRow[]>;
  runFull(opts: CifarRunOptions): Promise<ReproductionRow[]>;
}

export { reproductionArgs } from "./reproduce_args.ts";

/** The quick floors of a CIFAR-10 task: one for CIFAR-10, one for the stand-in. */
export interface QuickFloors {
  /** Accuracy the quick run must reach on CIFAR-10 (pass/fail). */
  real: number;
  /** Accuracy the quick run must reach on stand-in data: a broken pipeline stays at chance. */
  standIn: number;
  /** What a broken pipeline gets instead, for the row's text (default "chance 0.1"). */
  broken?: string;
}

/** One checked number and its context. */
export interface RowInput {
  task: string;
  check: string;
  reported: string;
  /** Our value; compared with `floor` (quick) or `within` (full). */
  value: number;
  /** Our value as text, when more than the number (e.g. per-variant accuracies). */
  oursText?: string;
  standIn: boolean;
  device: string;
  wallSeconds: number;
  args: string[];
}

function context(r: RowInput): RowContext {
  return {
    task: r.task,
    device: r.device,
    wallSeconds: r.wallSeconds,
    command: taskCommand(r.task, r.args),
  };
}

/** The quick-run row: pass/fail against `floors.real` on CIFAR-10; on stand-in, the floor text. */
export function quickRow(r: RowInput, floors: QuickFloors): ReproductionRow {
  const ours = r.oursText ?? r.value.toFixed(4);
  if (!r.standIn) {
    return atLeast(context(r), { ...r, ours, min: floors.real, note: "quick floor" });
  }
  const met = r.value >= floors.standIn;
  return onStandIn(checkRow(context(r), {
    ...r,
    ours,
    tolerance: `stand-in plumbing floor ≥ ${floors.standIn} (${floors.broken ?? "chance 0.1"}): ` +
      (met ? "met" : "NOT MET: the pipeline is broken"),
    pass: false,
  }));
}

/** A full-run row: |value − reported| ≤ tol on CIFAR-10; never a pass on stand-in data. */
export function fullRow(r: RowInput, reported: number, tol: number): ReproductionRow {
  const row = near(context(r), { ...r, ours: r.oursText, target: reported, tol });
  return r.standIn ? onStandIn(row) : row;
}
