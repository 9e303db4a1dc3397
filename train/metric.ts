import { keep } from "../kernels/engine.ts";
import { add, argmax, mulScalar, sum } from "../kernels/ops/mod.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { keepValues } from "../layers/mask.ts";

/**
 * Streaming metrics, as Keras' `Metric` (update_state / result / reset_state): each batch adds
 * its partial sums to accumulators that stay on the device, and only `result()` reads them back
 * (once per epoch), so a training step never waits for the device.
 */

/** A metric over batches of (model output, labels). */
export interface Metric {
  /** The key in logs and results ("topK"); validation logs prefix "val" ("valTopK"). */
  readonly name: string;
  /**
   * Adds one batch's contribution on the device (no readback). Call it inside a `tidy`. With the
   * output's `mask` (one value per prediction: [N, T] for an [N, T, C] output), the predictions
   * it zeroes count as absent, as tf.keras weighs metrics by the output's mask.
   */
  update(output: Tensor, labels: Tensor, mask?: Tensor): void;
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
 * fixed shapes), `combine` the metric from the sums read back and the counts. Unmasked
 * batches are counted on the host; masked ones by their kept predictions, summed on the device.
 */
export abstract class SumsMetric implements Metric {
  #sums: Tensor[] = [];
  #seen: Seen = { predictions: 0, values: 0 };
  // [Σ kept predictions, Σ their values] of masked batches, on the device.
  #kept: Tensor[] = [];
  constructor(readonly name: string) {}

  /**
   * This batch's partial sums (the same number and shapes every batch). `keep` (float 1/0, the
   * output's shape without its last axis) weighs each prediction, when the output has a mask.
   */
  protected abstract partials(output: Tensor, labels: Tensor, keep?: Tensor): Tensor[];
  /** The metric from the sums; NaN when nothing was seen. */
  protected abstract combine(sums: Float64Array[], seen: Seen): number;

  update(output: Tensor, labels: Tensor, mask?: Tensor): void {
    const classes = Math.max(1, output.shape[output.rank - 1] ?? 1);
    const kept = mask ? keepValues(mask, "float32").reshape(output.shape.slice(0, -1)) : undefined;
    const parts = this.partials(output, labels, kept);
    this.#sums = accumulate(this.#sums, parts);
    if (kept) {
      const k = sum(kept);
      this.#kept = accumulate(this.#kept, [k, mulScalar(k, classes)]);
    } else {
      this.#seen.values += output.size;
      this.#seen.predictions += output.size / classes;
    }
  }

  async result(): Promise<number> {
    if (!this.#sums.length) return NaN;
    const read = (ts: Tensor[]) =>
      Promise.all(ts.map(async (s) => Float64Array.from(await s.data())));
    const [sums, kept] = await Promise.all([read(this.#sums), read(this.#kept)]);
    const seen = kept.length
      ? {
        predictions: this.#seen.predictions + kept[0][0],
        values: this.#seen.values + kept[1][0],
      }
      : this.#seen;
    return this.combine(sums, seen);
  }

  reset(): void {
    for (const s of [...this.#sums, ...this.#kept]) s.dispose();
    this.#sums = [];
    this.#kept = [];
    this.#seen = { predictions: 0, values: 0 };
  }
}

/** `sums + parts` (or `parts` when empty), kept past the caller's `tidy`; frees the old sums. */
function accumulate(sums: Tensor[], parts: Tensor[]): Tensor[] {
  const next = sums.length ? parts.map((p, i) => add(sums[i], p)) : parts;
  for (const s of sums) s.dispose();
  return next.map((t) => keep(t));
}

/** Class ids from labels: int32 ids as they are, one-hot or probability rows by their argmax. */
export function classIds(labels: Tensor): Tensor {
  return labels.dtype === "int32" ? labels : argmax(labels);
}
