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

/** Options of {@link reduceLROnPlateau}, named like Keras' `ReduceLROnPlateau`. */
export interface ReduceLROnPlateauOptions {
  /** The epoch log to watch (default "valLoss"). */
  monitor?: Monitor;
  /** The rate is multiplied by this (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement before the rate drops (default 10). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a drop before counting again (default 0). */
  cooldown?: number;
  /** The rate never goes below this (default 0). */
  minLr?: number;
  mode?: "auto" | "min" | "max";
}

/**
 * Multiplies the optimiser's learning rate by `factor` once `monitor` has not improved for
 * `patience` epochs (never below `minLr`), as Keras does. Needs a constant learning rate.
 */
export class ReduceLROnPlateau implements Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly cooldown: number;
  readonly minLr: number;
  /** (epoch, new rate) of each drop. */
  readonly drops: { epoch: number; learningRate: number }[] = [];
  #tracker: BestTracker;
  #wait = 0;
  #cooldownLeft = 0;
  readonly #higher: boolean;
  readonly #minDelta: number;

  constructor(opts: ReduceLROnPlateauOptions = {}) {
    this.monitor = opts.monitor ?? "valLoss";
    this.factor = opts.factor ?? 0.1;
    this.patience = opts.patience ?? 10;
    this.cooldown = opts.cooldown ?? 0;
    this.minLr = opts.minLr ?? 0;
    if (!(this.factor > 0 && this.factor < 1)) {
      throw new Error(`reduceLROnPlateau: factor must be in (0, 1), got ${opts.factor}`);
    }
    this.#minDelta = Math.abs(opts.minDelta ?? 1e-4);
    this.#higher = higherIsBetter(this.monitor, opts.mode);
    this.#tracker = new BestTracker(this.#higher, this.#minDelta);
  }

  onTrainBegin(ctx: TrainingContext): void {
    if (!ctx.optimizer.setLearningRate) {
      throw new Error(`reduceLROnPlateau: optimizer ${ctx.optimizer.name} cannot change its rate`);
    }
    this.#tracker = new BestTracker(this.#higher, this.#minDelta);
    this.#wait = 0;
    this.#cooldownLeft = 0;
  }

  /** best, wait, the cooldown left and the drops so far (kept for a resume; the rate itself
   * travels with the optimiser's state). */
  getState(): CallbackState {
    return {
      values: {
        best: this.#tracker.best,
        wait: this.#wait,
        cooldownLeft: this.#cooldownLeft,
        drops: this.drops,
      },
    };
  }

  /** Puts back what {@link ReduceLROnPlateau.getState} returned. */
  setState(s: CallbackState): void {
    const v = s.values as {
      best: number;
      wait: number;
      cooldownLeft: number;
      drops: { epoch: number; learningRate: number }[];
    };
    this.#tracker.best = v.best;
    this.#wait = v.wait;
    this.#cooldownLeft = v.cooldownLeft;
    this.drops.splice(0, this.drops.length, ...v.drops);
  }

  onEpochEnd(epoch: number, logs: EpochRecord, ctx: TrainingContext): void {
    const v = monitored("reduceLROnPlateau", this.monitor, logs);
    if (this.#cooldownLeft > 0) {
      this.#cooldownLeft--;
      this.#wait = 0;
    }
    if (this.#tracker.improves(v)) {
      this.#wait = 0;
      return;
    }
    if (this.#cooldownLeft > 0) return;
    this.#wait++;
    if (this.#wait < this.patience) return;
    const old = ctx.optimizer.currentLearningRate();
    if (old > this.minLr) {
      const lr = Math.max(old * this.factor, this.minLr);
      ctx.optimizer.setLearningRate!(lr);
      this.drops.push({ epoch, learningRate: lr });
      this.#cooldownLeft = this.cooldown;
      this.#wait = 0;
    }
  }
}

/** A {@link ReduceLROnPlateau}. Example: `callbacks.reduceLROnPlateau({ factor: 0.5, patience: 2 })`. */
export const reduceLROnPlateau = (opts: ReduceLROnPlateauOptions = {}): ReduceLROnPlateau =>
  new ReduceLROnPlateau(opts);
