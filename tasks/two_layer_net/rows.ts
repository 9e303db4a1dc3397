/**
 * The two-layer-net task's lines of results/REPRODUCTION.md. The toy rows do not use CIFAR-10
 * and are pass/fail everywhere; the CIFAR-10 rows go through quickRow/fullRow, so stand-in data
 * is never a pass.
 * @module
 */
import { below, checkRow, type RowContext, taskCommand } from "../../experiment/checks.ts";
import type { ReproductionRow } from "../reproduce_types.ts";
import { fullRow, type QuickFloors, quickRow, type RowInput } from "../cifar10_rows.ts";
import { FULL_TOLERANCE, REPORTED, TASK } from "./config.ts";
import type { ParamName } from "./net.ts";
import type { DefaultRun, MergeRun, ToyRun } from "./runs.ts";
import { mergeProblems } from "./merge.ts";

/** Thresholds of the toy rows (each far below what a wrong backward produces). */
export const TOY_LIMITS = {
  /** Analytic vs central differences (the assignment's bar: errors ~1e-9 are expected). */
  numeric: 1e-7,
  /** Hand backward vs the toolkit's float64 autograd: the same math, so only rounding differs. */
  autograd: 1e-10,
  /** Vectorised forward vs the independent per-sample computation. */
  forward: 1e-10,
  finalLoss: 0.05,
};

/** Where the rows' context comes from. */
export interface RowSource {
  device: string;
  args: string[];
}

/** The context of rows from a run with `extraArgs` that took `wallSeconds`. */
const at = (c: RowSource, wallSeconds: number, extraArgs: string[]): RowContext => ({
  task: TASK,
  device: c.device,
  wallSeconds,
  command: taskCommand(TASK, [...c.args, ...extraArgs]),
});

/** The four toy rows: numeric and autograd gradient checks, forward check, toy training. */
export function toyRows(t: ToyRun, c: RowSource): ReproductionRow[] {
  const r = t.report;
  const toy = at(c, t.wallSeconds, ["--toy"]);
  const relErrors = (check: string, reported: string, e: Record<ParamName, number>, max: number) =>
    checkRow(toy, {
      check,
      reported,
      ours: (["W1", "W2", "b1", "b2"] as const).map((k) => `${k} ${e[k].toExponential(1)}`)
        .join(", "),
      tolerance: `each < ${max}`,
      pass: Math.max(...Object.values(e)) < max,
    });
  return [
    relErrors(
      "toy: analytic vs numeric gradient, max relative error (float64)",
      `W1 ${REPORTED.toyRelErrorW1}, W2 ${REPORTED.toyRelErrorW2}, ` +
        `b1 ${REPORTED.toyRelErrorB1}, b2 ${REPORTED.toyRelErrorB2}`,
      r.numericRelErrors,
      TOY_LIMITS.numeric,
    ),
    relErrors(
      "toy: hand backward vs toolkit autograd (float64), max relative error",
      "(not reported; same math, rounding only)",
      r.autogradRelErrors,
      TOY_LIMITS.autograd,
    ),
    below(toy, {
      check: "toy: scores and loss vs an independent float64 computation " +
        "(the assignment's reference values need its own init)",
      reported: `scores ${REPORTED.toyScoresError}; loss ${REPORTED.toyLossError}`,
      ours: `scores ${r.scoresMaxAbsDiff.toExponential(1)}; loss ${r.lossAbsDiff.toExponential(1)}`,
      value: Math.max(r.scoresMaxAbsDiff, r.lossAbsDiff),
      max: TOY_LIMITS.forward,
    }),
    below(toy, {
      check: "toy: final training loss (SGD lr 0.1, decay 0.95, reg 5e-6, 100 iterations)",
      reported: String(REPORTED.toyFinalLoss),
      value: r.training.finalLoss,
      max: TOY_LIMITS.finalLoss,
    }),
  ];
}

/** An accuracy row: the quick floor, or ± {@link FULL_TOLERANCE} of `reported` in full. */
const accuracyRow = (r: RowInput, quick: QuickFloors | undefined, reported: number) =>
  quick ? quickRow(r, quick) : fullRow(r, reported, FULL_TOLERANCE);

/** The default-hyperparameter row (quick: floor; full: ± tolerance of 0.287). */
export function defaultRow(
  d: DefaultRun,
  standIn: boolean,
  c: RowSource,
  quick: QuickFloors | undefined,
): ReproductionRow {
  return accuracyRow(
    {
      task: TASK,
      check: quick
        ? `default hyperparameters, val acc (quick: ${d.training.losses.length} iterations, tiny data)`
        : "default hyperparameters (hidden 50, lr 1e-4, reg 0.25, batch 200, 1000 it.), val acc",
      reported: String(REPORTED.defaultValAcc),
      value: d.valAcc,
      standIn,
      device: "host float64",
      wallSeconds: d.wallSeconds,
      args: c.args,
    },
    quick,
    REPORTED.defaultValAcc,
  );
}

/** Rows of the merged grid and the layer-module retrain; an incomplete grid fails them. */
export function gridRows(
  m: MergeRun,
  standIn: boolean,
  c: RowSource,
  quick: { grid: QuickFloors; layers: QuickFloors } | undefined,
): ReproductionRow[] {
  const best = m.merge.best;
  if (!m.merge.complete || !best) {
    return [checkRow(at(c, m.wallSeconds, ["--merge"]), {
      check: "grid: all trials present",
      reported: `${m.merge.total} trials`,
      ours: mergeProblems(m.merge) ?? "no best trial",
      tolerance: "none missing or duplicated",
      pass: false,
    })];
  }
  const p = best.params, l = m.layers!;
  const bestText = `lr ${p.learningRate}, hidden ${p.hidden}, batch ${p.batchSize}, reg ${p.reg}`;
  const common = { task: TASK, standIn, wallSeconds: m.wallSeconds, args: [...c.args, "--merge"] };
  const gridVal: RowInput = {
    ...common,
    check: quick
      ? `grid best val acc (quick: ${m.merge.total}-trial grid, short trials)`
      : "grid best val acc (144 trials)",
    reported: `${REPORTED.gridBestValAcc} (${REPORTED.gridBest})`,
    value: best.valAcc,
    oursText: `${best.valAcc.toFixed(4)} (${bestText}; test ${best.testAcc.toFixed(4)})`,
    device: "host float64",
  };
  const layers: RowInput = {
    ...common,
    check: quick
      ? "best trial retrained with layer modules, val acc (quick)"
      : "best trial retrained with layer modules, val acc",
    reported: `${REPORTED.layerModulesValAcc} (test ${REPORTED.layerModulesTestAcc})`,
    value: l.valAcc,
    oursText: `${l.valAcc.toFixed(4)} (test ${l.testAcc.toFixed(4)})`,
    device: c.device,
  };
  // The full run also holds each one's test accuracy to the report's.
  const testRow = (r: RowInput, check: string, value: number, reported: number) =>
    quick ? [] : [fullRow(
      { ...r, check, reported: String(reported), value, oursText: undefined },
      reported,
      FULL_TOLERANCE,
    )];
  return [
    accuracyRow(gridVal, quick?.grid, REPORTED.gridBestValAcc),
    ...testRow(gridVal, "grid best trial, test acc", best.testAcc, REPORTED.gridBestTestAcc),
    accuracyRow(layers, quick?.layers, REPORTED.layerModulesValAcc),
    ...testRow(
      layers,
      "best trial retrained with layer modules, test acc",
      l.testAcc,
      REPORTED.layerModulesTestAcc,
    ),
  ];
}
