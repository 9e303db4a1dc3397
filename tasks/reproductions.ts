import { join } from "node:path";
import { atLeast, checkRow, rowContext } from "../experiment/checks.ts";
import {
  type ClassificationOurs,
  type ClassificationTask,
  runClassificationTask,
  type TaskResult,
} from "./common.ts";
import type { Reproduction } from "./reproduce_types.ts";
import { reproduceRun, reproductionArgs } from "./reproduce_args.ts";
import { judgeSeeds, onTheMean } from "./reproduce_seeds.ts";
import { task as mnistMlpLinear } from "./mnist_mlp_linear.ts";
import { task as mnistMlpRelu } from "./mnist_mlp_relu.ts";
import { task as mnistCnn } from "./mnist_cnn.ts";
import { task as mnistCnnDropout } from "./mnist_cnn_dropout.ts";
import { task as mnistStarter } from "./mnist_starter.ts";
import { task as resnetFashion } from "./resnet_fashion.ts";
import { task as lstmMnist } from "./lstm_mnist.ts";
import { task as vitMnist } from "./vit_mnist.ts";
import { task as textClassify } from "./text_classify.ts";
import { reproduction as playground } from "./playground.ts";
import { reproduction as circlesMlp } from "./circles_mlp.ts";
import { reproduction as lowlevel } from "./lowlevel.ts";
import { reproduction as backpropSigmoid } from "./backprop_sigmoid.ts";
import { reproduction as twoLayerNet } from "./two_layer_net.ts";
import { reproduction as cifar10Cnn } from "./cifar10_cnn.ts";
import { reproduction as cifar10Starter } from "./cifar10_starter.ts";
import { reproduction as cifar10Improve } from "./cifar10_improve.ts";
import { reproduction as optimizers } from "./optimizers.ts";

/** Every task `deno task reproduce` runs, in the order of the course exercises. */

/** One full-run check of a classification task: a number from metrics.json vs the report. */
export interface FullCheck {
  check: string;
  reported: string;
  tolerance: string;
  /** The checked number of one run. */
  value(r: TaskResult): number;
  /** Whether a value (one run's, or the mean over seeds) is within tolerance. */
  pass(v: number): boolean;
  /** What the number is, when the check's name does not say (e.g. "min(val − train)"). */
  label?: string;
}

/** |ours − reported| ≤ tol for a field of metrics.ours. */
export function within(
  field: keyof ClassificationOurs,
  label: string,
  reported: number,
  tol: number,
): FullCheck {
  return {
    check: label,
    reported: String(reported),
    tolerance: `± ${tol}`,
    value: (r) => r.metrics.ours[field] ?? NaN,
    pass: (v) => Math.abs(v - reported) <= tol,
  };
}

/** Test accuracy ≥ `target`, a goal set by an issue rather than a course's report. */
export function testAccAtLeast(target: number): FullCheck {
  return {
    check: "test accuracy",
    reported: `${target.toFixed(2)} (target)`,
    tolerance: `≥ ${target.toFixed(2)}`,
    value: (r) => r.metrics.ours.testAcc,
    pass: (v) => v >= target,
  };
}

/** One run's "ours" text and verdict for check `c`. */
export function judgeRun(c: FullCheck, r: TaskResult): { ours: string; pass: boolean } {
  const v = c.value(r);
  return { ours: `${c.label ? `${c.label} = ` : ""}${v.toFixed(4)}`, pass: c.pass(v) };
}

/** The folder of one seed's full run under the task's results folder. */
export function seedDir(outDir: string, seed: number): string {
  return join(outDir, `seed-${seed}`);
}

/**
 * A finished full run of `task` read back from `dir`/metrics.json (for `--merge`), refused when
 * it was made with another recipe than the task's current one.
 */
export async function readTaskResult(task: ClassificationTask, dir: string): Promise<TaskResult> {
  const file = join(dir, "metrics.json");
  let metrics: Record<string, unknown>;
  try {
    metrics = JSON.parse(await Deno.readTextFile(file));
  } catch (e) {
    throw new Error(
      `${task.name}: no finished run in ${file} (${(e as Error).message}); run its shard first ` +
        `(deno task reproduce --full --only ${task.name} --seeds … --shard i/n)`,
    );
  }
  const config = metrics.config as { epochs: number; optimizer: unknown };
  const opt = task.optimizer();
  const want = JSON.stringify(opt.config());
  opt.dispose();
  if (
    metrics.quick || config.epochs !== task.recipe.epochs ||
    JSON.stringify(config.optimizer) !== want
  ) {
    throw new Error(
      `${task.name}: ${file} is not a run of the current full recipe (quick ${metrics.quick}, ` +
        `epochs ${config.epochs}, optimizer ${JSON.stringify(config.optimizer)}; want ` +
        `${task.recipe.epochs} epochs, ${want}); run that seed again`,
    );
  }
  const epochs = metrics.history as TaskResult["history"]["epochs"];
  const data = metrics.data as { train: number; validation: number };
  return {
    metrics: metrics as unknown as TaskResult["metrics"],
    history: { epochs, trainSize: data.train, valSize: data.validation, steps: 0 },
    outDir: dir,
  };
}

