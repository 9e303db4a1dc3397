/**
 * `deno task circles-mlp` (course exercise D): the RDFIA circles set, 2 → 4 tanh → 2 softmax, SGD
 * lr 0.07, batch 10, written four ways (manual backward, autograd on raw tensors, layer modules,
 * optimiser + fit) from the same init and batch order; their curves must agree. `--sweep` adds
 * lr 2 and batch 1 / 50 runs with the homework's remarks as checks.
 * @module
 */
import "../kernels/tensor_methods.ts";
import { atLeast, checkRow, near, reproductionOf } from "../experiment/checks.ts";
import { type FlagSchema, positiveNumber } from "../experiment/flags.ts";
import type { RunRecord } from "../experiment/record.ts";
import { startRun } from "../experiment/run.ts";
import type { Reproduction, ReproductionRow, RunOptions } from "./reproduce_types.ts";
import { reproductionArgs } from "./reproduce_args.ts";
import { agree, gapsFromFirst, LOSS_TOLERANCE, runFourWays } from "./circles_mlp/agreement.ts";
import { circlesFiles } from "./circles_mlp/report.ts";
import { CIRCLES_RECIPE, type CirclesConfig, circlesData } from "./circles_mlp/setup.ts";
import { runSweep, sweepVerdicts } from "./circles_mlp/sweep.ts";
import { runMain } from "../experiment/main.ts";

/** Epochs of the quick (CI) run, and the test-accuracy floor it is held to. */
export const CIRCLES_QUICK = { epochs: 100, minTestAcc: 0.9 };

/** The report's number and the full run's tolerance around it. */
export const CIRCLES_REPORTED = { testAcc: 0.94, tolerance: 0.03 };

/** Hyperparameters the homework leaves open. */
export const CIRCLES_CHOICES: Record<string, string> = {
  epochs: "150 (not given): the test accuracy has levelled off by then; quick runs use 100",
  data: "400 points (radius 0.5 inside radius 1, Gaussian noise σ 0.15), split 200/200; the " +
    "classes overlap a little, so ≈ 95% is the ceiling",
  init: "Keras glorotUniform weights, zero biases, drawn by the toolkit's dense layers from the " +
    "seed; the other ways copy these values",
  loss: "mean softmax cross-entropy over the batch",
  optimizer: "plain SGD, no momentum",
  order: "one seeded shuffle per epoch (the toolkit's BatchStream), shared by all four ways",
  agreement: `every epoch's training and test loss within ${LOSS_TOLERANCE} of the manual ` +
    "float64 way (float32 rounding accounts for ~1e-7)",
};

const FLAGS = {
  lr: positiveNumber("learning rate of SGD", 0.07),
  sweep: { type: "boolean", help: "also run lr 2, batch 1 and batch 50 against the recipe" },
} as const satisfies FlagSchema;

/** What a run returns (tests read it). */
export interface CirclesOutcome {
  outDir: string;
  metrics: RunRecord;
  rows: ReproductionRow[];
}

