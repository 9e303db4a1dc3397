import type { Tensor } from "../tensor_core.ts";
import { fmtShape } from "../shape.ts";
import { maxPool2d } from "./pool.ts";
import { avgPool2d } from "./pool_avg.ts";
import { expandDims, squeeze } from "./shape_ops.ts";

/**
 * 1-D pooling on [batch, time, features] (Keras MaxPooling1D/AveragePooling1D), written as the
 * 2-D ops over a height of one, so they share the 2-D kernels and gradients.
 */

/** Options of the 1-D pooling ops; `strides` default to `poolSize` like Keras. */
export interface Pool1dOptions {
  /** Window length (default 2). */
  poolSize?: number;
  /** Step of the window (default `poolSize`). */
  strides?: number;
  /** "valid" (default) keeps only whole windows; "same" pads so every step starts a window. */
  padding?: "valid" | "same";
}

function pool1d(
  name: string,
  pool2d: typeof maxPool2d,
  x: Tensor,
  { poolSize = 2, strides = poolSize, padding = "valid" }: Pool1dOptions,
): Tensor {
  if (x.rank !== 3) {
    throw new Error(`${name}: input must be [batch, time, features], got ${fmtShape(x.shape)}`);
  }
  const y = pool2d(expandDims(x, 1), { poolSize: [1, poolSize], strides: [1, strides], padding });
  return squeeze(y, 1);
}

/** Max pooling along time. Example: `maxPool1d(x, { poolSize: 2 })` halves the steps. */
export function maxPool1d(x: Tensor, opts: Pool1dOptions = {}): Tensor {
  return pool1d("maxPool1d", maxPool2d, x, opts);
}

/**
 * Average pooling along time; with padding "same" each window averages only its real steps
 * (as Keras). Example: `avgPool1d(x, { poolSize: 3, strides: 1, padding: "same" })`.
 */
export function avgPool1d(x: Tensor, opts: Pool1dOptions = {}): Tensor {
  return pool1d("avgPool1d", avgPool2d, x, opts);
}
