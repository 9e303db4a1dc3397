import { cast, mul, notEqual, reverse, split } from "../kernels/ops/mod.ts";
import { fmtShape } from "../kernels/shape.ts";
import type { DType } from "../kernels/dtype.ts";
import type { Tensor } from "../kernels/tensor.ts";
import { cachedScalar } from "../kernels/ops/cached_scalar.ts";

/**
 * Keras masks: a [batch, time] tensor that travels with a sequence from the layer that makes it
 * (`embedding({ maskZero })`, `masking()`) to the layers that use it (recurrent layers,
 * 1-D global pooling, attention). A step is kept where the mask is non-zero (NaN included, as
 * `where` reads a condition) and skipped where it is 0. Models pass masks on by themselves
 * (`Layer.supportsMasking`, `Layer.computeMask`); Module code passes one explicitly:
 * `lstm.apply(h, { mask })`.
 * @module
 */

/** A layer call's mask: one for one input, a list (entries may be absent) for a list input. */
export type Mask = Tensor | (Tensor | undefined)[] | undefined;

/** Throws unless `mask` is one [batch, time] tensor for the [batch, time, …] input `x`. */
export function checkSequenceMask(where: string, mask: Mask, x: Tensor): Tensor {
  if (Array.isArray(mask) || mask === undefined) {
    throw new Error(`${where}: takes one [batch, time] mask for its one input`);
  }
  if (mask.rank !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1]) {
    throw new Error(
      `${where}: the mask must be [batch, time] = [${x.shape[0]},${x.shape[1]}] for the input ` +
        `${fmtShape(x.shape)}, got ${fmtShape(mask.shape)}`,
    );
  }
  return mask;
}

/** 1 where `mask` keeps a step, 0 where it skips it, in `dtype` (so it can be summed). */
export function keepValues(mask: Tensor, dtype: DType): Tensor {
  return cast(notEqual(mask, cachedScalar(0, mask.dtype)), dtype);
}

/**
 * The per-step masks of a recurrence, each [batch, 1], in processing order (reversed for
 * `goBackwards`, as the sequence is).
 */
export function stepMasks(mask: Tensor, goBackwards: boolean): Tensor[] {
  const [b, t] = mask.shape;
  const m = goBackwards ? reverse(mask, 1) : mask;
  return split(m, t, 1).map((s) => s.reshape([b, 1]));
}

/** The AND of the masks that are present (Keras' merge layers); undefined if none is. */
export function andMasks(
  masks: (Tensor | undefined)[],
  dtype: DType = "float32",
): Tensor | undefined {
  const present = masks.filter((m): m is Tensor => m !== undefined);
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return present.map((m) => keepValues(m, dtype)).reduce((a, b) => mul(a, b));
}
