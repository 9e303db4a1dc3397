import type { DType } from "../dtype.ts";
import { runOp } from "../engine.ts";
import { defineOp } from "../op.ts";
import { hashUniform } from "../random.ts";
import type { Tensor } from "../tensor_core.ts";

/** The dropout mask: a counter-based random tensor so every device draws the same mask. */

/** The mask's shape, drop rate, seed and element type. */
export interface MaskAttrs {
  /** Shape of the mask (usually the shape of the tensor it multiplies). */
  shape: number[];
  /** Probability that an element is dropped, in [0, 1). */
  rate: number;
  /** Stream of the counter-based generator: the same seed gives the same mask on every device. */
  seed: number;
  /** Element type of the mask. */
  dtype: DType;
}

const dropoutMaskDef = defineOp<MaskAttrs>({
  name: "dropoutMask",
  infer: (_inputs, { shape, rate, dtype }) => {
    if (!(rate >= 0 && rate < 1)) throw new Error(`dropout: rate ${rate} must be in [0, 1)`);
    return { shape: [...shape], dtype };
  },
  cpu: (_inputs, { rate, seed }, out) => {
    // Inverted dropout: kept units are scaled by 1/(1−rate) so evaluation needs no rescaling.
    const keep = 1 / (1 - rate);
    for (let i = 0; i < out.length; i++) out[i] = hashUniform(seed, i) >= rate ? keep : 0;
  },
  noGradReason: "a random constant with no inputs",
  tests: [{
    name: "3x7 rate .4",
    inputs: [],
    attrs: { shape: [3, 7], rate: 0.4, seed: 9, dtype: "float32" },
  }],
});

/**
 * A mask of 0 and 1/(1−rate) values, each kept with probability 1−rate, fixed by `seed`.
 * Example: `x.mul(dropoutMask(x.shape, 0.5, step))`.
 */
export function dropoutMask(
  shape: number[],
  rate: number,
  seed: number,
  dtype: DType = "float32",
): Tensor {
  return runOp(dropoutMaskDef, [], { shape: [...shape], rate, seed: seed >>> 0, dtype });
}
