import { gradients } from "../kernels/autograd.ts";
import { flush, keep, noGrad, tidy } from "../kernels/engine.ts";
import {
  add,
  argmax,
  cast,
  cropFlip,
  equal,
  gather,
  mul,
  mulScalar,
  sliceRows,
  sum,
} from "../kernels/ops/mod.ts";
import { type Tensor, tensor, zeros } from "../kernels/tensor.ts";
import type { Dataset } from "../datasets/dataset.ts";
import type { Sequential } from "../layers/sequential.ts";
import { checkOptions } from "../layers/validate.ts";
import { lossByName, type LossFn, type LossName } from "../layers/losses.ts";
import { BatchStream, datasetSize, labelsTensor, splitIndices } from "./batches.ts";
import { checkedData } from "./data_checks.ts";
import { evaluate } from "./evaluate.ts";
import type { EpochRecord } from "./history.ts";
import type { Metric } from "./metric.ts";
import type { MetricName } from "./metrics/by_name.ts";
import { EpochMetrics } from "./metrics/epoch_metrics.ts";
import type { Optimizer } from "./optimizers.ts";
import { createProgress } from "./progress.ts";

/** Options of {@link fit}, named like Keras' `model.fit`. */
export interface FitOptions {
  epochs: number;
  optimizer: Optimizer;
  loss?: LossName | LossFn;
  batchSize?: number;
  /** Fraction of the data (its end, before shuffling) held out for validation. */
  validationSplit?: number;
  validationData?: Dataset;
  shuffle?: boolean;
  seed?: number;
  /** Steps per epoch; default one pass over the training data. */
  stepsPerEpoch?: number;
  /** Progress output: true (default), false, or a writer (tests). */
  verbose?: boolean | ((s: string) => void);
  /**
   * Random crop with zero padding and horizontal flip of each training batch (NHWC images),
   * drawn per epoch and sample position, on the device (the cropFlip op).
   * Example: `augment: { padding: 4, flip: true }`.
   */
  augment?: { padding?: number; flip?: boolean; seed?: number };
  /**
   * Metrics logged each epoch next to loss and acc, by name or as objects (MetricName:
   * "topK", "f1Macro", "mae", …), with validation values as "valTopK", "valF1Macro", ….
   * Summed on the device, read once per epoch.
   */
  metrics?: (MetricName | Metric)[];
  /** Called after each training step (after its work is submitted), with the global step. */
  onBatchEnd?: (step: number) => void;
  /** Called after each epoch with its record; return false to stop early. */
  onEpochEnd?: (r: EpochRecord) => void | boolean | Promise<void | boolean>;
}

/** What {@link fit} returns. */
export interface History {
  epochs: EpochRecord[];
  trainSize: number;
  valSize: number;
  steps: number;
}

/**
 * Trains `model` on `data` (x [N,...], y int32 class ids or a target tensor). Each step runs in
 * a `tidy`, so no tensor outlives its step; loss and accuracy are summed on the device and read
 * back a few times per epoch for the progress line. Throws when the loss becomes NaN.
 * The data stays on the device: each pass uploads its shuffled order once, and every step
 * gathers its batch through a window of that order, then flushes (one submit on WebGPU).
 * Example: `const h = await fit(model, train, { epochs: 2, optimizer: adam() });`
 */
