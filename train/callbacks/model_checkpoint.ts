import {
  BestTracker,
  type Callback,
  type CallbackState,
  higherIsBetter,
  type Monitor,
  monitored,
  type TrainingContext,
} from "./callback.ts";
import type { EpochRecord } from "../history.ts";
import { saveCheckpoint } from "../checkpoint.ts";

/** Options of {@link modelCheckpoint}, named like Keras' `ModelCheckpoint`. */
export interface ModelCheckpointOptions {
  /** Where to save; `{epoch}` is replaced by the epoch number. */
  path: string;
  /** The epoch log that decides "best" (default "valLoss"). */
  monitor?: Monitor;
  /** Save only when `monitor` improves (default false: every epoch). */
  saveBestOnly?: boolean;
  /** "auto" (default: accuracies, topK and f1Macro up, losses and mae down), "min" or "max". */
  mode?: "auto" | "min" | "max";
  /**
   * Save the optimiser's state too (default false: weights only): `path` is then a folder that
   * receives fit's resumable checkpoint (weights, optimiser state, epoch, step, random state,
   * history, callbacks' state), which `fit(..., { resumeFrom: path })` continues from.
   */
  includeOptimizer?: boolean;
}

/**
 * Saves the model's weights (`saveCheckpoint`) after each epoch, or only after epochs that
 * improve `monitor`. The checkpoint's meta holds the epoch and the epoch's logs. By default it
 * keeps the weights only, as Keras' `save_weights_only` (load the file with `loadCheckpoint`).
 * With `includeOptimizer: true`, `path` is a folder that receives fit's resumable checkpoint
 * (what `checkpoint:` writes every epoch: weights, optimiser state, epoch, step, random state,
 * history, callbacks' state), written once every callback has seen the epoch, so
 * `fit(..., { resumeFrom: path })` continues training from that (e.g. the best) epoch.
 */
export class ModelCheckpoint implements Callback {
  readonly path: string;
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  /** Whether the optimiser's state is saved too (a resumable checkpoint folder). */
  readonly includeOptimizer: boolean;
  /** Epochs saved, in order. */
  readonly saved: number[] = [];
  #tracker: BestTracker;
  readonly #higher: boolean;

  constructor(opts: ModelCheckpointOptions) {
    if (typeof opts?.path !== "string" || !opts.path) {
      throw new Error('modelCheckpoint: give a path, e.g. { path: "runs/best.ckpt" }');
    }
    this.path = opts.path;
    this.monitor = opts.monitor ?? "valLoss";
    this.saveBestOnly = opts.saveBestOnly ?? false;
    this.includeOptimizer = opts.includeOptimizer ?? false;
    this.#higher = higherIsBetter(this.monitor, opts.mode);
    this.#tracker = new BestTracker(this.#higher);
  }

  onTrainBegin(): void {
    this.#tracker = new BestTracker(this.#higher);
  }

  /** The best value so far and the epochs saved (kept for a resume). */
  getState(): CallbackState {
    return { values: { best: this.#tracker.best, saved: this.saved } };
  }

  /** Puts back what {@link ModelCheckpoint.getState} returned. */
  setState(s: CallbackState): void {
    const v = s.values as { best: number; saved: number[] };
    this.#tracker.best = v.best;
    this.saved.splice(0, this.saved.length, ...v.saved);
  }

  async onEpochEnd(epoch: number, logs: EpochRecord, ctx: TrainingContext): Promise<void> {
    if (
      this.saveBestOnly && !this.#tracker.improves(monitored("modelCheckpoint", this.monitor, logs))
    ) {
      return;
    }
    const path = this.path.replaceAll("{epoch}", String(epoch));
    if (this.includeOptimizer) {
      if (!ctx.requestCheckpoint) {
        throw new Error(
          "modelCheckpoint: includeOptimizer needs fit (which writes the resumable checkpoint)",
        );
      }
      // Counted first: the checkpoint, written after every callback, holds this epoch as saved.
      this.saved.push(epoch);
      ctx.requestCheckpoint(path);
      return;
    }
    await saveCheckpoint(ctx.model, path, { epoch, logs });
    this.saved.push(epoch);
  }
}

/** A {@link ModelCheckpoint}. Example: `callbacks.modelCheckpoint({ path: "best.ckpt", saveBestOnly: true })`. */
export const modelCheckpoint = (opts: ModelCheckpointOptions): ModelCheckpoint =>
  new ModelCheckpoint(opts);
