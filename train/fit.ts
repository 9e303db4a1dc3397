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
import type { Layer } from "../layers/layer.ts";
import { checkOptions } from "../layers/validate.ts";
import { lossByName, type LossFn, type LossName, lossTakingWeights } from "../layers/losses.ts";
import { BatchStream, labelsTensor, splitIndices } from "./batches.ts";
import { checkedData } from "./data_checks.ts";
import { historyRecorder, nanGuard, progressLogger } from "./callbacks/builtin.ts";
import { historyBundle, withDisplay } from "../notebook/display.ts";
import type { BatchLogs, Callback, History, TrainingContext } from "./callbacks/callback.ts";
import { lambda } from "./callbacks/lambda.ts";
import { TerminateOnNaN } from "./callbacks/terminate_on_nan.ts";
import { evaluate } from "./evaluate.ts";
import { applyCallbackStates } from "./callbacks/callback_state.ts";
import {
  type FitRunShape,
  type LoadedFitCheckpoint,
  loadFitCheckpoint,
  saveFitCheckpoint,
} from "./fit_checkpoint.ts";
import type { EpochRecord } from "./history.ts";
import type { Metric } from "./metric.ts";
import type { MetricName } from "./metrics/by_name.ts";
import { EpochMetrics } from "./metrics/epoch_metrics.ts";
import {
  disposeData,
  gatherInputs,
  type ModelData,
  sampleCount,
  sampleShapes,
  subsetData,
} from "./model_data.ts";
import type { Optimizer } from "./optimizers.ts";
import { defaultTrainStep, type TrainStep } from "./train_step.ts";
import { stepAccuracySums, stepLabels } from "./output_mask.ts";

export type { History } from "./callbacks/callback.ts";

/** Options of {@link fit}, named like Keras' `model.fit`. */
export interface FitOptions {
  /** Number of epochs (the total, also when resuming). */
  epochs: number;
  /** The optimiser that updates the parameters, e.g. `optimizers.adam({ learningRate: 1e-3 })`. */
  optimizer: Optimizer;
  /** The loss, which says what the model's output is: "softmaxCrossEntropy" takes logits. */
  loss?: LossName | LossFn;
  /** Samples per step (default 32). */
  batchSize?: number;
  /** Fraction of the data (its end, before shuffling) held out for validation. */
  validationSplit?: number;
  /** Data to validate on after each epoch (instead of `validationSplit`). */
  validationData?: ModelData;
  /** Shuffle the training samples each epoch (default true). */
  shuffle?: boolean;
  /** Seed of the shuffling, dropout and augmentation (default 0): same seed, same numbers. */
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
  /** Keras callbacks, run after the built-in ones (history, NaN check, progress). */
  callbacks?: Callback[];
  /** The step to run on each batch (default {@link defaultTrainStep}). */
  trainStep?: TrainStep;
  /** Called after each training step (after its work is submitted), with the global step. */
  onBatchEnd?: (step: number) => void;
  /**
   * A folder where, after every completed epoch, a resumable checkpoint is written atomically
   * (checkpoint.safetensors: weights, optimiser state, epoch, step, random state, history and
   * the state of stateful callbacks: earlyStopping, reduceLROnPlateau, modelCheckpoint).
   * Example: `checkpoint: "runs/net/checkpoint"`.
   */
  checkpoint?: string;
  /**
   * A folder written by `checkpoint`: training continues after its last epoch, giving the same
   * numbers as a run never interrupted (same model, optimiser, data, seed, options and
   * callbacks, whose saved state continues: an earlyStopping stops at the same epoch; a
   * mismatch is an error naming it). `epochs` stays the total.
   * Example: `fit(model, data, { epochs: 10, optimizer, checkpoint: dir, resumeFrom: dir })`.
   */
  resumeFrom?: string;
  /** Called after each epoch with its record; return false to stop early. */
  onEpochEnd?: (r: EpochRecord) => void | boolean | Promise<void | boolean>;
}

/**
 * Trains any model (a Sequential, a functional Model, a Module, a layer) on `data` (x [N,...]
 * or one tensor per input, y int32 class ids, [N, T] int32 ids per step, or a target tensor;
 * with a masked output, loss, accuracy and metrics are over the kept steps, as Keras): an
 * epoch loop that runs `trainStep` on each batch and fires the callbacks' hooks. Each step runs in a `tidy`, so no
 * tensor outlives its step; loss and accuracy are summed on the device and read back a few
 * times per epoch for the progress line. Throws when the loss becomes NaN (unless a
 * `callbacks.terminateOnNaN()` is given). The data stays on the device: each pass uploads its
 * shuffled order once, and every step gathers its batch through a window of that order, then
 * flushes (one submit on WebGPU).
 * Example: `const h = await fit(model, train, { epochs: 2, optimizer: adam() });`
 */
