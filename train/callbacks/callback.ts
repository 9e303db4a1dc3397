import type { TypedArray } from "../../kernels/dtype.ts";
import type { Layer } from "../../layers/layer.ts";
import type { EpochRecord } from "../history.ts";
import type { Optimizer } from "../optimizers.ts";

/** What `fit` returns. */
export interface History {
  /** One record per completed epoch, in order. */
  epochs: EpochRecord[];
  /** Number of training samples (after the validation split). */
  trainSize: number;
  /** Number of validation samples (0 without validation). */
  valSize: number;
  /** Training steps taken, over all epochs. */
  steps: number;
}

/**
 * A batch's logs. `loss` and `acc` (running means over the epoch so far) are present only on
 * the steps where `fit` read its device totals back (a few per epoch, when progress is on): a
 * step never waits for the device otherwise.
 */
export interface BatchLogs {
  /** The epoch, counted from 1. */
  epoch: number;
  /** 0-based batch index within the epoch. */
  batch: number;
  /** 1-based global step. */
  step: number;
  /** Samples in the batch. */
  size: number;
  /** Running mean loss over the epoch so far (only on steps that read back). */
  loss?: number;
  /** Running accuracy over the epoch so far (only on steps that read back). */
  acc?: number;
}

/** The run a callback watches; set `stopTraining` to end it after the current step or epoch. */
export interface TrainingContext {
  /** The model being trained. */
  model: Layer;
  /** The optimiser updating it (its learning rate may be changed, as reduceLROnPlateau does). */
  optimizer: Optimizer;
  /** Total epochs of the run. */
  epochs: number;
  /** Training steps in each epoch. */
  stepsPerEpoch: number;
  /** The history so far (completed epochs). */
  history: History;
  /** Set to true to stop after the current step or epoch (earlyStopping does). */
  stopTraining: boolean;
  /**
   * Asks `fit` to write its resumable checkpoint (weights, optimiser state, epoch, step, random
   * state, history, callbacks' state) into folder `dir` once every callback has seen the
   * current epoch, as `checkpoint:` does; `resumeFrom: dir` continues from it. Only a whole
   * epoch is written. What `modelCheckpoint({ includeOptimizer: true })` calls; absent outside
   * `fit`.
   */
  requestCheckpoint?(dir: string): void;
}

/**
 * Keras' callback hooks. Epoch and train hooks may be async; batch hooks are synchronous so a
 * step never waits for them. Logs of an epoch are its {@link EpochRecord} (`loss`, `acc`,
 * `valLoss`, `valAcc`, …), the names `monitor` options refer to.
 */
export interface Callback {
  /** Before the first epoch. */
  onTrainBegin?(ctx: TrainingContext): void | Promise<void>;
  /** After the last epoch (or when training stops early). */
  onTrainEnd?(ctx: TrainingContext): void | Promise<void>;
  /** Before each epoch, with its number (counted from 1). */
  onEpochBegin?(epoch: number, ctx: TrainingContext): void | Promise<void>;
  /** After each epoch, with its record (loss, acc, valLoss, valAcc, metrics). */
  onEpochEnd?(epoch: number, logs: EpochRecord, ctx: TrainingContext): void | Promise<void>;
  /** Before each training step, with the global step (1-based) and the batch's logs. */
  onBatchBegin?(step: number, logs: BatchLogs, ctx: TrainingContext): void;
  /** After each training step, with the global step (1-based) and the batch's logs. */
  onBatchEnd?(step: number, logs: BatchLogs, ctx: TrainingContext): void;
  /**
   * The callback's state after an epoch, kept in fit's resumable checkpoint (`checkpoint:`), so
   * a run resumed with `resumeFrom` continues it; give `setState` with it.
   */
  getState?(): CallbackState | Promise<CallbackState>;
  /** Puts back what `getState` returned; `fit` calls it after `onTrainBegin` when resuming. */
  setState?(state: CallbackState): void;
}

/** What a callback keeps across a resume: JSON values, and host arrays (e.g. best weights). */
export interface CallbackState {
  /** JSON-able values (±Infinity and NaN allowed: the checkpoint encodes them). */
  values: Record<string, unknown>;
  /** Host arrays, stored as one-dimensional tensors of the checkpoint. */
  arrays?: TypedArray[];
}

/** Names a monitor may use: the numeric fields of an epoch record. */
export type Monitor = "loss" | "acc" | "valLoss" | "valAcc" | (string & Record<never, never>);

/** The value of `monitor` in `logs`, or a clear error naming what is there. */
export function monitored(who: string, monitor: string, logs: EpochRecord): number {
  const v = (logs as unknown as Record<string, unknown>)[monitor];
  if (typeof v !== "number") {
    const have = Object.keys(logs).filter((k) =>
      typeof (logs as unknown as Record<string, unknown>)[k] === "number"
    );
    throw new Error(
      `${who}: monitor "${monitor}" is not in the epoch logs (${have.join(", ")})` +
        (monitor.startsWith("val") ? "; give fit a validationSplit or validationData" : ""),
    );
  }
  return v;
}

/**
 * Whether a larger value of `monitor` is better. "auto" mode: accuracies and the built-in
 * metrics that rise as a model improves (topK, f1Macro and their val keys) up, losses and errors
 * (mae) down, as Keras reads each metric's direction; a custom metric's name needs `mode`.
 */
export function higherIsBetter(monitor: string, mode: "auto" | "min" | "max" = "auto"): boolean {
  return mode === "max" || (mode === "auto" && /acc|topk|f1/i.test(monitor));
}

/** Tracks the best value of a monitored quantity, with Keras' `minDelta`. */
export class BestTracker {
  best: number;
  constructor(readonly higher: boolean, readonly minDelta = 0) {
    this.best = higher ? -Infinity : Infinity;
  }
  /** True (and remembers `v`) when `v` beats the best by more than `minDelta`. */
  improves(v: number): boolean {
    const better = this.higher ? v - this.minDelta > this.best : v + this.minDelta < this.best;
    if (better) this.best = v;
    return better;
  }
}