/** The reproduction of a classification task: its quick floor, and its full-run checks. */
export function classificationReproduction(
  task: ClassificationTask,
  full: FullCheck[],
): Reproduction {
  return {
    task: task.name,
    async runQuick(o) {
      const { r, at } = await reproduceRun(o, true, (args) => runClassificationTask(task, args));
      return [atLeast(at, {
        check: "test accuracy, quick run",
        reported: String(task.reported.testAcc ?? "—"),
        value: r.metrics.ours.testAcc,
        min: task.quick.minTestAcc,
        note: "quick floor",
      })];
    },
    runFull: full.length
      ? async (o) => {
        const { r, at } = await reproduceRun(o, false, (a) => runClassificationTask(task, a));
        return full.map((c) => checkRow(at, { ...c, ...judgeRun(c, r) }));
      }
      : undefined,
    runFullSeeds: full.length
      ? async (o, seeds, merge) => {
        const runs: { seed: number; r: TaskResult }[] = [];
        for (const seed of seeds) {
          const dir = seedDir(o.outDir, seed);
          const args = [...reproductionArgs({ ...o, seed }, false), "--out", dir];
          runs.push({
            seed,
            r: merge ? await readTaskResult(task, dir) : await runClassificationTask(task, args),
          });
        }
        const wall = runs.reduce((s, x) => s + x.r.metrics.wallSeconds, 0);
        const args = reproductionArgs(o, false).join(" ").replace(/--seed \d+/, "--seed S");
        const command = `deno task ${task.name} ${args}, S = ${seeds.join(",")}`;
        return full.map((c) => {
          const values = runs.map(({ seed, r }) => ({ seed, value: c.value(r) }));
          const j = judgeSeeds(values, c.pass, c.label);
          const tolerance = onTheMean(c.tolerance, seeds.length);
          const at = { ...rowContext(runs[0].r.metrics, []), wallSeconds: wall, command };
          return checkRow(at, { ...c, tolerance, ...j });
        });
      }
      : undefined,
  };
}

export const REPRODUCTIONS: Reproduction[] = [
  classificationReproduction(mnistMlpLinear, [
    within("testAcc", "test accuracy", 0.9255, 0.01),
    within("testLoss", "test loss", 0.2789, 0.02),
  ]),
  classificationReproduction(mnistMlpRelu, [
    within("finalValAcc", "final validation accuracy", 0.9773, 0.01),
    within("finalTrainAcc", "final training accuracy", 0.9966, 0.01),
  ]),
  classificationReproduction(mnistCnn, [
    within("testAcc", "test accuracy", 0.9906, 0.005),
    within("testLoss", "test loss", 0.0299, 0.01),
  ]),
  classificationReproduction(mnistCnnDropout, [{
    check: "validation accuracy never below training accuracy",
    reported: "val ≥ train every epoch",
    tolerance: "min over epochs of (val acc − train acc) ≥ 0",
    label: "min(val − train)",
    value: (r) => Math.min(...r.history.epochs.map((e) => (e.valAcc ?? NaN) - e.acc)),
    pass: (v) => v >= 0,
  }]),
  cifar10Cnn,
  playground,
  lowlevel,
  classificationReproduction(mnistStarter, [
    within("testAcc", "test accuracy", 0.9793, 0.01),
  ]),
  cifar10Starter,
  backpropSigmoid,
  circlesMlp,
  cifar10Improve,
  optimizers,
  twoLayerNet,
  // Not a course exercise: the issue's target for a residual CNN written as a functional model.
  classificationReproduction(resnetFashion, [testAccAtLeast(0.9)]),
  // Not a course exercise: issue 17's target for the LSTM over MNIST rows.
  classificationReproduction(lstmMnist, [testAccAtLeast(0.98)]),
  // Not a course exercise: issue 17's target for the small Vision Transformer on MNIST.
  classificationReproduction(vitMnist, [testAccAtLeast(0.97)]),
  // Not a course exercise: issue 17's sequence task on generated text (embedding + BiGRU; a bag
  // of words is capped at 0.375 on it).
  classificationReproduction(textClassify, [testAccAtLeast(0.97)]),
];