export async function fit(model: Layer, data: ModelData, opts: FitOptions): Promise<History> {
  data = await checkedData("fit", data, model);
  const n = sampleCount(data);
  const lossName = opts.loss ?? "softmaxCrossEntropy";
  const named = lossByName(lossName);
  const lossFn = data.sampleWeight ? lossTakingWeights("fit", named) : named;
  const classify = data.y instanceof Int32Array;
  // Class ids per step ([N, T]): accuracy over the steps, the kept ones when masked.
  const perStep = stepLabels(data.y);
  const seed = opts.seed ?? 0;
  const batchSize = opts.batchSize ?? 32;
  const trainStep = opts.trainStep ?? defaultTrainStep;
  checkOptions("fit", {
    epochs: [opts.epochs, "int≥1", "required"],
    batchSize: [opts.batchSize, "int≥1"],
    stepsPerEpoch: [opts.stepsPerEpoch, "int≥1"],
  });
  if (opts.validationData && opts.validationSplit) {
    throw new Error("fit: give validationSplit or validationData, not both");
  }
  if (opts.augment && Array.isArray(data.x)) {
    throw new Error("fit: augment works on a single image input, not a list of inputs");
  }
  const split = splitIndices(n, opts.validationSplit ?? 0);
  const stream = new BatchStream(split.train, batchSize, opts.shuffle ?? true, seed);
  const stepsPerEpoch = opts.stepsPerEpoch ?? stream.batchesPerPass;
  model.ensureBuilt(sampleShapes(data.x));
  const params = model.parameters();
  const state = { optimizer: opts.optimizer, loss: lossFn, params };
  const runShape: FitRunShape = {
    trainSize: split.train.length,
    valSize: 0,
    batchSize,
    stepsPerEpoch,
    shuffle: opts.shuffle ?? true,
    seed,
  };

  const epochMetrics = new EpochMetrics(opts.metrics);
  const yAll = keep(labelsTensor(data.y));
  // A target tensor the caller passed stays theirs; only labels uploaded here are freed.
  const ownsY = yAll !== data.y;
  const wAll = data.sampleWeight ? keep(tensor(data.sampleWeight)) : undefined;
  const unit = [keep(tensor([1, 0, 0])), keep(tensor([0, 1, 0])), keep(tensor([0, 0, 1]))];
  // Steps each sample's labels hold (per-step accuracy without a mask counts them all).
  const labelsPerSample = perStep ? (data.y as Tensor).size / Math.max(1, n) : 1;
  let order: Tensor | undefined;
  const val: ModelData | undefined = opts.validationData ??
    (split.val.length ? subsetData(data, split.val) : undefined);
  const write = typeof opts.verbose === "function" ? opts.verbose : undefined;
  const quiet = opts.verbose === false;
  // Shown in a notebook as its curves; the display method is non-enumerable (JSON unchanged).
  const history: History = withDisplay({
    epochs: [],
    trainSize: split.train.length,
    valSize: val ? sampleCount(val) : 0,
    steps: 0,
  }, historyBundle);
  runShape.valSize = history.valSize;
  let firstEpoch = 1;
  const user = opts.callbacks ?? [];
  const cbs: Callback[] = [
    historyRecorder(),
    ...(user.some((c) => c instanceof TerminateOnNaN) ? [] : [nanGuard()]),
    ...(quiet ? [] : [progressLogger(write, (rec) => epochMetrics.logged(rec))]),
    ...(opts.onBatchEnd || opts.onEpochEnd ? [legacyHooks(opts)] : []),
    ...user,
  ];
  // Folders callbacks asked to hold this epoch's resumable checkpoint (modelCheckpoint).
  const requested: string[] = [];
  const ctx: TrainingContext = {
    model,
    optimizer: opts.optimizer,
    epochs: opts.epochs,
    stepsPerEpoch,
    history,
    stopTraining: false,
    requestCheckpoint: (dir) => void requested.push(dir),
  };
  // Running totals are read back only when something shows them (the progress line).
  const readEvery = quiet ? 0 : Math.max(1, Math.ceil(stepsPerEpoch / 10));

  let saved: LoadedFitCheckpoint | undefined;
  try {
    if (opts.resumeFrom) {
      saved = await loadFitCheckpoint(opts.resumeFrom, {
        model,
        optimizer: opts.optimizer,
        params,
        callbacks: user,
      }, runShape);
      history.epochs.push(...saved.history);
      history.steps = saved.steps;
      firstEpoch = saved.epoch + 1;
      // The batch order is a function of the seed and the steps taken: replay it on the host.
      for (let i = 0; i < saved.steps; i++) stream.nextWindow();
    }
    for (const c of cbs) await c.onTrainBegin?.(ctx);
    // onTrainBegin resets the callbacks; a resumed run then continues their saved state.
    if (saved) applyCallbackStates(saved.callbackStates);
    for (let epoch = firstEpoch; epoch <= opts.epochs && !ctx.stopTraining; epoch++) {
      for (const c of cbs) await c.onEpochBegin?.(epoch, ctx);
      const t0 = performance.now();
      // [Σ loss·batch, Σ correct, Σ kept steps of masked outputs] accumulated on the device;
      // read back rarely. Unmasked scored predictions are counted on the host.
      let totals = keep(zeros([3]));
      let seen = 0, done = 0, unmaskedScored = 0;
      for (let s = 0; s < stepsPerEpoch && !ctx.stopTraining; s++) {
        const w = stream.nextWindow();
        if (w.newPass || !order) {
          order?.dispose();
          order = keep(tensor(w.order));
        }
        const logs: BatchLogs = { epoch, batch: s, step: history.steps + 1, size: w.count };
        for (const c of cbs) c.onBatchBegin?.(logs.step, logs, ctx);
        const next = tidy(() => {
          const it = sliceRows(order!, w.start, w.count);
          const raw = gatherInputs(data.x, it);
          const xb = opts.augment
            ? cropFlip(raw as Tensor, {
              padding: opts.augment.padding ?? 0,
              flip: opts.augment.flip ?? false,
              seed: opts.augment.seed ?? seed,
              counter: epoch,
              first: w.start,
            })
            : raw;
          const yb = gather(yAll, it);
          const r = trainStep(
            model,
            {
              x: xb,
              y: yb,
              size: w.count,
              epoch,
              step: logs.step,
              ...(wAll ? { sampleWeight: gather(wAll, it) } : {}),
            },
            state,
          );
          return noGrad(() => {
            if (r.output) epochMetrics.update(r.output, yb, r.mask);
            const steps = perStep && r.output ? stepAccuracySums(r.output, yb, r.mask) : undefined;
            if (steps && !steps.kept) unmaskedScored += w.count * labelsPerSample;
            const correct = classify && r.output
              ? sum(cast(equal(argmax(r.output), yb), "float32"))
              : steps?.correct ?? zeros([]);
            // [Σ loss·batch, Σ correct, Σ kept] += [loss·count, correct, kept]
            let all = add(mul(unit[0], mulScalar(r.loss, w.count)), mul(unit[1], correct));
            if (steps?.kept) all = add(all, mul(unit[2], steps.kept));
            return add(totals, all);
          });
        });
        flush();
        totals.dispose();
        totals = keep(next);
        seen += w.count;
        history.steps++;
        done++;
        if (readEvery && ((s + 1) % readEvery === 0 || s + 1 === stepsPerEpoch)) {
          const [l, c, k] = await totals.data();
          logs.loss = l / seen;
          if (classify) logs.acc = c / seen;
          if (perStep) logs.acc = c / (k + unmaskedScored);
        }
        for (const c of cbs) c.onBatchEnd?.(logs.step, logs, ctx);
      }
      const [lossSum, correct, kept] = await totals.data();
      totals.dispose();
      const trainSeconds = (performance.now() - t0) / 1000;
      const rec: EpochRecord = {
        epoch,
        loss: lossSum / seen,
        acc: classify ? correct / seen : perStep ? correct / (kept + unmaskedScored) : NaN,
        seconds: trainSeconds,
        samplesPerSecond: seen / trainSeconds,
      };
      await epochMetrics.record(rec);
      if (val && Number.isFinite(rec.loss)) {
        const v = await evaluate(model, val, {
          loss: lossName,
          batchSize: Math.max(batchSize, 256),
          metrics: epochMetrics.metrics,
        });
        rec.valLoss = v.loss;
        rec.valAcc = v.accuracy;
        epochMetrics.recordValidation(rec, v.metrics);
      }
      for (const c of cbs) await c.onEpochEnd?.(epoch, rec, ctx);
      // After every callback saw the epoch, so their saved state is this epoch's. Only whole
      // epochs are checkpointed: a resumed run starts at an epoch boundary.
      const dirs = [...new Set([...(opts.checkpoint ? [opts.checkpoint] : []), ...requested])];
      requested.length = 0;
      for (const dir of done === stepsPerEpoch ? dirs : []) {
        await saveFitCheckpoint(dir, {
          model,
          optimizer: opts.optimizer,
          params,
          callbacks: user,
        }, {
          epoch,
          steps: history.steps,
          history: history.epochs,
          run: runShape,
        });
      }
    }
    for (const c of cbs) await c.onTrainEnd?.(ctx);
  } finally {
    epochMetrics.dispose();
    if (ownsY) yAll.dispose();
    wAll?.dispose();
    unit.forEach((t) => t.dispose());
    order?.dispose();
    if (val && !opts.validationData) disposeData(val);
  }
  return history;
}

/** `onBatchEnd(step)` and `onEpochEnd(record) → false stops` as a callback. */
function legacyHooks(opts: FitOptions): Callback {
  return lambda({
    onBatchEnd: (step) => opts.onBatchEnd?.(step),
    onEpochEnd: async (_e, rec, ctx) => {
      if ((await opts.onEpochEnd?.(rec)) === false) ctx.stopTraining = true;
    },
  });
}

/** The samples `idx` of `d` as new data (copied on the device). */
export const subset = subsetData;