export async function fit(model: Sequential, data: Dataset, opts: FitOptions): Promise<History> {
  data = await checkedData("fit", data, model);
  const n = datasetSize(data);
  const lossName = opts.loss ?? "softmaxCrossEntropy";
  const lossFn = lossByName(lossName);
  const classify = data.y instanceof Int32Array;
  const useLogits = lossName === "softmaxCrossEntropy" && model.endsWithSoftmax;
  const seed = opts.seed ?? 0;
  const batchSize = opts.batchSize ?? 32;
  checkOptions("fit", {
    epochs: [opts.epochs, "int≥1", "required"],
    batchSize: [opts.batchSize, "int≥1"],
    stepsPerEpoch: [opts.stepsPerEpoch, "int≥1"],
  });
  if (opts.validationData && opts.validationSplit) {
    throw new Error("fit: give validationSplit or validationData, not both");
  }
  const split = splitIndices(n, opts.validationSplit ?? 0);
  const stream = new BatchStream(split.train, batchSize, opts.shuffle ?? true, seed);
  const stepsPerEpoch = opts.stepsPerEpoch ?? stream.batchesPerPass;
  model.build(data.x.shape.slice(1));
  const params = model.parameters();

  const epochMetrics = new EpochMetrics(opts.metrics);
  const yAll = keep(labelsTensor(data.y));
  const unit = [keep(tensor([1, 0])), keep(tensor([0, 1]))];
  let order: Tensor | undefined;
  const val: Dataset | undefined = opts.validationData ??
    (split.val.length ? subset(data, split.val) : undefined);
  const write = typeof opts.verbose === "function" ? opts.verbose : undefined;
  const quiet = opts.verbose === false;
  const history: History = {
    epochs: [],
    trainSize: split.train.length,
    valSize: val ? datasetSize(val) : 0,
    steps: 0,
  };

  try {
    for (let epoch = 1; epoch <= opts.epochs; epoch++) {
      const t0 = performance.now();
      // [Σ loss·batch, Σ correct] accumulated on the device; read back rarely.
      let totals = keep(zeros([2]));
      let seen = 0;
      const progress = quiet
        ? undefined
        : createProgress({ total: stepsPerEpoch, label: `epoch ${epoch}/${opts.epochs}`, write });
      const readEvery = Math.max(1, Math.ceil(stepsPerEpoch / 10));
      for (let s = 0; s < stepsPerEpoch; s++) {
        const w = stream.nextWindow();
        if (w.newPass) {
          order?.dispose();
          order = keep(tensor(w.order));
        }
        const next = tidy(() => {
          const it = sliceRows(order!, w.start, w.count);
          const raw = gather(data.x, it);
          const xb = opts.augment
            ? cropFlip(raw, {
              padding: opts.augment.padding ?? 0,
              flip: opts.augment.flip ?? false,
              seed: opts.augment.seed ?? seed,
              counter: epoch,
              first: w.start,
            })
            : raw;
          const yb = gather(yAll, it);
          const out = model.apply(xb, { training: true, logits: useLogits });
          const loss = lossFn(out, yb);
          const grads = gradients(loss, params);
          opts.optimizer.step(params, grads);
          return noGrad(() => {
            epochMetrics.update(out, yb);
            const correct = classify ? sum(cast(equal(argmax(out), yb), "float32")) : zeros([]);
            // [Σ loss·batch, Σ correct] += [loss·count, correct]
            const both = add(mul(unit[0], mulScalar(loss, w.count)), mul(unit[1], correct));
            return add(totals, both);
          });
        });
        flush();
        totals.dispose();
        totals = keep(next);
        seen += w.count;
        history.steps++;
        opts.onBatchEnd?.(history.steps);
        if (progress && ((s + 1) % readEvery === 0 || s + 1 === stepsPerEpoch)) {
          const [l, c] = await totals.data();
          checkFinite(l, epoch, s + 1);
          progress.update(s + 1, classify ? { loss: l / seen, acc: c / seen } : { loss: l / seen });
        }
      }
      const [lossSum, correct] = await totals.data();
      totals.dispose();
      checkFinite(lossSum, epoch, stepsPerEpoch);
      const trainSeconds = (performance.now() - t0) / 1000;
      const rec: EpochRecord = {
        epoch,
        loss: lossSum / seen,
        acc: classify ? correct / seen : NaN,
        seconds: trainSeconds,
        samplesPerSecond: seen / trainSeconds,
      };
      await epochMetrics.record(rec);
      if (val) {
        const v = await evaluate(model, val, {
          loss: lossName,
          batchSize: Math.max(batchSize, 256),
          metrics: epochMetrics.metrics,
        });
        rec.valLoss = v.loss;
        rec.valAcc = v.accuracy;
        epochMetrics.recordValidation(rec, v.metrics);
      }
      history.epochs.push(rec);
      progress?.done(
        Object.fromEntries(
          Object.entries({
            loss: rec.loss,
            acc: rec.acc,
            valLoss: rec.valLoss,
            valAcc: rec.valAcc,
            ...epochMetrics.logged(rec),
          })
            .filter(([, v]) => v !== undefined && !Number.isNaN(v)),
        ) as Record<string, number>,
      );
      if ((await opts.onEpochEnd?.(rec)) === false) break;
    }
  } finally {
    epochMetrics.dispose();
    yAll.dispose();
    unit.forEach((t) => t.dispose());
    order?.dispose();
    if (val && !opts.validationData) {
      val.x.dispose();
      if (!(val.y instanceof Int32Array)) val.y.dispose();
    }
  }
  return history;
}

function checkFinite(lossSum: number, epoch: number, step: number): void {
  if (!Number.isFinite(lossSum)) {
    throw new Error(
      `fit: the loss became ${lossSum} by epoch ${epoch}, step ${step}; training diverged. ` +
        `Lower the learning rate, check the inputs for NaN/Inf, or normalise them`,
    );
  }
}

/** The samples `idx` of `d` as a new dataset (copied on the device). */
export function subset(d: Dataset, idx: Int32Array): Dataset {
  return {
    x: keep(gather(d.x, idx)),
    y: d.y instanceof Int32Array
      ? Int32Array.from(idx, (i) => (d.y as Int32Array)[i])
      : keep(gather(d.y, idx)),
    classNames: d.classNames,
  };
}
