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
import { restoreWeights, snapshotWeights, type WeightSnapshot } from "./snapshot.ts";

/** Options of {@link earlyStopping}, named like Keras' `EarlyStopping`. */
export interface EarlyStoppingOptions {
  /** The epoch log to watch (default "valLoss"). */
  monitor?: Monitor;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** "auto" (default: accuracies, topK and f1Macro up, losses and mae down), "min" or "max". */
  mode?: "auto" | "min" | "max";
  /** Put back the weights of the best epoch when training ends (default false). */
  restoreBestWeights?: boolean;
}

/**
 * Stops training once `monitor` has not improved for `patience` epochs, as Keras does; with
 * `restoreBestWeights` the model ends with the weights of its best epoch.
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  /** The epoch training stopped after (0 when it ran every epoch). */
  stoppedEpoch = 0;
  /** The epoch with the best value so far. */
  bestEpoch = 0;
  #tracker: BestTracker;
  #wait = 0;
  #best?: WeightSnapshot;
  readonly #higher: boolean;
  readonly #minDelta: number;

  constructor(opts: EarlyStoppingOptions = {}) {
    this.monitor = opts.monitor ?? "valLoss";
    this.patience = opts.patience ?? 0;
    this.restoreBestWeights = opts.restoreBestWeights ?? false;
    if (!(Number.isInteger(this.patience) && this.patience >= 0)) {
      throw new Error(`earlyStopping: patience must be a whole number ≥ 0, got ${opts.patience}`);
    }
    this.#minDelta = Math.abs(opts.minDelta ?? 0);
    this.#higher = higherIsBetter(this.monitor, opts.mode);
    this.#tracker = new BestTracker(this.#higher, this.#minDelta);
  }

  /** The best value of the monitor so far. */
  get best(): number {
    return this.#tracker.best;
  }

  onTrainBegin(): void {
    this.#tracker = new BestTracker(this.#higher, this.#minDelta);
    this.#wait = 0;
    this.stoppedEpoch = 0;
    this.bestEpoch = 0;
    this.#best = undefined;
  }

  async onEpochEnd(epoch: number, logs: EpochRecord, ctx: TrainingContext): Promise<void> {
    const v = monitored("earlyStopping", this.monitor, logs);
    if (this.#tracker.improves(v)) {
      this.#wait = 0;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.#best = await snapshotWeights(ctx.model);
      return;
    }
    this.#wait++;
    if (this.#wait >= this.patience) {
      this.stoppedEpoch = epoch;
      ctx.stopTraining = true;
    }
  }

  /** best, wait, the best and stopped epochs, and the best weights (kept for a resume). */
  getState(): CallbackState {
    return {
      values: {
        best: this.#tracker.best,
        wait: this.#wait,
        bestEpoch: this.bestEpoch,
        stoppedEpoch: this.stoppedEpoch,
      },
      arrays: this.#best?.values,
    };
  }

  /** Puts back what {@link EarlyStopping.getState} returned. */
  setState(s: CallbackState): void {
    const v = s.values as { best: number; wait: number; bestEpoch: number; stoppedEpoch: number };
    this.#tracker.best = v.best;
    this.#wait = v.wait;
    this.bestEpoch = v.bestEpoch;
    this.stoppedEpoch = v.stoppedEpoch;
    this.#best = s.arrays?.length ? { values: s.arrays } : undefined;
  }

  onTrainEnd(ctx: TrainingContext): void {
    if (this.#best && this.bestEpoch !== ctx.history.epochs.length) {
      restoreWeights(ctx.model, this.#best);
    }
    this.#best = undefined;
  }
}

/** An {@link EarlyStopping}. Example: `callbacks.earlyStopping({ monitor: "valLoss", patience: 2 })`. */
export const earlyStopping = (opts: EarlyStoppingOptions = {}): EarlyStopping =>
  new EarlyStopping(opts);
