import { addScalar, greaterEqual, mul, step, sum } from "../../kernels/ops/mod.ts";
import type { Tensor } from "../../kernels/tensor.ts";
import { oneHotIds } from "../../layers/losses/common.ts";
import { classIds, type Metric, type Seen, SumsMetric } from "../metric.ts";

/**
 * Top-k accuracy: a sample counts when its true class is among the k highest scores. Ties count
 * in, as TensorFlow's `in_top_k` (Keras' TensorFlow backend): the true class is a hit when fewer
 * than k classes score strictly higher. With a mask, over the kept predictions only.
 */
class TopK extends SumsMetric {
  constructor(name: string, readonly k: number, readonly sparse: boolean) {
    super(name);
    if (!Number.isInteger(k) || k < 1) {
      throw new Error(`${name}: k must be a positive integer, got ${k}`);
    }
  }
  protected partials(output: Tensor, labels: Tensor, kept?: Tensor): Tensor[] {
    if (this.sparse && labels.dtype !== "int32") {
      throw new Error(
        `${this.name}: labels must be int32 class ids, got ${labels.dtype}; for one-hot ` +
          "labels use topKCategoricalAccuracy",
      );
    }
    const c = output.shape[output.rank - 1];
    const ids = classIds(labels);
    const trueScore = sum(mul(output, oneHotIds(ids, c, output.dtype)), output.rank - 1, true);
    // Classes scoring at most the true class's score; a hit when more than c − k of them
    // (step(x) = [x > 0], with no constant tensor to upload).
    const notAbove = sum(greaterEqual(trueScore, output), output.rank - 1);
    const hits = step(addScalar(notAbove, -(c - this.k + 0.5)));
    return [sum(kept ? mul(hits, kept) : hits)];
  }
  protected combine([hits]: Float64Array[], seen: Seen): number {
    return seen.predictions ? hits[0] / seen.predictions : NaN;
  }
}

/**
 * Top-k categorical accuracy (Keras' TopKCategoricalAccuracy, k default 5): labels one-hot
 * (int32 ids are taken too). Example: `metrics.topKCategoricalAccuracy({ k: 3 })`.
 */
export function topKCategoricalAccuracy(o: { k?: number; name?: string } = {}): Metric {
  return new TopK(o.name ?? "topKCategoricalAccuracy", o.k ?? 5, false);
}

/**
 * Sparse top-k categorical accuracy (Keras' SparseTopKCategoricalAccuracy, k default 5): labels
 * are int32 class ids. Example: `metrics.sparseTopKCategoricalAccuracy({ k: 2 })`.
 */
export function sparseTopKCategoricalAccuracy(o: { k?: number; name?: string } = {}): Metric {
  return new TopK(o.name ?? "sparseTopKCategoricalAccuracy", o.k ?? 5, true);
}
