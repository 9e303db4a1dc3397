import { keep } from "../kernels/engine.ts";
import { add, argmax } from "../kernels/ops/mod.ts";
import type { Tensor } from "../kernels/tensor.ts";

/**
 * Streaming metrics, as Keras' `Metric` (update_state / result / reset_state): each batch adds
 * its partial sums to accumulators that stay on the device, and only `result()` reads them back
 * (once per epoch), so a training step never waits for the device.
 */

/** A metric over batches of (model output, labels). */
export interface Metric {
  /** The key in logs and results ("topK"); validation logs prefix "val" ("valTopK"). */
  readonly name: string;
  /** Adds one batch's contribution on the device (no readback). Call it inside a `tidy`. */
  update(output: Tensor, labels: Tensor): void;
  /** The metric over every batch since the last reset (reads the sums back). */
  result(): Promise<number>;
  /** Frees the sums, ready for a new epoch. */
  reset(): void;
}

/** How much a metric has seen, counted on the host (no constant tensors uploaded per step). */
export interface Seen {
  /** Predictions: output values over the last (class) axis, one per sample (per step). */
  predictions: number;
  /** Output values. */
  values: number;
}

/**
 * A metric kept as a few running sums: `partials` gives a batch's contributions (tensors of
 * fixed shapes), `combine` the metric from the sums read back and the host's counts.
 */
export abstract class SumsMetric implements Metric {
  #sums: Tensor[] = [];
  #seen: Seen = { predictions: 0, values: 0 };
  constructor(readonly name: string) {}

  /** This batch's partial sums (the same number and shapes every batch). */
  protected abstract partials(output: Tensor, labels: Tensor): Tensor[];
  /** The metric from the sums; NaN when nothing was seen. */
  protected abstract combine(sums: Float64Array[], seen: Seen): number;

  update(output: Tensor, labels: Tensor): void {
    const parts = this.partials(output, labels);
    const next = this.#sums.length ? parts.map((p, i) => add(this.#sums[i], p)) : parts;
    for (const s of this.#sums) s.dispose();
    this.#sums = next.map((t) => keep(t));
    this.#seen.values += output.size;
    this.#seen.predictions += output.size / Math.max(1, output.shape[output.rank - 1] ?? 1);
  }

  async result(): Promise<number> {
    if (!this.#sums.length) return NaN;
    const sums = await Promise.all(this.#sums.map(async (s) => Float64Array.from(await s.data())));
    return this.combine(sums, this.#seen);
  }

  reset(): void {
    for (const s of this.#sums) s.dispose();
    this.#sums = [];
    this.#seen = { predictions: 0, values: 0 };
  }
}

/** Class ids from labels: int32 ids as they are, one-hot or probability rows by their argmax. */
export function classIds(labels: Tensor): Tensor {
  return labels.dtype === "int32" ? labels : argmax(labels);
}
