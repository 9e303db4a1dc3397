import type { ClassificationTask, TaskResult } from "./common.ts";
import { runClassificationTask } from "./common.ts";
import type { Reproduction, ReproductionRow } from "./reproduce_types.ts";
import { reproductionArgs } from "./reproduce_args.ts";
import { task as mnistMlpLinear } from "./mnist_mlp_linear.ts";
import { task as mnistMlpRelu } from "./mnist_mlp_relu.ts";
import { task as mnistCnn } from "./mnist_cnn.ts";
import { task as mnistCnnDropout } from "./mnist_cnn_dropout.ts";
import { task as mnistStarter } from "./mnist_starter.ts";
import { reproduction as playground } from "./playground.ts";
import { reproduction as circlesMlp } from "./circles_mlp.ts";
import { reproduction as lowlevel } from "./lowlevel.ts";
import { reproduction as backpropSigmoid } from "./backprop_sigmoid.ts";
import { reproduction as twoLayerNet } from "./two_layer_net.ts";
import { reproduction as cifar10Cnn } from "./cifar10_cnn.ts";
import { reproduction as cifar10Starter } from "./cifar10_starter.ts";
import { reproduction as cifar10Improve } from "./cifar10_improve.ts";
import { reproduction as optimizers } from "./optimizers.ts";

/** Every task `deno task reproduce` runs, in the order of EXERCISES.md. */

/** One full-run check of a classification task: a number from metrics.json vs the report. */
export interface FullCheck {
  check: string;
  reported: string;
  tolerance: string;
  /** Our value as text, and whether it is within tolerance. */
  judge(r: TaskResult): { ours: string; pass: boolean };
}

/** |ours − reported| ≤ tol for a field of metrics.ours. */
export function within(
  field: string,
  label: string,
  reported: number,
  tol: number,
): FullCheck {
  return {
    check: label,
    reported: String(reported),
    tolerance: `± ${tol}`,
    judge: (r) => {
      const v = (r.metrics.ours as Record<string, number>)[field];
      return { ours: v.toFixed(4), pass: Math.abs(v - reported) <= tol };
    },
  };
}

function row(
  task: ClassificationTask,
  r: TaskResult,
  c: { check: string; reported: string; tolerance: string; ours: string; pass: boolean },
  args: string[],
): ReproductionRow {
  const device = r.metrics.device as { description: string };
  return {
    task: task.name,
    check: c.check,
    reported: c.reported,
    ours: c.ours,
    tolerance: c.tolerance,
    status: c.pass ? "pass" : "fail",
    device: device.description,
    wallSeconds: r.metrics.wallSeconds as number,
    command: `deno task ${task.name} ${args.join(" ")}`.trim(),
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
      const args = reproductionArgs(o, true);
      const r = await runClassificationTask(task, [...args, "--out", o.outDir]);
      const acc = (r.metrics.ours as { testAcc: number }).testAcc;
      const floor = task.quick.minTestAcc;
      return [row(task, r, {
        check: "test accuracy, quick run",
        reported: String(task.reported.testAcc ?? "—"),
        ours: acc.toFixed(4),
        tolerance: `≥ ${floor} (quick floor)`,
        pass: acc >= floor,
      }, args)];
    },
    runFull: full.length
      ? async (o) => {
        const args = reproductionArgs(o, false);
        const r = await runClassificationTask(task, [...args, "--out", o.outDir]);
        return full.map((c) => row(task, r, { ...c, ...c.judge(r) }, args));
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
    tolerance: "every epoch",
    judge: (r) => {
      const worst = Math.min(...r.history.epochs.map((e) => (e.valAcc ?? NaN) - e.acc));
      return { ours: `min(val − train) = ${worst.toFixed(4)}`, pass: worst >= 0 };
    },
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
];
