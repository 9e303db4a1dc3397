import {
  BestTracker,
  type Callback,
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
  mode?: "auto" | "min" | "max";
}

/**
 * Saves the model's weights (`saveCheckpoint`) after each epoch, or only after epochs that
 * improve `monitor`. The checkpoint's meta holds the epoch and the epoch's logs.
 */
export class ModelCheckpoint implements Callback {
  readonly path: string;
  readonly monitor: string;
  readonly saveBestOnly: boolean;
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
    this.#higher = higherIsBetter(this.monitor, opts.mode);
    this.#tracker = new BestTracker(this.#higher);
  }

  onTrainBegin(): void {
    this.#tracker = new BestTracker(this.#higher);
  }

  async onEpochEnd(epoch: number, logs: EpochRecord, ctx: TrainingContext): Promise<void> {
    if (
      this.saveBestOnly && !this.#tracker.improves(monitored("modelCheckpoint", this.monitor, logs))
    ) {
      return;
    }
    const path = this.path.replaceAll("{epoch}", String(epoch));
    await saveCheckpoint(ctx.model, path, { epoch, logs });
    this.saved.push(epoch);
  }
}

/** A {@link ModelCheckpoint}. Example: `callbacks.modelCheckpoint({ path: "best.ckpt", saveBestOnly: true })`. */
export const modelCheckpoint = (opts: ModelCheckpointOptions): ModelCheckpoint =>
  new ModelCheckpoint(opts);
