import type { Callback } from "./callback.ts";

/**
 * Keras' `TerminateOnNaN`: stops training (without an error) when a loss read back is NaN or
 * infinite. With it, `fit` returns the history so far instead of throwing.
 * Example: `callbacks: [callbacks.terminateOnNaN()]`.
 */
export class TerminateOnNaN implements Callback {
  /** The epoch training stopped in, or 0. */
  stoppedEpoch = 0;
  onBatchEnd(_s: number, logs: { loss?: number; epoch: number }, ctx: { stopTraining: boolean }) {
    if (logs.loss !== undefined && !Number.isFinite(logs.loss)) this.#stop(logs.epoch, ctx);
  }
  onEpochEnd(epoch: number, logs: { loss: number }, ctx: { stopTraining: boolean }) {
    if (!Number.isFinite(logs.loss)) this.#stop(epoch, ctx);
  }
  #stop(epoch: number, ctx: { stopTraining: boolean }) {
    ctx.stopTraining = true;
    this.stoppedEpoch ||= epoch;
  }
}

/** A {@link TerminateOnNaN}. */
export const terminateOnNaN = (): TerminateOnNaN => new TerminateOnNaN();
