import { add, addScalar, oneHot, relu, rsubScalar, sub } from "../../kernels/ops/mod.ts";
import type { DType } from "../../kernels/dtype.ts";
import type { Tensor } from "../../kernels/tensor.ts";

/** What every loss shares: the LossFn type, its name, Keras' epsilon and clipping. */

/** Per-sample weights and a mask a loss may take as its third argument. */
export interface LossWeights {
  /** A weight per sample, shape [N] (or the per-sample loss's own shape, e.g. [N, T]). */
  sampleWeight?: Tensor;
  /** 1 where a value counts, 0 where it does not; shape [N] or the per-sample loss's shape. */
  mask?: Tensor;
}

/** A loss: (model output, labels, optional weights) → scalar tensor. */
export type LossFn = (output: Tensor, labels: Tensor, weights?: LossWeights) => Tensor;

/** Keras' backend epsilon. */
export const EPSILON = 1e-7;

/**
 * x clipped to [lo, hi] (zero gradient outside, as Keras' clip), written
 * x + relu(lo − x) − relu(x − hi): exact inside, and no constant tensor uploaded per step.
 */
export function clipTo(x: Tensor, lo: number, hi: number): Tensor {
  return sub(add(x, relu(rsubScalar(x, lo))), relu(addScalar(x, -hi)));
}

/** Gives a loss function a readable name (results files record it). */
export function named(name: string, fn: LossFn): LossFn {
  Object.defineProperty(fn, "name", { value: name });
  return fn;
}

/** int32 class ids of any shape [N, …] one-hot encoded to [N, …, C]. */
export function oneHotIds(ids: Tensor, classes: number, dtype: DType): Tensor {
  const flat = ids.rank === 1 ? ids : ids.reshape([ids.size]);
  return oneHot(flat, classes, dtype).reshape([...ids.shape, classes]);
}
