import "../kernels/tensor_methods.ts";
import { join } from "node:path";
import type { Dataset } from "../datasets/dataset.ts";
import type { Layer } from "../layers/layer.ts";
import type { LossFn, LossName } from "../layers/losses.ts";
import { evaluate, type Evaluation } from "../train/evaluate.ts";
import type { EpochRecord } from "../train/history.ts";
import { fit, type History } from "../train/fit.ts";
import type { Optimizer } from "../train/optimizers.ts";
import { precisionRecall } from "../train/metrics.ts";
import type { RunRecord } from "../experiment/record.ts";
import { type HistorySummary, historySummary } from "../experiment/summary.ts";
import { type RunSpec, type StartedRun, startRun, type TaskFlags } from "../experiment/run.ts";

export type { TaskFlags } from "../experiment/run.ts";

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
  /** Any model: a Sequential, a functional Model or a Module. */
  model: (seed: number) => Layer;
  optimizer: () => Optimizer;
  /** The loss given to fit and evaluate (default "softmaxCrossEntropy": the model ends in logits). */
  loss?: LossName | LossFn;
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
  extras?: (model: Layer, ctx: ExtrasContext) => Promise<Record<string, string | Uint8Array>>;
}

/** What `extras` gets to draw from. */
export interface ExtrasContext {
  test: Dataset;
  predictions: Int32Array;
}

/** What a classification run measures (metrics.json's `ours`). */
export interface ClassificationOurs extends HistorySummary {
  testLoss: number;
  testAcc: number;
}

/** metrics.json of a classification task. */
export type ClassificationRecord = RunRecord<ClassificationOurs> & {
  precision: number[];
  recall: number[];
};

/** What {@link runClassificationTask} returns (tests read it). */
export interface TaskResult {
  metrics: ClassificationRecord;
  history: History;
  outDir: string;
}

/**
 * The test-set parts of a classification run's metrics.json: `ours` (test loss and accuracy and
 * the history's summary), per-class precision and recall, and the history itself.
 */
export function testRecord(ev: Evaluation, epochs: EpochRecord[]) {
  const { precision, recall } = precisionRecall(ev.confusion!);
  const ours: ClassificationOurs = {
    testLoss: ev.loss,
    testAcc: ev.accuracy,
    ...historySummary(epochs),
  };
  return { ours, precision, recall, history: epochs };
}

/** `--help`'s account of a classification task: its recipe's defaults and its quick run. */
export function classificationSpec(
  task: Pick<ClassificationTask, "name" | "description" | "quick" | "recipe">,
): RunSpec {
  const q = task.quick;
  return {
    task: task.name,
    description: task.description,
    resumable: true,
    quick: `${q.epochs} epoch(s) on the first ${q.limit} training samples` +
      (q.testLimit ? ` and ${q.testLimit} test samples` : "") +
      (q.stepsPerEpoch ? `, ${q.stepsPerEpoch} steps per epoch` : "") +
      `; deno task reproduce holds it to test accuracy ≥ ${q.minTestAcc}`,
    shownDefaults: {
      epochs: String(task.recipe.epochs),
      "batch-size": String(task.recipe.batchSize),
      limit: "all",
    },
  };
}

/**
 * Runs a classification task end to end: device, data, model, fit, evaluate, results files.
 * Same seed and device ⇒ same numbers.
 */
export async function runClassificationTask(
  task: ClassificationTask,
  args: string[],
): Promise<TaskResult> {
  return await trainClassifier(task, await startRun(classificationSpec(task), args));
}

/**
 * The body of {@link runClassificationTask} for a run already started (a wrapper that adds
 * flags starts it); `amend` edits metrics.json before it is written.
 */
export async function trainClassifier(
  task: ClassificationTask,
  run: StartedRun,
  amend: (m: ClassificationRecord) => ClassificationRecord = (m) => m,
): Promise<TaskResult> {
  const flags: TaskFlags = run.flags;
  const limit = flags.limit ?? (flags.quick ? task.quick.limit : undefined);
  const { train, test, source } = await task.data({ ...flags, limit });
  console.log(`data: ${train.x.shape[0]} train / ${test.x.shape[0]} test from ${source}`);
  const model = task.model(flags.seed);
  model.ensureBuilt(train.x.shape.slice(1));
  console.log(model.summary());
  const optimizer = task.optimizer();
  const epochs = flags.epochs ?? (flags.quick ? task.quick.epochs : task.recipe.epochs);
  const batchSize = flags.batchSize ?? task.recipe.batchSize;
  const stepsPerEpoch = flags.quick ? task.quick.stepsPerEpoch : task.recipe.stepsPerEpoch;
  const history = await fit(model, train, {
    epochs,
    batchSize,
    optimizer,
    loss: task.loss,
    validationSplit: task.recipe.validationSplit,
    stepsPerEpoch,
    seed: flags.seed,
    // Every epoch leaves a resumable checkpoint; `--resume` continues from it.
    checkpoint: taskCheckpointDir(run.outDir),
    resumeFrom: flags.resume ? taskCheckpointDir(run.outDir) : undefined,
    // The results folder shows the curves so far while training; run.write replaces the set.
    callbacks: [run.resultsCallback()],
  });
  const ev = await evaluate(model, test, { loss: task.loss });
  const extraFiles = task.extras
    ? await task.extras(model, { test, predictions: ev.predictions! })
    : {};
  const metrics = amend(run.record({
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
    ...testRecord(ev, history.epochs),
  }));
  await run.write(metrics, {
    history: history.epochs,
    confusion: ev.confusion,
    classNames: test.classNames,
    files: extraFiles,
  });
  run.done(
    `test acc ${ev.accuracy.toFixed(4)} loss ${ev.loss.toFixed(4)} ` +
      `(reported ${JSON.stringify(task.reported)})`,
    metrics.wallSeconds,
  );
  model.dispose();
  optimizer.dispose();
  train.x.dispose();
  test.x.dispose();
  return { metrics, history, outDir: run.outDir };
}

/** Where a task's run keeps its resumable checkpoint: `checkpoint/` in its results folder. */
export function taskCheckpointDir(outDir: string): string {
  return join(outDir, "checkpoint");
}
