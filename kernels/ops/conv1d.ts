import { fmtShape } from "../shape.ts";
import type { Tensor } from "../tensor_core.ts";
import { conv2d, type Conv2dAttrs, convOutput, windowAttrs } from "./conv2d.ts";
import { expandDims, squeeze } from "./shape_ops.ts";

/**
 * 1-D convolution on [batch, steps, channels] with a [K, Cin, Cout] filter (Keras Conv1D), written
 * as conv2d over a height of one ([batch, 1, steps, channels] and a [1, K, Cin, Cout] filter, both
 * views), so it shares conv2d's kernels, gradients and fused bias/ReLU on every backend.
 */

/** Padding of conv1d: Keras' "valid", "same", or "causal" (all padding before the first step). */
export type Conv1dPadding = "valid" | "same" | "causal";

/** Options of {@link conv1d} (TF.js names). */
export interface Conv1dOptions {
  /** Step along time; 1 by default. */
  strides?: number;
  /** "valid" (default), "same" or "causal". */
  padding?: Conv1dPadding;
  /** Distance between taps (Keras `dilationRate`); 1 by default. */
  dilations?: number;
  /** Per-filter bias [Cout], added in the conv kernel. */
  bias?: Tensor;
  /** "relu" applies ReLU after the bias in the same kernel. */
  activation?: "relu";
}

/**
 * The conv2d attributes of a 1-D conv over `steps` with a `k`-tap filter: "causal" pads
 * (k − 1)·dilation steps on the left only, so output t sees inputs up to t (Keras).
 * Example: `conv1dAttrs(10, 3, { padding: "causal", dilations: 2 }).pads.left` is 4.
 */
export function conv1dAttrs(
  steps: number,
  k: number,
  opts: Omit<Conv1dOptions, "bias" | "activation">,
): Conv2dAttrs {
  const { strides = 1, dilations = 1, padding = "valid" } = opts;
  if (padding !== "valid" && padding !== "same" && padding !== "causal") {
    throw new Error(`conv1d: padding must be "valid", "same" or "causal", got ${padding}`);
  }
  const pads: [number, number, number, number] | "same" | "valid" = padding === "causal"
    ? [0, 0, (k - 1) * dilations, 0]
    : padding;
  return windowAttrs("conv1d", [1, steps], [1, k], {
    strides: [1, strides],
    dilations: [1, dilations],
    padding: pads,
  });
}

/** Output steps of conv1d over `steps` with a `k`-tap filter; throws when the window does not fit. */
export function conv1dLength(
  steps: number,
  k: number,
  opts: Omit<Conv1dOptions, "bias" | "activation">,
): number {
  return convOutput("conv1d", [0, 1, steps], [1, k], conv1dAttrs(steps, k, opts))[1];
}

/**
 * Convolution along time of `x` [batch, steps, Cin] with filter `w` [K, Cin, Cout].
 * Example: `conv1d(x, w, { padding: "causal", dilations: 2, bias: b })` is [batch, steps, Cout].
 */
export function conv1d(x: Tensor, w: Tensor, opts: Conv1dOptions = {}): Tensor {
  if (x.rank !== 3 || w.rank !== 3) {
    throw new Error(
      `conv1d: input must be [batch, steps, channels] and filter [K, Cin, Cout], got ` +
        `${fmtShape(x.shape)} and ${fmtShape(w.shape)}`,
    );
  }
  if (x.shape[2] !== w.shape[1]) {
    throw new Error(
      `conv1d: input has ${x.shape[2]} channels but the filter expects ${w.shape[1]} ` +
        `(${fmtShape(x.shape)} vs filter ${fmtShape(w.shape)})`,
    );
  }
  const attrs = conv1dAttrs(x.shape[1], w.shape[0], opts);
  convOutput("conv1d", [0, 1, x.shape[1]], [1, w.shape[0]], attrs); // errors named conv1d
  const y = conv2d(expandDims(x, 1), expandDims(w, 0), {
    strides: attrs.strides,
    padding: [attrs.pads.top, attrs.pads.bottom, attrs.pads.left, attrs.pads.right],
    dilations: attrs.dilations,
    bias: opts.bias,
    activation: opts.activation,
  });
  return squeeze(y, 1);
}
