import {
  atLeast,
  checkRow,
  near,
  onStandIn,
  type RowContext,
  type ValueCheck,
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

/** The quick-run row: pass/fail against `floors.real` on CIFAR-10; on stand-in, the floor text. */
export function quickFloorRow(
  at: RowContext,
  standIn: boolean,
  c: ValueCheck,
  floors: QuickFloors,
): ReproductionRow {
  if (!standIn) return atLeast(at, { ...c, min: floors.real, note: "quick floor" });
  const met = c.value >= floors.standIn;
  return onStandIn(checkRow(at, {
    ...c,
    ours: c.ours ?? c.value.toFixed(4),
    tolerance: `stand-in plumbing floor ≥ ${floors.standIn} (${floors.broken ?? "chance 0.1"}): ` +
      (met ? "met" : "NOT MET: the pipeline is broken"),
    pass: false,
  }));
}

/** A full-run row: |value − target| ≤ tol on CIFAR-10; never a pass on stand-in data. */
export function fullCheckRow(
  at: RowContext,
  standIn: boolean,
  c: ValueCheck & { target: number; tol: number },
): ReproductionRow {
  const row = near(at, c);
  return standIn ? onStandIn(row) : row;
}