/** Runs the task as the command line asks. */
export async function runCirclesMlp(args: string[]): Promise<CirclesOutcome> {
  const run = await startRun({
    task: "circles-mlp",
    description: "RDFIA circles: 2 → 4 tanh → 2 softmax, SGD, the same net written four ways. " +
      "--limit N uses N training points (2N generated).",
    quick: `${CIRCLES_QUICK.epochs} epochs instead of ${CIRCLES_RECIPE.epochs}; reproduce holds ` +
      `it to test accuracy ≥ ${CIRCLES_QUICK.minTestAcc} and the four ways to agree`,
    flags: FLAGS,
    shownDefaults: {
      epochs: String(CIRCLES_RECIPE.epochs),
      "batch-size": String(CIRCLES_RECIPE.batchSize),
      limit: String(CIRCLES_RECIPE.points / 2),
    },
  }, args);
  const common = run.flags;
  const c: CirclesConfig = {
    ...CIRCLES_RECIPE,
    lr: run.own.lr,
    batchSize: common.batchSize ?? CIRCLES_RECIPE.batchSize,
    epochs: common.epochs ?? (common.quick ? CIRCLES_QUICK.epochs : CIRCLES_RECIPE.epochs),
    seed: common.seed,
    points: common.limit !== undefined ? 2 * common.limit : CIRCLES_RECIPE.points,
  };
  const data = circlesData(c);
  try {
    const ways = await runFourWays(data, c);
    const gaps = gapsFromFirst(ways);
    const fitWay = ways[3].epochs[ways[3].epochs.length - 1];
    const sweep = run.own.sweep ? await runSweep(data, c) : undefined;
    const at = run.rowContext();
    const isRecipe = c.lr === CIRCLES_RECIPE.lr && c.batchSize === CIRCLES_RECIPE.batchSize;
    const acc = { reported: `≈ ${CIRCLES_REPORTED.testAcc}`, value: fitWay.testAcc };
    const rows: ReproductionRow[] = [
      common.quick
        ? atLeast(at, {
          ...acc,
          check: `test accuracy, quick (${c.epochs} epochs)`,
          min: CIRCLES_QUICK.minTestAcc,
          note: "quick floor",
        })
        : near(at, {
          ...acc,
          check: `test accuracy (${c.epochs} epochs${isRecipe ? "" : ", not the recipe"})`,
          target: CIRCLES_REPORTED.testAcc,
          tol: CIRCLES_REPORTED.tolerance,
        }),
      checkRow(at, {
        check: "four ways (manual, autograd, modules, optimiser + fit) give the same curves",
        reported: "same curves up to init",
        ours: "max |Δ loss| " + Math.max(...gaps.map((g) => g.maxLossGap)).toExponential(2) +
          ", max |Δ test loss| " + Math.max(...gaps.map((g) => g.maxTestLossGap)).toExponential(2),
        tolerance: `≤ ${LOSS_TOLERANCE} every epoch`,
        pass: agree(gaps),
      }),
      ...(sweep ? sweepVerdicts(sweep) : []).map((v) =>
        checkRow(at, {
          ...v,
          reported: "lr 2 unstable; batch 1 noisy, batch 50 slow",
          tolerance: "see check",
        })
      ),
    ];
    for (const r of rows) console.log(`circles-mlp ${r.status}: ${r.check}: ${r.ours}`);
    const metrics = await run.finish({
      config: { ...c, params: 2 * 4 + 4 + 4 * 2 + 2, choices: CIRCLES_CHOICES },
      data: { train: data.train.y.length, test: data.test.y.length },
      reported: {
        testAcc: "≈ 0.94",
        remarks: "same curves four ways; lr 2 unstable; batch 1 noisy, batch 50 slow",
      },
      ours: {
        testAcc: fitWay.testAcc,
        testLoss: fitWay.testLoss,
        finalTrainLoss: fitWay.loss,
        finalTrainAcc: fitWay.acc,
        perWay: ways.map((w) => ({ way: w.way, ...w.epochs[w.epochs.length - 1] })),
      },
      agreement: { tolerance: LOSS_TOLERANCE, gapsFromManual: gaps },
      sweep: sweep?.map(({ curves: _, ...r }) => r),
      checks: rows.map(({ check, ours, tolerance, status }) => ({
        check,
        ours,
        tolerance,
        status,
      })),
      history: ways[3].epochs,
    }, circlesFiles({ ways, data, sweep }));
    return { outDir: run.outDir, metrics, rows };
  } finally {
    data.train.x.dispose();
    data.test.x.dispose();
  }
}

function reproArgs(o: RunOptions, quick: boolean): string[] {
  return [...(quick ? [] : ["--sweep"]), ...reproductionArgs(o, quick), "--out", o.outDir];
}

/** `deno task reproduce`: quick = accuracy floor + four-way agreement; full adds the sweep. */
export const reproduction: Reproduction = reproductionOf(
  "circles-mlp",
  async (o, quick) => (await runCirclesMlp(reproArgs(o, quick))).rows,
);

if (import.meta.main) await runMain(() => runCirclesMlp(Deno.args));
