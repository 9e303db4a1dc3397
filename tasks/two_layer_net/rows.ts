/**
 * The two-layer-net task's lines of results/REPRODUCTION.md. The toy rows do not use CIFAR-10
 * and are pass/fail everywhere; the CIFAR-10 rows go through quickRow/fullRow, so stand-in data
 * is never a pass.
 * @module
 */
import { below, checkRow, type RowContext, taskCommand } from "../../experiment/checks.ts";
import type { ReproductionRow } from "../reproduce_types.ts";
import { fullRow, type QuickFloors, quickRow } from "../cifar10_rows.ts";
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

const fmt = (rec: Record<ParamName, number>) =>
  (["W1", "W2", "b1", "b2"] as const).map((k) => `${k} ${rec[k].toExponential(1)}`).join(", ");

/** The four toy rows: numeric and autograd gradient checks, forward check, toy training. */
export function toyRows(t: ToyRun, c: RowSource): ReproductionRow[] {
  const r = t.report;
  const maxOf = (rec: Record<ParamName, number>) => Math.max(...Object.values(rec));
  const toy = at(c, t.wallSeconds, ["--toy"]);
  return [
    checkRow(toy, {
      check: "toy: analytic vs numeric gradient, max relative error (float64)",
      reported: `W1 ${REPORTED.toyRelErrorW1}, W2 ${REPORTED.toyRelErrorW2}, ` +
        `b1 ${REPORTED.toyRelErrorB1}, b2 ${REPORTED.toyRelErrorB2}`,
      ours: fmt(r.numericRelErrors),
      tolerance: `each < ${TOY_LIMITS.numeric}`,
      pass: maxOf(r.numericRelErrors) < TOY_LIMITS.numeric,
    }),
    checkRow(toy, {
      check: "toy: hand backward vs toolkit autograd (float64), max relative error",
      reported: "(not reported; same math, rounding only)",
      ours: fmt(r.autogradRelErrors),
      tolerance: `each < ${TOY_LIMITS.autograd}`,
      pass: maxOf(r.autogradRelErrors) < TOY_LIMITS.autograd,
    }),
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

/** The default-hyperparameter row (quick: floor; full: ± tolerance of 0.287). */
export function defaultRow(
  d: DefaultRun,
  standIn: boolean,
  c: RowSource,
  quick: QuickFloors | undefined,
): ReproductionRow {
  const input = {
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
  };
  return quick ? quickRow(input, quick) : fullRow(input, REPORTED.defaultValAcc, FULL_TOLERANCE);
}

/** Rows of the merged grid and the layer-module retrain; an incomplete grid fails them. */
export function gridRows(
  m: MergeRun,
  standIn: boolean,
  c: RowSource,
  quick: { grid: QuickFloors; layers: QuickFloors } | undefined,
): ReproductionRow[] {
  const best = m.merge.best;
  const args = [...c.args, "--merge"];
  if (!m.merge.complete || !best) {
    return [checkRow(at(c, m.wallSeconds, ["--merge"]), {
      check: "grid: all trials present",
      reported: `${m.merge.total} trials`,
      ours: mergeProblems(m.merge) ?? "no best trial",
      tolerance: "none missing or duplicated",
      pass: false,
    })];
  }
  const p = best.params;
  const bestText = `lr ${p.learningRate}, hidden ${p.hidden}, batch ${p.batchSize}, reg ${p.reg}`;
  const common = { task: TASK, standIn, device: c.device, wallSeconds: m.wallSeconds, args };
  const rows: ReproductionRow[] = [];
  const gridVal = {
    ...common,
    check: quick
      ? `grid best val acc (quick: ${m.merge.total}-trial grid, short trials)`
      : "grid best val acc (144 trials)",
    reported: `${REPORTED.gridBestValAcc} (${REPORTED.gridBest})`,
    value: best.valAcc,
    oursText: `${best.valAcc.toFixed(4)} (${bestText}; test ${best.testAcc.toFixed(4)})`,
    device: "host float64",
  };
  rows.push(
    quick
      ? quickRow(gridVal, quick.grid)
      : fullRow(gridVal, REPORTED.gridBestValAcc, FULL_TOLERANCE),
  );
  if (!quick) {
    rows.push(fullRow(
      {
        ...gridVal,
        check: "grid best trial, test acc",
        reported: String(REPORTED.gridBestTestAcc),
        value: best.testAcc,
        oursText: undefined,
      },
      REPORTED.gridBestTestAcc,
      FULL_TOLERANCE,
    ));
  }
  const l = m.layers!;
  const lay = {
    ...common,
    check: quick
      ? "best trial retrained with layer modules, val acc (quick)"
      : "best trial retrained with layer modules, val acc",
    reported: `${REPORTED.layerModulesValAcc} (test ${REPORTED.layerModulesTestAcc})`,
    value: l.valAcc,
    oursText: `${l.valAcc.toFixed(4)} (test ${l.testAcc.toFixed(4)})`,
  };
  rows.push(
    quick ? quickRow(lay, quick.layers) : fullRow(lay, REPORTED.layerModulesValAcc, FULL_TOLERANCE),
  );
  if (!quick) {
    rows.push(fullRow(
      {
        ...lay,
        check: "best trial retrained with layer modules, test acc",
        reported: String(REPORTED.layerModulesTestAcc),
        value: l.testAcc,
        oursText: undefined,
      },
      REPORTED.layerModulesTestAcc,
      FULL_TOLERANCE,
    ));
  }
  return rows;
}
