/**
 * The two-layer-net task's lines of results/REPRODUCTION.md. The toy rows do not use CIFAR-10
 * and are pass/fail everywhere; the CIFAR-10 rows go through quickFloorRow/fullCheckRow, so
 * stand-in data is never a pass.
 * @module
 */
import {
  below,
  checkRow,
  type RowContext,
  taskCommand,
  type ValueCheck,
} from "../../experiment/checks.ts";
import { mergeProblems } from "../../experiment/trials.ts";
import type { ReproductionRow } from "../reproduce_types.ts";
import { fullCheckRow, quickFloorRow, type QuickFloors } from "../cifar10_rows.ts";
import { FULL_TOLERANCE, QUICK, REPORTED, TASK } from "./config.ts";
import type { ParamName } from "./net.ts";
import type { DefaultRun, MergeRun, ToyRun } from "./runs.ts";

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

/** The context of rows from a run with `args` that took `wallSeconds`. */
const context = (device: string, wallSeconds: number, args: string[]): RowContext => ({
  task: TASK,
  device,
  wallSeconds,
  command: taskCommand(TASK, args),
});

/** The four toy rows: numeric and autograd gradient checks, forward check, toy training. */
export function toyRows(t: ToyRun, args: string[]): ReproductionRow[] {
  const r = t.ours;
  const toy = context("host float64", t.wallSeconds, [...args, "--toy"]);
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
      value: r.finalLoss,
      max: TOY_LIMITS.finalLoss,
    }),
  ];
}

/** A CIFAR-10 accuracy claim: the report's number (`reported` text beside it) and its floors. */
type Claim = ValueCheck & { at: RowContext; target: number; floors?: QuickFloors };

/**
 * The CIFAR-10 rows of the default run and the merged grid (an incomplete grid fails them):
 * quick, each val accuracy against its floor; full, val and test accuracy ± FULL_TOLERANCE.
 */
export function cifarRows(o: {
  default: DefaultRun;
  merge: MergeRun;
  standIn: boolean;
  args: string[];
  layerDevice: string;
  quick: boolean;
}): ReproductionRow[] {
  const { quick, merge: m, default: d } = o;
  const floors = quick ? QUICK.floors : undefined;
  const row = (c: Claim): ReproductionRow =>
    c.floors
      ? quickFloorRow(c.at, o.standIn, c, c.floors)
      : fullCheckRow(c.at, o.standIn, { ...c, tol: FULL_TOLERANCE });
  const defaultClaim: Claim = {
    at: context("host float64", d.wallSeconds, o.args),
    check: quick
      ? `default hyperparameters, val acc (quick: ${d.config.iterations} iterations, tiny data)`
      : "default hyperparameters (hidden 50, lr 1e-4, reg 0.25, batch 200, 1000 it.), val acc",
    reported: String(REPORTED.defaultValAcc),
    target: REPORTED.defaultValAcc,
    value: d.ours.valAcc,
    floors: floors?.default,
  };
  const best = m.ours.best;
  const mergeArgs = [...o.args, "--merge"];
  if (!m.complete || !best) {
    return [
      row(defaultClaim),
      checkRow(context(o.layerDevice, m.wallSeconds, mergeArgs), {
        check: "grid: all trials present",
        reported: `${m.total} trials`,
        ours: mergeProblems(m) ?? "no best trial",
        tolerance: "none missing or duplicated",
        pass: false,
      }),
    ];
  }
  const p = best.params, l = m.ours.layerModules!;
  const bestText = `lr ${p.learningRate}, hidden ${p.hidden}, batch ${p.batchSize}, reg ${p.reg}`;
  const host = context("host float64", m.wallSeconds, mergeArgs);
  const layers = context(o.layerDevice, m.wallSeconds, mergeArgs);
  const claims: Claim[] = [
    defaultClaim,
    {
      at: host,
      check: quick
        ? `grid best val acc (quick: ${m.total}-trial grid, short trials)`
        : "grid best val acc (144 trials)",
      reported: `${REPORTED.gridBestValAcc} (${REPORTED.gridBest})`,
      target: REPORTED.gridBestValAcc,
      value: best.valAcc,
      ours: `${best.valAcc.toFixed(4)} (${bestText}; test ${best.testAcc.toFixed(4)})`,
      floors: floors?.grid,
    },
    {
      at: host,
      check: "grid best trial, test acc",
      reported: String(REPORTED.gridBestTestAcc),
      target: REPORTED.gridBestTestAcc,
      value: best.testAcc,
    },
    {
      at: layers,
      check: `best trial retrained with layer modules, val acc${quick ? " (quick)" : ""}`,
      reported: `${REPORTED.layerModulesValAcc} (test ${REPORTED.layerModulesTestAcc})`,
      target: REPORTED.layerModulesValAcc,
      value: l.valAcc,
      ours: `${l.valAcc.toFixed(4)} (test ${l.testAcc.toFixed(4)})`,
      floors: floors?.layers,
    },
    {
      at: layers,
      check: "best trial retrained with layer modules, test acc",
      reported: String(REPORTED.layerModulesTestAcc),
      target: REPORTED.layerModulesTestAcc,
      value: l.testAcc,
    },
  ];
  // The full run also holds each one's test accuracy to the report's; quick runs only floors.
  return claims.filter((c) => !quick || c.floors).map(row);
}
