import { parseArgs } from "node:util";
import { join } from "node:path";
import { type DeviceName, setDevice } from "../kernels/device.ts";
import "../kernels/tensor_methods.ts";
import type { Dataset } from "../datasets/dataset.ts";
import type { Sequential } from "../layers/sequential.ts";
import { evaluate } from "../train/evaluate.ts";
import { fit, type History } from "../train/fit.ts";
import type { Optimizer } from "../train/optimizers.ts";
import { precisionRecall } from "../train/metrics.ts";
import { writeResults } from "../train/results.ts";

/** The flags every task takes (DESIGN.md), parsed with node:util. */
export interface TaskFlags {
  device: DeviceName;
  epochs?: number;
  batchSize?: number;
  seed: number;
  limit?: number;
  quick: boolean;
  out?: string;
}

/** Parses `--device --epochs --batch-size --seed --limit --quick --out` (and `--help`). */
export function parseTaskFlags(args: string[], task: string, help: string): TaskFlags {
  const { values } = parseArgs({
    args,
    options: {
      device: { type: "string", default: "auto" },
      epochs: { type: "string" },
      "batch-size": { type: "string" },
      seed: { type: "string", default: "1" },
      limit: { type: "string" },
      quick: { type: "boolean", default: false },
      out: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      `deno task ${task} [--quick] [--epochs N] [--batch-size N] [--seed N] [--limit N] ` +
        `[--device auto|cpu|cpu-reference|webgpu] [--out DIR]\n\n${help}`,
    );
    Deno.exit(0);
  }
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`--${name} must be a non-negative integer, got "${v}"`);
    }
    return n;
  };
  return {
    device: values.device as DeviceName,
    epochs: int("epochs", values.epochs),
    batchSize: int("batch-size", values["batch-size"]),
    seed: int("seed", values.seed) ?? 1,
    limit: int("limit", values.limit),
    quick: values.quick,
    out: values.out,
  };
}

/** The numbers a course report gives for a task, stored beside ours in metrics.json. */
export type Reported = Record<string, number | string>;

/** Everything a classification task needs to run and report. */
export interface ClassificationTask {
  name: string;
  description: string;
  reported: Reported;
  /** Hyperparameters the report leaves open, with the value chosen and why. */
  choices: Record<string, string>;
  data: (flags: TaskFlags) => Promise<{ train: Dataset; test: Dataset; source: string }>;
  model: (seed: number) => Sequential;
  optimizer: () => Optimizer;
  recipe: {
    epochs: number;
    batchSize: number;
    validationSplit?: number;
    stepsPerEpoch?: number;
  };
  /**
   * Quick (CI) settings override the recipe; `minTestAcc` is the floor `deno task reproduce`
   * and the tests hold the quick run to: below what it reaches, far above what a broken model
   * or a wrong gradient can (chance is 0.1).
   */
  quick: {
    epochs: number;
    limit: number;
    testLimit?: number;
    stepsPerEpoch?: number;
    minTestAcc: number;
  };
  /** Extra files (filter pictures, misclassified digits) from the trained model. */
  extras?: (model: Sequential, ctx: ExtrasContext) => Promise<Record<string, string | Uint8Array>>;
}

/** What `extras` gets to draw from. */
export interface ExtrasContext {
  test: Dataset;
  predictions: Int32Array;
}

/** What {@link runClassificationTask} returns (tests read it). */
export interface TaskResult {
  metrics: Record<string, unknown>;
  history: History;
  outDir: string;
}

/**
 * Runs a classification task end to end: device, data, model, fit, evaluate, results files.
 * Same seed and device ⇒ same numbers.
 */
export async function runClassificationTask(
  task: ClassificationTask,
  args: string[],
): Promise<TaskResult> {
  const flags = parseTaskFlags(args, task.name, task.description);
  const t0 = performance.now();
  const device = await setDevice(flags.device);
  console.log(
    `${task.name}: device ${device.name} (${device.description})${
      device.note ? `; ${device.note}` : ""
    }`,
  );
  const limit = flags.limit ?? (flags.quick ? task.quick.limit : undefined);
  const { train, test, source } = await task.data({ ...flags, limit });
  console.log(`data: ${train.x.shape[0]} train / ${test.x.shape[0]} test from ${source}`);
  const model = task.model(flags.seed);
  model.build(train.x.shape.slice(1));
  console.log(model.summary());
  const optimizer = task.optimizer();
  const epochs = flags.epochs ?? (flags.quick ? task.quick.epochs : task.recipe.epochs);
  const batchSize = flags.batchSize ?? task.recipe.batchSize;
  const stepsPerEpoch = flags.quick ? task.quick.stepsPerEpoch : task.recipe.stepsPerEpoch;
  const history = await fit(model, train, {
    epochs,
    batchSize,
    optimizer,
    validationSplit: task.recipe.validationSplit,
    stepsPerEpoch,
    seed: flags.seed,
  });
  const ev = await evaluate(model, test);
  const pr = precisionRecall(ev.confusion!);
  const wall = (performance.now() - t0) / 1000;
  const last = history.epochs[history.epochs.length - 1];
  const trainSeconds = history.epochs.reduce((s, e) => s + e.seconds, 0);
  const samples = history.epochs.reduce((s, e) => s + e.samplesPerSecond * e.seconds, 0);
  const metrics = {
    task: task.name,
    command: `deno task ${task.name} ${args.join(" ")}`.trim(),
    quick: flags.quick,
    device,
    seed: flags.seed,
    config: {
      epochs,
      batchSize,
      stepsPerEpoch: stepsPerEpoch ?? null,
      validationSplit: task.recipe.validationSplit ?? 0,
      limit: limit ?? null,
      optimizer: optimizer.config(),
      params: model.countParams(),
      choices: task.choices,
    },
    data: { source, train: history.trainSize, validation: history.valSize, test: ev.n },
    reported: task.reported,
    ours: {
      testLoss: ev.loss,
      testAcc: ev.accuracy,
      finalTrainLoss: last.loss,
      finalTrainAcc: last.acc,
      finalValLoss: last.valLoss ?? null,
      finalValAcc: last.valAcc ?? null,
      epoch1Acc: history.epochs[0].acc,
      epoch1ValAcc: history.epochs[0].valAcc ?? null,
      secondsPerEpoch: trainSeconds / history.epochs.length,
      microsecondsPerSample: (trainSeconds / samples) * 1e6,
      samplesPerSecond: samples / trainSeconds,
    },
    precision: pr.precision,
    recall: pr.recall,
    history: history.epochs,
    wallSeconds: wall,
  };
  const outDir = flags.out ?? join("results", task.name);
  const extraFiles = task.extras
    ? await task.extras(model, { test, predictions: ev.predictions! })
    : {};
  await writeResults(outDir, {
    metrics,
    history: history.epochs,
    confusion: ev.confusion,
    classNames: test.classNames,
    extraFiles,
  });
  console.log(
    `${task.name}: test acc ${ev.accuracy.toFixed(4)} loss ${ev.loss.toFixed(4)} ` +
      `(reported ${JSON.stringify(task.reported)}); ${wall.toFixed(1)} s; results in ${outDir}/`,
  );
  model.dispose();
  optimizer.dispose();
  train.x.dispose();
  test.x.dispose();
  return { metrics, history, outDir };
}
