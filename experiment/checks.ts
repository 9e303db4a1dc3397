/**
 * Reproduction checks: each helper compares one of our numbers with a threshold and returns the
 * row of results/REPRODUCTION.md, so no task writes `status: … ? "pass" : "fail"` by hand.
 * Example: `atLeast(at, { check: "test accuracy", reported: "0.99", value: acc, min: 0.8 })`.
 * @module
 */
import type { Reproduction, ReproductionRow, RunHeader, RunOptions } from "./record.ts";

/** What every row of one run shares: task, device, wall time and the command to rerun it. */
export interface RowContext {
  task: string;
  device: string;
  wallSeconds: number;
  command: string;
}

/** `deno task <task> <args>`, the command line rows and metrics.json quote. */
export function taskCommand(task: string, args: readonly string[]): string {
  return `deno task ${task} ${args.join(" ")}`.trim();
}

/**
 * The context of a finished run's rows; `args` are the flags to quote (usually without --out).
 * Example: `rowContext(result.metrics, ["--quick", "--seed", "1"])`.
 */
export function rowContext(
  record: RunHeader & { wallSeconds: number },
  args: readonly string[],
): RowContext {
  return {
    task: record.task,
    device: record.device.description,
    wallSeconds: record.wallSeconds,
    command: taskCommand(record.task, args),
  };
}

/** The texts of a row besides the verdict. */
export interface CheckText {
  check: string;
  /** The report's number, as text. */
  reported: string;
}

/** A row whose verdict the task decided: `pass` with `ours` and `tolerance` as text. */
export function checkRow(
  at: RowContext,
  c: CheckText & { ours: string; tolerance: string; pass: boolean },
): ReproductionRow {
  return {
    task: at.task,
    check: c.check,
    reported: c.reported,
    ours: c.ours,
    tolerance: c.tolerance,
    status: c.pass ? "pass" : "fail",
    device: at.device,
    wallSeconds: at.wallSeconds,
    command: at.command,
  };
}

/** Options shared by the threshold checks: our value, and how to write it (default 4 decimals). */
export interface ValueCheck extends CheckText {
  value: number;
  ours?: string;
  /** Appended to the tolerance in parentheses, e.g. "quick floor" or "chance 0.1". */
  note?: string;
}

const oursText = (c: ValueCheck) => c.ours ?? c.value.toFixed(4);
const noted = (t: string, note?: string) => (note ? `${t} (${note})` : t);

/** Passes when `value ≥ min` (NaN fails). */
export function atLeast(at: RowContext, c: ValueCheck & { min: number }): ReproductionRow {
  return checkRow(at, {
    ...c,
    ours: oursText(c),
    tolerance: noted(`≥ ${c.min}`, c.note),
    pass: c.value >= c.min,
  });
}

/** Passes when `value < max` (NaN fails). */
export function below(at: RowContext, c: ValueCheck & { max: number }): ReproductionRow {
  return checkRow(at, {
    ...c,
    ours: oursText(c),
    tolerance: noted(`< ${c.max}`, c.note),
    pass: c.value < c.max,
  });
}

/** Passes when |value − target| ≤ tol (NaN fails). */
export function near(
  at: RowContext,
  c: ValueCheck & { target: number; tol: number },
): ReproductionRow {
  return checkRow(at, {
    ...c,
    ours: oursText(c),
    tolerance: noted(`± ${c.tol}`, c.note),
    pass: Math.abs(c.value - c.target) <= c.tol,
  });
}

/**
 * `row` as run on stand-in data: never a pass (status "not reproduced: data absent"), and its
 * number marked so nobody quotes it as the real data set's.
 */
export function onStandIn(row: ReproductionRow): ReproductionRow {
  return { ...row, ours: `${row.ours} (stand-in data)`, status: "not reproduced: data absent" };
}

/**
 * A check that could not run because its data is absent: never a pass, `ours` says why.
 * Example: `dataAbsentRow(at, { check: "full run", reported: "0.7", reason: "no CIFAR-10" })`.
 */
export function dataAbsentRow(at: RowContext, c: CheckText & { reason: string }): ReproductionRow {
  const row = checkRow(at, { ...c, ours: `not run: ${c.reason}`, tolerance: "—", pass: false });
  return { ...row, status: "not reproduced: data absent" };
}

/**
 * A task's reproduction whose quick and full runs differ only in `--quick`: `rows(o, quick)`
 * runs it and returns its rows. Example: `export const reproduction = reproductionOf("t", rows);`
 */
export function reproductionOf(
  task: string,
  rows: (o: RunOptions, quick: boolean) => Promise<ReproductionRow[]>,
  more: Pick<Reproduction, "requires"> = {},
): Reproduction {
  return { task, runQuick: (o) => rows(o, true), runFull: (o) => rows(o, false), ...more };
}
